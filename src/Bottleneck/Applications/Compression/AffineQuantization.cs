namespace Bottleneck.Applications.Compression;

/// <summary>
/// 8-bit affine quantisation per code dimension: over the codes being stored, dimension j spans [min_j, max_j], which
/// is cut into 255 equal steps of scale_j = (max_j − min_j) / 255; a value is stored as q = round((h − min_j) / scale_j)
/// and restored as min_j + q·scale_j, so no value moves by more than scale_j / 2. A constant dimension has scale 0 and
/// is restored exactly.
/// </summary>
internal sealed record AffineQuantization(float[] Min, float[] Scale)
{
    /// <summary>Number of code dimensions.</summary>
    public int Width => Min.Length;

    /// <summary>The per-dimension ranges of <paramref name="codes"/> (row-major, <paramref name="width"/> values a code).</summary>
    public static AffineQuantization Fit(ReadOnlySpan<float> codes, int width)
    {
        if (width < 1 || codes.Length % width != 0) throw new ArgumentException($"{codes.Length} values are not whole codes of {width}");
        var min = new float[width];
        var max = new float[width];
        Array.Fill(min, float.PositiveInfinity);
        Array.Fill(max, float.NegativeInfinity);
        for (int i = 0; i < codes.Length; i++)
        {
            int j = i % width;
            if (!float.IsFinite(codes[i])) throw new BadInputException($"code value {i / width}:{j} is not finite; such codes cannot be stored");
            if (codes[i] < min[j]) min[j] = codes[i];
            if (codes[i] > max[j]) max[j] = codes[i];
        }
        if (codes.Length == 0) { Array.Fill(min, 0f); Array.Fill(max, 0f); }
        // Scale rounded to float32 is what the file stores, and what both quantising and restoring use.
        var scale = new float[width];
        for (int j = 0; j < width; j++) scale[j] = (float)(((double)max[j] - min[j]) / 255.0);
        return new AffineQuantization(min, scale);
    }

    /// <summary>q = round((h − min_j) / scale_j), clamped to 0..255.</summary>
    public byte[] Quantize(ReadOnlySpan<float> codes)
    {
        var q = new byte[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            int j = i % Width;
            q[i] = Scale[j] == 0 ? (byte)0 : (byte)Math.Clamp(Math.Round((codes[i] - (double)Min[j]) / Scale[j], MidpointRounding.ToEven), 0, 255);
        }
        return q;
    }

    /// <summary>h' = min_j + q·scale_j.</summary>
    public float[] Restore(ReadOnlySpan<byte> quantized)
    {
        var codes = new float[quantized.Length];
        for (int i = 0; i < quantized.Length; i++)
        {
            int j = i % Width;
            codes[i] = (float)(Min[j] + quantized[i] * (double)Scale[j]);
        }
        return codes;
    }
}
