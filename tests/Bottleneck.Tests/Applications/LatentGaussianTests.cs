using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>The prior and the Gaussian fitted to codes: hand-computed factors, seeds, temperature.</summary>
public class LatentGaussianTests
{
    static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    /// <summary>A 2 → 2 autoencoder whose code is its input: a linear bottleneck with W = I and b = 0.</summary>
    internal static Autoencoder IdentityCoder(int size = 2)
    {
        var model = ModelFactory.Create(new ModelSpec { InputShape = [size], Encoder = [], Bottleneck = size, BottleneckActivation = "linear" });
        using var noGrad = no_grad();
        var state = model.state_dict();
        state["encoder.0.weight"].copy_(eye(size));
        state["encoder.0.bias"].zero_();
        return model;
    }

    [Fact]
    public void The_prior_at_temperature_1_draws_exactly_randn_from_the_seeded_generator()
    {
        using var prior = LatentGaussian.StandardNormal(5);
        using var generator = new Generator(17);
        var expected = randn([4, 5], generator: generator);
        Assert.Equal(expected.data<float>().ToArray(), prior.Sample(4, 17).data<float>().ToArray());
        Assert.Equal("N(0, I)", prior.Description);
    }

    [Fact]
    public void The_same_seed_draws_the_same_codes_and_another_seed_others()
    {
        using var prior = LatentGaussian.StandardNormal(3);
        Assert.Equal(prior.Sample(6, 1).data<float>().ToArray(), prior.Sample(6, 1).data<float>().ToArray());
        Assert.NotEqual(prior.Sample(6, 1).data<float>().ToArray(), prior.Sample(6, 2).data<float>().ToArray());
    }

    [Fact]
    public void A_hand_covariance_gets_its_cholesky_factor()
    {
        // Σ = [[4, 2], [2, 3]] = LLᵀ with L = [[2, 0], [1, √2]]; the jitter adds 10⁻⁶·tr(Σ)/k = 3.5e-6 to the diagonal.
        using var gaussian = LatentGaussian.FromMoments(tensor(new[] { 1.0, -2.0 }), tensor(new[] { 4.0, 2, 2, 3 }, [2, 2]), "hand");
        Assert.Equal([4.0000035, 2, 2, 3.0000035], Values(gaussian.Covariance), new Tolerance(1e-12));
        Assert.Equal([1.0, -2.0], Values(gaussian.Mean));
        // z = m + Lε: with ε = (ε₁, ε₂) from the generator, z = (1 + 2ε₁, −2 + ε₁ + √2·ε₂) (up to the jitter, < 1e-5).
        using var generator = new Generator(9);
        var epsilon = Values(randn([1, 2], generator: generator));
        var z = Values(gaussian.Sample(1, 9));
        Assert.Equal(1 + 2 * epsilon[0], z[0], 4);
        Assert.Equal(-2 + epsilon[0] + Math.Sqrt(2) * epsilon[1], z[1], 4);
    }

    [Fact]
    public void Temperature_scales_the_distance_from_the_mean()
    {
        using var gaussian = LatentGaussian.FromMoments(tensor(new[] { 0.5, 1.5, -1.0 }), tensor(new[] { 2.0, 0.3, 0, 0.3, 1, 0.1, 0, 0.1, 0.5 }, [3, 3]), "hand");
        var mean = tensor(new[] { 0.5f, 1.5f, -1.0f });
        var one = gaussian.Sample(10, 3, 1.0) - mean;
        var half = gaussian.Sample(10, 3, 0.5) - mean;
        Assert.True((half - 0.5 * one).abs().max().item<float>() < 1e-5);
        var zero = Values(gaussian.Sample(4, 3, 0.0));   // T = 0: every draw is the mean
        Assert.Equal(Enumerable.Repeat(new[] { 0.5, 1.5, -1.0 }, 4).SelectMany(v => v), zero, new Tolerance(1e-7));
        Assert.Throws<OptionException>(() => gaussian.Sample(1, 3, -1));
    }

    [Fact]
    public void Fitting_to_codes_gives_their_mean_and_unbiased_covariance()
    {
        // Codes = inputs (1, 2), (3, 2), (5, 8): mean (3, 4); deviations (−2, −2), (0, −2), (2, 4);
        // Σ = [[8, 12], [12, 24]] / 2 = [[4, 6], [6, 12]]; jitter 10⁻⁶·16/2 = 8e-6.
        using var model = IdentityCoder();
        using var data = new Dataset("three", tensor(new[] { 1f, 2, 3, 2, 5, 8 }, [3, 2]));
        using var fitted = LatentGaussian.Fit(model, data, batchSize: 2);
        Assert.Equal([3.0, 4.0], Values(fitted.Mean), new Tolerance(1e-6));
        Assert.Equal([4.000008, 6, 6, 12.000008], Values(fitted.Covariance), new Tolerance(1e-6));
        Assert.Equal("N(m, Σ) fitted to the codes of three", fitted.Description);
    }

    [Fact]
    public void A_code_unit_that_never_varies_still_has_a_factor()
    {
        // A dead unit: the second code value is 0 for every sample, so Σ is singular without the jitter.
        using var model = IdentityCoder();
        using var data = new Dataset("dead", tensor(new[] { 1f, 0, 2, 0, 4, 0, 7, 0 }, [4, 2]));
        using var fitted = LatentGaussian.Fit(model, data);
        var samples = fitted.Sample(1000, 5);
        Assert.True(samples[.., 1].abs().max().item<float>() < 0.02f);   // σ = √(10⁻⁶·tr Σ/2) ≈ 0.0023
        Assert.InRange(samples[.., 0].std().item<float>(), 2.3f, 3.0f);  // the live unit's σ = √7 ≈ 2.65
    }

    sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
