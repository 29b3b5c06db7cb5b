namespace Bottleneck.Export.Onnx;

/// <summary>Which function of an autoencoder an exported ONNX graph computes.</summary>
internal enum OnnxGraphKind
{
    /// <summary>h = f(x): the code (a VAE's μ and log σ²; a VQ-VAE's codebook indices).</summary>
    Encode,

    /// <summary>x̂ = g(h): the reconstruction from a code, output activation applied.</summary>
    Decode,

    /// <summary>x̂ = g(f(x)).</summary>
    Reconstruct,

    /// <summary>The anomaly score of §8.4: each sample's mean squared reconstruction error, mean((x − x̂)²).</summary>
    Score,
}

/// <summary>Names of <see cref="OnnxGraphKind"/> values as the command line spells them.</summary>
internal static class OnnxGraphKinds
{
    /// <summary>encode, decode, reconstruct, score.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<OnnxGraphKind>().Select(Name).ToArray();

    /// <summary>The lower-case name ("reconstruct").</summary>
    public static string Name(this OnnxGraphKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses a name; <paramref name="field"/> names the option in the <see cref="OptionException"/>.</summary>
    public static OnnxGraphKind Parse(string name, string field)
    {
        foreach (var kind in Enum.GetValues<OnnxGraphKind>())
            if (kind.Name() == name.Trim().ToLowerInvariant()) return kind;
        throw new OptionException(field, $"unknown graph '{name}' (expected one of {string.Join(", ", Names)})");
    }
}
