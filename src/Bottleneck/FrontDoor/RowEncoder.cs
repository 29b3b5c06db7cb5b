using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Bottleneck.Data;
using Bottleneck.Persistence;
using static TorchSharp.torch;

namespace Bottleneck;

/// <summary>
/// h = f(x) for float rows, a batch at a time, without tensors or arrays the caller never sees: rows are checked and
/// copied straight into one input tensor, kept from call to call, scaled there in place by the folder's scaler, and
/// their codes copied out into the rows returned. What <see cref="AutoencoderModel.Encode"/> did before went through a
/// rectangular copy of the rows, a dataset, a scaled copy of it, a float array of codes and a copy of torch's
/// generator state on every call. The folder's training range is checked on the scaled values, as
/// <see cref="TrainedModel.Prepare"/> checks it; rows outside it are refused with the same message, and no code is
/// returned. Not thread-safe (the input tensor is reused): <see cref="AutoencoderModel"/> serialises its calls.
/// </summary>
internal sealed class RowEncoder : IDisposable
{
    /// <summary>Rows encoded in one model call at most.</summary>
    public const int BatchRows = 1024;

    readonly TrainedModel trained;
    readonly Tensor? offset, scale;   // the scaler's columns as tensors, made once
    readonly int width, codeSize;
    Tensor? input;                    // [rows, ...InputShape] float32, grown to the largest batch seen (at most BatchRows)

    public RowEncoder(TrainedModel trained)
    {
        this.trained = trained;
        width = checked((int)trained.Model.InputShape.Aggregate(1L, (a, b) => a * b));
        codeSize = checked((int)trained.Model.CodeShape.Aggregate(1L, (a, b) => a * b));
        if (trained.Scaler is not { } scaler) return;
        offset = tensor(scaler.Offset);
        scale = tensor(scaler.Scale);
        offset.DetachFromDisposeScope();
        scale.DetachFromDisposeScope();
    }

    /// <summary>One code of the model's code size for each of <paramref name="rows"/> (named <paramref name="field"/> in errors).</summary>
    /// <exception cref="BadInputException">No rows, a row of another width or with a value that is not finite, or values outside the training range.</exception>
    public float[][] Encode(float[][] rows, string field)
    {
        int count = Rows.Count(rows, field);
        var codes = new float[count][];
        var model = trained.Model;
        if (model.training) model.eval();
        using var noGrad = no_grad();
        float low = float.PositiveInfinity, high = float.NegativeInfinity;
        foreach (var (first, n) in Batches.Of(count, BatchRows))
        {
            using var scope = NewDisposeScope();
            var batch = InputFor(n);
            var values = MemoryMarshal.Cast<byte, float>(batch.bytes);
            Rows.CopyChecked(rows, first, n, width, field, values);
            // x' = (x − offset) / scale, as FeatureScaler.Apply, on our own copy of the rows
            if (offset is not null) batch.view(n, width).sub_(offset).div_(scale!);
            // The range the training range is checked against: the smallest and largest value after scaling.
            var (min, max) = Extremes(values);
            (low, high) = (Math.Min(low, min), Math.Max(high, max));
            var code = MemoryMarshal.Cast<byte, float>(model.Encode(batch).contiguous().bytes);
            for (int i = 0; i < n; i++) codes[first + i] = code.Slice(i * codeSize, codeSize).ToArray();
        }
        trained.CheckRange(low, high, field);
        return codes;
    }

    // The smallest and largest of finite values, eight at a time (a scalar MathF.Min a value cost more than encoding).
    static (float Min, float Max) Extremes(ReadOnlySpan<float> values)
    {
        var (low, high) = (Vector256.Create(float.PositiveInfinity), Vector256.Create(float.NegativeInfinity));
        int j = 0;
        for (; j + Vector256<float>.Count <= values.Length; j += Vector256<float>.Count)
        {
            var v = Vector256.Create(values.Slice(j, Vector256<float>.Count));
            (low, high) = (Vector256.Min(low, v), Vector256.Max(high, v));
        }
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < Vector256<float>.Count; i++) (min, max) = (Math.Min(min, low.GetElement(i)), Math.Max(max, high.GetElement(i)));
        for (; j < values.Length; j++) (min, max) = (Math.Min(min, values[j]), Math.Max(max, values[j]));
        return (min, max);
    }

    // The first `count` rows of the input tensor, made anew (at least twice as large, never past BatchRows) when a call
    // brings more rows than any before.
    Tensor InputFor(int count)
    {
        if (input is null || input.shape[0] < count)
        {
            int rows = Math.Min(BatchRows, Math.Max(count, 2 * (int)(input?.shape[0] ?? 0)));
            input?.Dispose();
            input = empty([rows, .. trained.Model.InputShape], ScalarType.Float32);
            input.DetachFromDisposeScope();
        }
        return input.narrow(0, 0, count);
    }

    public void Dispose()
    {
        input?.Dispose();
        offset?.Dispose();
        scale?.Dispose();
    }
}
