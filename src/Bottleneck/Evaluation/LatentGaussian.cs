using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Vq;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Evaluation;

/// <summary>
/// A Gaussian N(m, Σ) over a model's flattened code space, to draw codes from: a VAE's prior N(0, I) (§13.1),
/// or a Gaussian fitted to a plain autoencoder's codes of its training data, the classic way to make a model without
/// a prior generate (§8.6 says plain autoencoders "cannot sample random new images"; this measures how badly).
/// </summary>
internal sealed class LatentGaussian : IDisposable
{
    readonly Tensor mean, factor;   // m [k] and the lower Cholesky factor L of Σ = LLᵀ [k, k], float64

    LatentGaussian(Tensor mean, Tensor factor, string description)
    {
        this.mean = mean.DetachFromDisposeScope();
        this.factor = factor.DetachFromDisposeScope();
        Description = description;
    }

    /// <summary>Number of code values k.</summary>
    public long Dimension => mean.shape[0];

    /// <summary>"N(0, I)", or "N(m, Σ) fitted to the codes of mnist/train", for titles and messages.</summary>
    public string Description { get; }

    /// <summary>m, [k] float64 (a copy).</summary>
    public Tensor Mean => mean.clone();

    /// <summary>Σ = LLᵀ, [k, k] float64, including the jitter a fitted Σ gets (a copy).</summary>
    public Tensor Covariance => factor.matmul(factor.T);

    /// <summary>The standard normal N(0, I) over <paramref name="dimension"/> values: a VAE's prior.</summary>
    public static LatentGaussian StandardNormal(long dimension) =>
        new(zeros(dimension, dtype: ScalarType.Float64), eye(dimension, dtype: ScalarType.Float64), "N(0, I)");

    /// <summary>
    /// The mean and unbiased covariance of the codes f(x) of every sample of <paramref name="data"/>. Σ gets
    /// 10⁻⁶ · tr(Σ)/k on its diagonal so that it has a Cholesky factor when some code units never vary (dead ReLUs).
    /// </summary>
    public static LatentGaussian Fit(Autoencoder model, Dataset data, int batchSize = 1000)
    {
        CheckContinuous(model);
        if (data.Count < 2) throw new BadInputException($"{data.Name}: fitting a Gaussian to codes needs at least 2 samples, got {data.Count}");
        long k = model.CodeShape.Aggregate(1L, (a, b) => a * b);
        using var codes = new CovarianceAccumulator(k);
        model.eval();
        using (no_grad())
            foreach (var (start, count) in Batches.Of(data.Count, batchSize))
            {
                using var scope = NewDisposeScope();
                codes.Add(model.Encode(data.Batch(start, count)));
            }
        return FromMoments(codes.Mean, codes.Covariance, $"N(m, Σ) fitted to the codes of {data.Name}");
    }

    /// <summary>N(<paramref name="mean"/>, <paramref name="covariance"/> + 10⁻⁶ · tr(Σ)/k · I); the inputs are not kept.</summary>
    public static LatentGaussian FromMoments(Tensor mean, Tensor covariance, string description)
    {
        using var scope = NewDisposeScope();
        var m = mean.to_type(ScalarType.Float64).clone();
        var sigma = covariance.to_type(ScalarType.Float64);
        long k = m.shape[0];
        double jitter = Math.Max(1e-6 * sigma.trace().item<double>() / k, 1e-12);
        var (l, info) = linalg.cholesky_ex(sigma + jitter * eye(k, dtype: ScalarType.Float64), false);
        if (info.item<int>() != 0)
            throw new BadInputException($"{description}: the covariance of the codes is not positive definite even with jitter {jitter:G3} (are the codes finite?)");
        return new LatentGaussian(m.MoveToOuterDisposeScope(), l.MoveToOuterDisposeScope(), description);
    }

    /// <summary>
    /// <paramref name="count"/> codes z = m + T·Lε, ε ~ N(0, I) from a generator seeded with <paramref name="seed"/>,
    /// as float32 [count, k]; the temperature T scales the spread (T = 1: the Gaussian itself; T = 0: its mean).
    /// For N(0, I) at T = 1 they are exactly the draws of <c>randn</c> from that generator.
    /// </summary>
    public Tensor Sample(int count, long seed, double temperature = 1.0)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        if (!(double.IsFinite(temperature) && temperature >= 0))
            throw new OptionException("temperature", $"expected a finite value ≥ 0, got {temperature}");
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var epsilon = randn([count, Dimension], generator: generator).to_type(ScalarType.Float64);
        // z = m + T·Lε, row by row: the rows of ε Lᵀ are Lε.
        return (mean + temperature * epsilon.matmul(factor.T)).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        mean.Dispose();
        factor.Dispose();
    }

    /// <summary>Refuses a VQ-VAE, whose codes are codebook indices: the points between two indices are not codes, nor are Gaussian draws.</summary>
    public static void CheckContinuous(Autoencoder model)
    {
        if (model is VectorQuantizedAutoencoder)
            throw new OptionException("model", $"'{model.Spec.Name}' is a VQ-VAE, whose codes are codebook indices: the points between and around them are not codes (its prior would be a model of index grids, such as a PixelCNN)");
    }
}
