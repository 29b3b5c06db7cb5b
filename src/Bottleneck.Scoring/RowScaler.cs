namespace Bottleneck.Scoring;

/// <summary>
/// A detector's per-column scaling x' = (x − offset) / scale, as anomaly fit saved it, for the graphs that do not apply
/// it themselves (a detector's encode and reconstruct graphs take scaled rows; its score graph takes raw ones).
/// </summary>
public sealed record RowScaler(string Kind, float[] Offset, float[] Scale)
{
    /// <summary>Number of columns the scaler was fitted on.</summary>
    public int Width => Offset.Length;

    /// <summary>Rows (row-major, <see cref="Width"/> values each) scaled into a new array.</summary>
    public float[] Apply(ReadOnlySpan<float> values)
    {
        var scaled = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % Width;
            scaled[i] = (values[i] - Offset[j]) / Scale[j];
        }
        return scaled;
    }

    /// <summary>Scaled rows back in the data's units, in place: x = x'·scale + offset.</summary>
    public void Invert(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % Width;
            values[i] = values[i] * Scale[j] + Offset[j];
        }
    }
}
