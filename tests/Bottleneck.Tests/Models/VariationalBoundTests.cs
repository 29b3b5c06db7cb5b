using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Vae;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Tests.Models;

public class VariationalBoundTests
{
    [Fact]
    public void The_importance_weight_matches_a_hand_computation()
    {
        // log p(x|z) = −1.2, z = 0.5, μ = 0.2, σ = 0.7:
        // log p(z) = −½·0.25 − ½ log 2π;  log q(z|x) = −½(0.3²/0.49 + ln 0.49) − ½ log 2π;
        // log w = −1.2 − 0.125 + ½(0.09/0.49 + ln 0.49).
        using var w = VariationalBound.LogImportanceWeight(tensor(new[] { -1.2 }), tensor(new[,] { { 0.5 } }),
            tensor(new[,] { { 0.2 } }), tensor(new[,] { { Math.Log(0.49) } }));
        Assert.Equal(-1.2 - 0.125 + 0.5 * (0.09 / 0.49 + Math.Log(0.49)), w.item<double>(), 12);
    }

    [Fact]
    public void Log_mean_exp_averages_in_probability_space()
    {
        using var a = tensor(new[] { Math.Log(1), Math.Log(3) });
        Assert.Equal(Math.Log(2), VariationalBound.LogMeanExp(a).item<double>(), 12);
        using var big = tensor(new[] { 1000.0, 1000.0 });   // stable where exp overflows
        Assert.Equal(1000.0, VariationalBound.LogMeanExp(big).item<double>(), 9);
    }

    [Fact]
    public void With_a_one_dimensional_latent_the_estimates_bracket_the_exact_likelihood()
    {
        // log p(x) = log ∫ p(x|z) N(z; 0, 1) dz, by quadrature over z ∈ [−10, 10]; the IW estimate with many samples
        // must land on it, and the ELBO must lie below it.
        random.manual_seed(8);
        using var model = (VariationalAutoencoder)ModelFactory.Create(new ModelSpec { Family = "vae", InputShape = [4], Encoder = [6], Bottleneck = 1 });
        model.eval();
        var samples = tensor(new float[,] { { 1, 0, 1, 1 }, { 0, 0, 0.5f, 1 }, { 0.2f, 0.9f, 0, 0 } });
        samples.DetachFromDisposeScope();
        using var data = new Dataset("three", samples);

        double[] exact;
        using (no_grad())
        using (NewDisposeScope())
        {
            var z = linspace(-10, 10, 20_001).unsqueeze(1);
            double dz = 20.0 / 20_000;
            var logits = model.DecodePreActivation(z);                                        // [G, 4]
            var logPrior = (-0.5 * (z.square() + Math.Log(2 * Math.PI))).squeeze(1).to_type(ScalarType.Float64);
            exact = Enumerable.Range(0, 3).Select(i =>
            {
                var x = samples[i].unsqueeze(0).expand(z.shape[0], -1);
                var logLikelihood = -F.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.None).sum([1]).to_type(ScalarType.Float64);
                return (logLikelihood + logPrior).logsumexp(0, false).item<double>() + Math.Log(dz);
            }).ToArray();
        }
        double exactMean = exact.Average();

        var bound = VariationalBound.Measure(model, data, importanceSamples: 5_000);
        Assert.InRange(-bound.NllIw - exactMean, -0.02, 0.02);
        Assert.True(bound.Elbo <= exactMean + 0.01, $"ELBO {bound.Elbo} above log p(x) {exactMean}");
        Assert.Equal(-(bound.Reconstruction + bound.Kl), bound.Elbo, 9);
        Assert.True(bound.Kl > 0);
    }

    [Fact]
    public void The_figures_repeat_exactly_for_the_same_seed()
    {
        random.manual_seed(8);
        using var model = (VariationalAutoencoder)ModelFactory.Create(new ModelSpec { Family = "vae", InputShape = [16], Encoder = [8], Bottleneck = 2 });
        using var data = TestData.LowRank(count: 40, size: 16);
        Assert.Equal(VariationalBound.Measure(model, data, 7), VariationalBound.Measure(model, data, 7));
        Assert.NotEqual(VariationalBound.Measure(model, data, 7).NllIw, VariationalBound.Measure(model, data, 7, seed: 1).NllIw);
    }
}
