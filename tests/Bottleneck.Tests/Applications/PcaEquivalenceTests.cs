using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

public class PcaEquivalenceTests
{
    /// <summary>
    /// 600 samples in R^10 with variances 9, 6, 4 along three random orthogonal directions and 0.3 along the rest,
    /// around the mean (1, …, 1): a clear top-3 subspace, and a mean (‖μ‖² = 10) a bias-free model cannot ignore.
    /// </summary>
    static Dataset Gaussian()
    {
        using var generator = new Generator(21);
        var (q, _) = linalg.qr(randn([10, 10], dtype: ScalarType.Float64, generator: generator));
        double[] deviations = [3, Math.Sqrt(6), 2, .. Enumerable.Repeat(Math.Sqrt(0.3), 7)];
        var scales = tensor(deviations);
        var samples = (randn([600, 10], dtype: ScalarType.Float64, generator: generator) * scales).matmul(q.T) + 1;
        var storage = samples.to_type(ScalarType.Float32).contiguous();
        storage.DetachFromDisposeScope();
        return new Dataset("gaussian", storage);
    }

    static EquivalenceResult Run(string variant, Dataset data, PrincipalComponents pca, int epochs = 40)
    {
        using var mean = pca.Mean;
        using var centred = PcaEquivalence.Centred(data, mean);
        using var span = PcaEquivalence.DataSpan(data, pca);
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 32, LearningRate = 1e-2, Seed = 3 };
        return PcaEquivalence.Run(EquivalenceVariant.Get(variant), pca, span, data, null, centred, null, options);
    }

    [Fact]
    public void Centring_subtracts_the_training_mean()
    {
        using var data = Gaussian();
        using var pca = PrincipalComponents.FitCovariance(data, 3);
        using var mean = pca.Mean;
        using var centred = PcaEquivalence.Centred(data, mean);
        using var batch = centred.Batch(0, centred.Count);
        Assert.True(batch.mean([0]).abs().max().item<float>() < 1e-5);
        Assert.Equal(data.SampleShape, centred.SampleShape);
    }

    [Fact]
    public void A_linear_autoencoder_on_centred_data_learns_pcas_subspace_and_error()
    {
        using var data = Gaussian();
        using var pca = PrincipalComponents.FitCovariance(data, 3);
        var result = Run("linear", data, pca);
        Assert.True(result.Decoder.Overlap > 0.999, $"decoder overlap {result.Decoder.Overlap}");
        Assert.True(result.EncoderOnSupport.Overlap > 0.99, $"encoder overlap {result.EncoderOnSupport.Overlap}");
        Assert.InRange(result.TrainMseRatio, 1.0 - 1e-6, 1.01);    // never below PCA's optimum, and within 1 %
        Assert.Equal(40, result.Epochs.Count);
        Assert.NotNull(result.FirstEpochWithOverlap(0.99));
    }

    [Fact]
    public void Without_biases_uncentred_data_pulls_a_direction_towards_the_mean()
    {
        using var data = Gaussian();
        using var pca = PrincipalComponents.FitCovariance(data, 3);
        var biased = Run("uncentred", data, pca);
        var biasFree = Run("no-bias", data, pca);
        // A free decoder bias absorbs the mean (GUIDE §4.1); without one, the model spends part of its subspace on it.
        Assert.True(biased.Decoder.Overlap > 0.99, $"with biases: {biased.Decoder.Overlap}");
        Assert.True(biasFree.Decoder.Overlap < 0.9, $"without biases: {biasFree.Decoder.Overlap}");
        Assert.True(biasFree.TrainMseRatio > 1.2, $"without biases: MSE ratio {biasFree.TrainMseRatio}");
    }
}
