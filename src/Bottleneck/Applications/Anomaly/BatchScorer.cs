using System.Numerics;
using System.Runtime.InteropServices;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Anomaly;

/// <summary>Writes rows <paramref name="first"/> .. first+count−1 of what is scored into <paramref name="into"/> (count × width values, row-major), in the data's own units.</summary>
internal delegate void RowSource(int first, int count, Span<float> into);

/// <summary>
/// Scores rows a batch at a time by their reconstruction error (§8.4: errors = mean((x − x̂)², axis=1)) without
/// tensors the caller never sees: rows are copied straight into one input tensor, kept from batch to batch, and scaled
/// there in place; each row's error is taken in one pass over the reconstruction and the input (x̂ − x, squared, mean
/// over the row: <see cref="ReconstructionSums.RowMse"/>), without a tensor for the differences or the errors. Not
/// thread-safe, because the input tensor is reused: use one scorer per thread, or serialise the calls (<see cref="AnomalyModel"/> and <c>bottleneck serve</c> hold a lock).
/// </summary>
internal sealed class BatchScorer : IDisposable
{
    /// <summary>Rows scored in one model call unless told otherwise.</summary>
    public const int DefaultBatchRows = 1024;

    readonly Autoencoder model;
    readonly Tensor? offset, scale;   // the scaler's columns as tensors, made once
    Tensor? input;                    // [rows, ...InputShape] float32, grown to the largest batch seen (at most BatchRows)
    float[] rowErrors = [];           // one batch's errors, grown as the input is

    /// <summary>A scorer for <paramref name="model"/>, whose inputs go through <paramref name="scaler"/> first, at most <paramref name="batchRows"/> rows a model call.</summary>
    public BatchScorer(Autoencoder model, FeatureScaler? scaler, int batchRows = DefaultBatchRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        this.model = model;
        Width = checked((int)model.InputShape.Aggregate(1L, (a, b) => a * b));
        if (scaler is not null && scaler.Width != Width)
            throw new ArgumentException($"the scaler has {scaler.Width} columns but the model takes {Width} values", nameof(scaler));
        BatchRows = batchRows;
        if (scaler is null) return;
        offset = tensor(scaler.Offset);
        scale = tensor(scaler.Scale);
        offset.DetachFromDisposeScope();
        scale.DetachFromDisposeScope();
    }

    /// <summary>Values in one row.</summary>
    public int Width { get; }

    /// <summary>Rows scored in one model call at most.</summary>
    public int BatchRows { get; }

    /// <summary>Scores <paramref name="rows"/> rows that <paramref name="source"/> writes, a batch at a time, into <paramref name="scores"/>.</summary>
    public void Score(int rows, RowSource source, Span<double> scores) =>
        Run(rows, (first, count, batch) => source(first, count, Values(batch)), scores);

    /// <inheritdoc cref="Score(int, RowSource, Span{double})"/>
    public void Score(int rows, RowSource source, Span<float> scores) =>
        Run(rows, (first, count, batch) => source(first, count, Values(batch)), scores);

    /// <summary>Scores every sample of <paramref name="data"/> (bytes as x / 255, as its batches give them) into <paramref name="scores"/>.</summary>
    public void Score(Dataset data, Span<double> scores)
    {
        if (data.SampleSize != Width)
            throw new BadInputException($"{data.Name}: samples have {data.SampleSize} values, but the model takes {Width}");
        Run(data.Count, (first, count, batch) => data.CopyBatch(first, count, batch), scores);
    }

    /// <summary>A <see cref="RowSource"/> over rows stored one after another in <paramref name="values"/>, <paramref name="width"/> values a row.</summary>
    public static RowSource RowMajor(float[] values, int width) =>
        (first, count, into) => values.AsSpan(first * width, count * width).CopyTo(into);

    void Run<T>(int rows, Action<int, int, Tensor> fill, Span<T> scores) where T : INumberBase<T>
    {
        if (scores.Length != rows) throw new ArgumentException($"{rows} rows but room for {scores.Length} scores", nameof(scores));
        if (model.training) model.eval();
        using var noGrad = no_grad();
        foreach (var (first, count) in Batches.Of(rows, BatchRows))
        {
            using var scope = NewDisposeScope();
            var batch = InputFor(count);
            fill(first, count, batch);
            if (offset is not null)
                // x' = (x − offset) / scale, as FeatureScaler.Apply, on our own copy of the rows
                batch.view(count, Width).sub_(offset).div_(scale!);
            var errors = RowErrors(count);
            ReconstructionSums.RowMse(Values(Reconstruction(batch)), Values(batch), count, Width, errors);
            for (int i = 0; i < count; i++) scores[first + i] = T.CreateChecked(errors[i]);
        }
    }

    // x̂ = g(f(x)) for a batch, [count, Width] and contiguous (a permuted reconstruction is copied into row order).
    Tensor Reconstruction(Tensor batch) =>
        model.Output.ApplyInPlace(model.DecodePreActivation(model.Encode(batch))).reshape(batch.shape[0], -1).contiguous();

    // Room for one batch's errors, kept from batch to batch.
    Span<float> RowErrors(int count)
    {
        if (rowErrors.Length < count) rowErrors = new float[Math.Min(BatchRows, Math.Max(count, 2 * rowErrors.Length))];
        return rowErrors.AsSpan(0, count);
    }

    /// <summary>
    /// Each sample's mean squared reconstruction error, float32 [N], for a batch <paramref name="input"/> [N, ...] already
    /// in the model's scale (the input is left as it is). Call it without gradients, with the model in eval mode.
    /// </summary>
    internal static Tensor ErrorsInPlace(Autoencoder model, Tensor input)
    {
        long n = input.shape[0];
        // x̂ = g(f(x)); x̂ − x and its square overwrite x̂, which nobody else holds: no tensor for either.
        var reconstruction = model.Output.ApplyInPlace(model.DecodePreActivation(model.Encode(input)));
        var difference = reconstruction.reshape(n, -1).sub_(input.reshape(n, -1));
        // errors = mean((x − x̂)², axis=1), §8.4
        return difference.mul_(difference).mean([1]);
    }

    // The first `count` rows of the input tensor. A batch larger than any before makes it anew, at least twice as large
    // (never past BatchRows), so that batches of varying size (serve's) soon stop reallocating it.
    Tensor InputFor(int count)
    {
        if (input is null || input.shape[0] < count)
        {
            int rows = Math.Min(BatchRows, Math.Max(count, 2 * (int)(input?.shape[0] ?? 0)));
            input?.Dispose();
            input = empty([rows, .. model.InputShape], ScalarType.Float32);
            input.DetachFromDisposeScope();
        }
        return input.narrow(0, 0, count);
    }

    // The values of a contiguous float32 tensor, read and written where libtorch keeps them.
    static Span<float> Values(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    public void Dispose()
    {
        input?.Dispose();
        offset?.Dispose();
        scale?.Dispose();
    }
}
