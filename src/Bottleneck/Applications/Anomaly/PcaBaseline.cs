using Bottleneck.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// The PCA baseline of anomaly evaluation: exact PCA with k components fitted on the same normal training data, and
/// each sample scored by its reconstruction error, mean((x − x̂)²) with x̂ = μ + (x − μ)VₖᵀVₖ — the linear autoencoder's
/// optimum (§5.3). Deliberately minimal and internal (eigendecomposition of the float64 covariance); the toolkit's
/// PCA command is a separate, fuller module.
/// </summary>
internal sealed class PcaBaseline : IDisposable
{
    readonly Tensor mean;          // [d], float64
    readonly Tensor components;    // [k, d], float64, rows orthonormal, largest variance first

    PcaBaseline(Tensor mean, Tensor components, double explained)
    {
        this.mean = mean;
        this.components = components;
        ExplainedVarianceRatio = explained;
    }

    /// <summary>Number of components kept.</summary>
    public int Components => (int)components.shape[0];

    /// <summary>Share of the training data's variance the components keep.</summary>
    public double ExplainedVarianceRatio { get; }

    /// <summary>Fits k = <paramref name="components"/> principal components to <paramref name="data"/> (scaled by <paramref name="scaler"/> if given).</summary>
    public static PcaBaseline Fit(Dataset data, FeatureScaler? scaler, int components, int batchSize = 4096)
    {
        long d = data.SampleSize;
        if (components < 1 || components > d) throw new ArgumentOutOfRangeException(nameof(components), components, $"between 1 and {d}");
        using var scope = NewDisposeScope();
        var sum = zeros(d, ScalarType.Float64);
        ForEachBatch(data, scaler, batchSize, x => sum.add_(x.sum([0])));
        var mu = sum / data.Count;
        // Covariance of the centred data, accumulated a batch at a time: C = Σ (x − μ)ᵀ(x − μ) / n.
        var covariance = zeros([d, d], ScalarType.Float64);
        ForEachBatch(data, scaler, batchSize, x =>
        {
            var centred = x - mu;
            covariance.add_(centred.t().matmul(centred));
        });
        covariance.div_(data.Count);
        var (eigenvalues, eigenvectors) = linalg.eigh(covariance);   // ascending
        var top = eigenvectors.narrow(1, d - components, components).flip(1).t().contiguous();
        double total = eigenvalues.clamp_min(0).sum().item<double>();
        double kept = eigenvalues.narrow(0, d - components, components).clamp_min(0).sum().item<double>();
        mu.MoveToOuterDisposeScope();
        top.MoveToOuterDisposeScope();
        return new PcaBaseline(mu, top, total > 0 ? kept / total : 1);
    }

    /// <summary>Per-sample reconstruction error mean((x − x̂)²) of every sample of <paramref name="data"/>.</summary>
    public double[] Scores(Dataset data, FeatureScaler? scaler, int batchSize = 4096)
    {
        var scores = new double[data.Count];
        int at = 0;
        ForEachBatch(data, scaler, batchSize, x =>
        {
            var centred = x - mean;
            var reconstruction = centred.matmul(components.t()).matmul(components);
            var errors = (centred - reconstruction).square().mean([1]).contiguous().data<double>().ToArray();
            errors.CopyTo(scores, at);
            at += errors.Length;
        });
        return scores;
    }

    /// <summary>Feeds float64 batches [n, d] of the (scaled) samples to <paramref name="use"/>, each inside its own dispose scope.</summary>
    internal static void ForEachBatch(Dataset data, FeatureScaler? scaler, int batchSize, Action<Tensor> use)
    {
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Count - start);
            var batch = data.Batch(start, n);
            var x = scaler is not null ? scaler.Apply(batch) : batch.reshape(n, data.SampleSize);
            use(x.to_type(ScalarType.Float64));
        }
    }

    public void Dispose()
    {
        mean.Dispose();
        components.Dispose();
    }
}
