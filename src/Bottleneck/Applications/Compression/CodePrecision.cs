namespace Bottleneck.Applications.Compression;

/// <summary>How a code file stores each code value.</summary>
internal enum CodePrecision : byte
{
    /// <summary>IEEE single precision, 4 bytes: the codes exactly as the encoder produced them.</summary>
    Float32 = 0,

    /// <summary>IEEE half precision, 2 bytes: 11 significant bits, relative error at most 2⁻¹¹; values beyond ±65504 do not fit.</summary>
    Float16 = 1,

    /// <summary>One byte per value, quantised affinely per code dimension: h ≈ min_j + q·scale_j, error at most scale_j / 2.</summary>
    Uint8 = 2,
}

/// <summary>Names and sizes of the <see cref="CodePrecision"/>s.</summary>
internal static class CodePrecisions
{
    /// <summary>Parses float32, float16 or uint8 (the command line's spelling).</summary>
    public static CodePrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "float32" or "f32" => CodePrecision.Float32,
        "float16" or "f16" or "half" => CodePrecision.Float16,
        "uint8" or "u8" or "8bit" or "8-bit" => CodePrecision.Uint8,
        _ => throw new OptionException("precision", $"unknown precision '{text}' (expected float32, float16 or uint8)"),
    };

    /// <summary>Bytes one code value takes.</summary>
    public static int BytesPerValue(this CodePrecision precision) => precision switch
    {
        CodePrecision.Float32 => 4,
        CodePrecision.Float16 => 2,
        CodePrecision.Uint8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>"float32", "float16" or "uint8".</summary>
    public static string Name(this CodePrecision precision) => precision.ToString().ToLowerInvariant();
}
