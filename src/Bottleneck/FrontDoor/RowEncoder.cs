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
    readonly ScaledInputBuffer input;   // the input tensor, kept from call to call, scaled in place
    readonly int codeSize;

    public RowEncoder(TrainedModel trained)
    {
        this.trained = trained;
        input = new ScaledInputBuffer(trained.Model.InputShape, trained.Scaler, BatchRows);
        codeSize = checked((int)trained.Model.CodeShape.Aggregate(1L, (a, b) => a * b));
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
            var batch = input.Rows(n);
            var values = ScaledInputBuffer.Values(batch);
            Rows.CopyChecked(rows, first, n, input.Width, field, values);
            input.Scale(batch);   // on our own copy of the rows
            // The range the training range is checked against: the smallest and largest value after scaling.
            var (min, max) = Extremes(values);
            (low, high) = (Math.Min(low, min), Math.Max(high, max));
            var code = ScaledInputBuffer.Values(model.Encode(batch).contiguous());
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

    public void Dispose() => input.Dispose();
}
