using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Evaluation;

/// <summary>
/// The mean and covariance of samples seen one batch at a time, in float64, so PCA can be fitted in one streaming pass
/// over data larger than memory: only the d-vector mean and the d×d scatter matrix are kept (784×784 for MNIST).
/// </summary>
internal sealed class CovarianceAccumulator : IDisposable
{
    Tensor mean, scatter;   // running mean [d] and centred scatter Σ (x − x̄)(x − x̄)ᵀ [d, d]

    /// <summary>Starts empty for samples of <paramref name="dimension"/> values.</summary>
    public CovarianceAccumulator(long dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension));
        Dimension = dimension;
        mean = zeros(dimension, dtype: ScalarType.Float64).DetachFromDisposeScope();
        scatter = zeros(dimension, dimension, dtype: ScalarType.Float64).DetachFromDisposeScope();
    }

    /// <summary>Number of values in one sample.</summary>
    public long Dimension { get; }

    /// <summary>Number of samples added so far.</summary>
    public long Count { get; private set; }

    /// <summary>The mean of the samples so far, [d] float64 (a copy).</summary>
    public Tensor Mean => mean.clone();

    /// <summary>The unbiased covariance Σ (x − x̄)(x − x̄)ᵀ / (n − 1), [d, d] float64, as numpy's cov and sklearn's PCA use.</summary>
    public Tensor Covariance => Count > 1 ? scatter / (Count - 1) : throw new InvalidOperationException("the covariance needs at least two samples");

    /// <summary>Adds a batch [B, ...] of any float dtype; each sample is flattened to <see cref="Dimension"/> values.</summary>
    public void Add(Tensor batch)
    {
        long b = batch.shape[0];
        if (b == 0) return;
        using var scope = NewDisposeScope();
        var x = batch.reshape(b, -1).to_type(ScalarType.Float64);
        if (x.shape[1] != Dimension)
            throw new BadInputException($"covariance: a batch has samples of {x.shape[1]} values, expected {Dimension}");
        var batchMean = x.mean([0]);
        var centred = x - batchMean;
        var batchScatter = centred.T.matmul(centred);
        // Chan, Golub & LeVeque's pairwise update: M2 = M2_a + M2_b + δδᵀ·n_a·n_b/n with δ = x̄_b − x̄_a. Summing
        // centred scatters keeps the precision that XᵀX − n·x̄x̄ᵀ would lose to cancellation.
        long n = Count + b;
        var delta = batchMean - mean;
        var newScatter = scatter + batchScatter + delta.outer(delta) * ((double)Count * b / n);
        var newMean = mean + delta * ((double)b / n);
        scatter.Dispose();
        mean.Dispose();
        scatter = newScatter.DetachFromDisposeScope();
        mean = newMean.DetachFromDisposeScope();
        Count = n;
    }

    public void Dispose()
    {
        mean.Dispose();
        scatter.Dispose();
    }
}
