using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// One float32 input tensor kept from batch to batch, which a caller fills with rows straight from its own arrays and
/// which the folder's scaler then rescales in place: no tensor or array a caller never sees. Scoring
/// (<c>BatchScorer</c>) and the front door's encoding (<c>RowEncoder</c>) both feed the model through one. Not
/// thread-safe: the tensor is reused, so its owner serialises the calls.
/// </summary>
internal sealed class ScaledInputBuffer : IDisposable
{
    readonly long[] sampleShape;
    readonly Tensor? offset, scale;   // the scaler's columns as tensors, made once
    Tensor? input;                    // [rows, ...sampleShape], grown to the largest batch seen (at most MaxRows)

    /// <summary>A buffer for samples shaped <paramref name="sampleShape"/>, at most <paramref name="maxRows"/> a batch, scaled by <paramref name="scaler"/> when there is one.</summary>
    public ScaledInputBuffer(long[] sampleShape, FeatureScaler? scaler, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        this.sampleShape = sampleShape;
        Width = checked((int)sampleShape.Aggregate(1L, (a, b) => a * b));
        if (scaler is not null && scaler.Width != Width)
            throw new ArgumentException($"the scaler has {scaler.Width} columns but the model takes {Width} values", nameof(scaler));
        MaxRows = maxRows;
        if (scaler is null) return;
        offset = tensor(scaler.Offset);
        scale = tensor(scaler.Scale);
        offset.DetachFromDisposeScope();
        scale.DetachFromDisposeScope();
    }

    /// <summary>Values in one sample.</summary>
    public int Width { get; }

    /// <summary>Rows in one batch at most.</summary>
    public int MaxRows { get; }

    /// <summary>
    /// The first <paramref name="count"/> rows of the input tensor. A batch larger than any before makes it anew, at
    /// least twice as large (never past <see cref="MaxRows"/>), so that batches of varying size (serve's) soon stop
    /// reallocating it.
    /// </summary>
    public Tensor Rows(int count)
    {
        if (input is null || input.shape[0] < count)
        {
            int rows = Math.Min(MaxRows, Math.Max(count, 2 * (int)(input?.shape[0] ?? 0)));
            input?.Dispose();
            input = empty([rows, .. sampleShape], ScalarType.Float32);
            input.DetachFromDisposeScope();
        }
        return input.narrow(0, 0, count);
    }

    /// <summary>x' = (x − offset) / scale, as <see cref="FeatureScaler.Apply"/>, in place on a batch from <see cref="Rows"/>; nothing without a scaler.</summary>
    public void Scale(Tensor batch)
    {
        if (offset is not null) batch.view(batch.shape[0], Width).sub_(offset).div_(scale!);
    }

    /// <summary>The values of a contiguous float32 tensor, read and written where libtorch keeps them.</summary>
    public static Span<float> Values(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    public void Dispose()
    {
        input?.Dispose();
        offset?.Dispose();
        scale?.Dispose();
    }
}
