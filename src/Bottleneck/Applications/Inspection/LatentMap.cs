using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Vq;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// A 2-D map of a dataset, one point per sample (chapter §8.1): an autoencoder's codes when the code has two
/// values, their projection on the codes' own first two principal components when it has more, or PCA's 2-D codes of the
/// raw pixels for comparison.
/// </summary>
/// <param name="X">First coordinate of each sample.</param>
/// <param name="Y">Second coordinate of each sample.</param>
/// <param name="Source">What the coordinates are, for titles and axis labels.</param>
/// <param name="Dimension">Values in the vectors that were mapped (2 for a 2-D code, 32 for a 32-D code, 784 for MNIST's pixels).</param>
/// <param name="ExplainedVarianceRatio">When projected: the share of the mapped vectors' variance along each of the two axes; null for a 2-D code drawn as it is.</param>
internal sealed record LatentMap(double[] X, double[] Y, string Source, int Dimension, double[]? ExplainedVarianceRatio)
{
    /// <summary>True when the coordinates are a PCA projection rather than the values themselves.</summary>
    public bool IsProjected => ExplainedVarianceRatio is not null;

    /// <summary>
    /// The map of <paramref name="model"/>'s codes h = f(x) of <paramref name="data"/>. A code with more than two values is
    /// projected on the first two principal components of these codes (PCA fitted on the very codes drawn, as
    /// sklearn's fit_transform does). A VQ-VAE's code is its grid of codebook indices, which have no geometry, so its
    /// map is drawn from the codebook vectors z_q the decoder receives.
    /// </summary>
    /// <exception cref="BadInputException">The code has a single value, or there are fewer than 2 samples.</exception>
    public static LatentMap OfCodes(Autoencoder model, Dataset data)
    {
        using var scope = NewDisposeScope();
        var codes = model is VectorQuantizedAutoencoder vq ? QuantizedVectors(vq, data) : FeatureProbe.EncoderCodes(model, data);
        string name = model is VectorQuantizedAutoencoder ? "codebook vectors z_q" : "code";
        return Project(codes, $"{model.Spec.Name} {name}", data.Name);
    }

    /// <summary>PCA's own 2-D map: z = (x − μ)Vᵀ with the two components of <paramref name="pca"/> (fitted elsewhere, on training data).</summary>
    public static LatentMap OfPixels(PrincipalComponents pca, Dataset data)
    {
        if (pca.ComponentCount != 2) throw new ArgumentException($"a 2-D map needs a PCA with 2 components, got {pca.ComponentCount}", nameof(pca));
        using var scope = NewDisposeScope();
        var codes = FeatureProbe.PcaCodes(pca, data);
        var (x, y) = Columns(codes);
        return new LatentMap(x, y, "pixels", pca.Dimension, pca.ExplainedVarianceRatio);
    }

    /// <summary>
    /// Points for the vectors <paramref name="codes"/> [n, k]: the vectors themselves when k = 2, otherwise
    /// z = (h − μ_h)Vᵀ with V the top two principal directions of these n vectors (signed as <see cref="PrincipalComponents"/> signs them).
    /// </summary>
    public static LatentMap Project(Tensor codes, string source, string dataName = "codes")
    {
        if (codes.dim() != 2) throw new ArgumentException($"codes must be [n, k], got [{string.Join(", ", codes.shape)}]", nameof(codes));
        int k = (int)codes.shape[1];
        if (k < 2) throw new BadInputException($"{source}: a code of {k} value cannot be drawn as a 2-D map (it needs at least 2 values)");
        if (codes.shape[0] < 2) throw new BadInputException($"{dataName}: a map needs at least 2 samples, got {codes.shape[0]}");
        using var scope = NewDisposeScope();
        if (k == 2)
        {
            var (x, y) = Columns(codes);
            return new LatentMap(x, y, source, 2, null);
        }
        using var asData = new Dataset(dataName, codes.to_type(ScalarType.Float32).clone().DetachFromDisposeScope());
        using var pca = PrincipalComponents.FitCovariance(asData, 2);
        var (px, py) = Columns(pca.Encode(codes));
        return new LatentMap(px, py, source, k, pca.ExplainedVarianceRatio);
    }

    /// <summary>The samples as points [n, 2], float64: the input the separation measures take.</summary>
    public Tensor Points() => stack([tensor(X), tensor(Y)], 1);

    static (double[] X, double[] Y) Columns(Tensor points)
    {
        var p = points.to_type(ScalarType.Float64).contiguous();
        return (p[.., 0].contiguous().data<double>().ToArray(), p[.., 1].contiguous().data<double>().ToArray());
    }

    static Tensor QuantizedVectors(VectorQuantizedAutoencoder model, Dataset data)
    {
        model.eval();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        foreach (var (start, n) in Batches.Of(data.Count, 1000))
        {
            parts.Add(model.Quantizer.Lookup(model.Encode(data.Batch(start, n))).reshape(n, -1));
        }
        return cat(parts, 0);
    }
}
