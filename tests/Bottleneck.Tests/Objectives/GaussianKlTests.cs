using Bottleneck.Objectives;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Objectives;

public class GaussianKlTests
{
    [Fact]
    public void Closed_form_matches_a_hand_computation()
    {
        // Dimension 1: μ = 0.5, σ² = 1 → 1 + 0.25 − 1 − 0 = 0.25.
        // Dimension 2: μ = −1, σ² = 0.25 → 0.25 + 1 − 1 − ln 0.25 = 0.25 + 1.3862944 = 1.6362944.
        // KL = ½ (0.25 + 1.6362944) = 0.9431472. A second sample at the prior itself has KL 0.
        using var mu = tensor(new[,] { { 0.5, -1.0 }, { 0.0, 0.0 } });
        using var logVar = tensor(new[,] { { 0.0, Math.Log(0.25) }, { 0.0, 0.0 } });
        var kl = GaussianKl.PerSample(mu, logVar).data<double>().ToArray();
        Assert.Equal(0.5 * (0.25 + 0.25 + Math.Log(4)), kl[0], 12);
        Assert.Equal(0.9431472, kl[0], 6);
        Assert.Equal(0.0, kl[1], 12);
    }

    [Fact]
    public void Closed_form_matches_a_monte_carlo_estimate()
    {
        // KL(q ‖ p) = E_q[log q(z) − log p(z)], estimated with 400,000 draws z ~ q.
        using var mu = tensor(new[,] { { 0.3, -1.2, 2.0 } });
        using var logVar = tensor(new[,] { { -0.7, 0.4, -2.0 } });
        using var generator = new Generator(11);
        using var scope = NewDisposeScope();
        var sigma = (0.5 * logVar).exp();
        var epsilon = randn([400_000, 3], dtype: ScalarType.Float64, generator: generator);
        var z = mu + sigma * epsilon;
        var logQ = (-0.5 * (epsilon.square() + logVar + Math.Log(2 * Math.PI))).sum([1]);
        var logP = (-0.5 * (z.square() + Math.Log(2 * Math.PI))).sum([1]);
        double monteCarlo = (logQ - logP).mean().item<double>();
        double closedForm = GaussianKl.PerSample(mu, logVar).item<double>();
        Assert.InRange(monteCarlo - closedForm, -0.02, 0.02);
        Assert.True(closedForm > 2, $"a KL of {closedForm} is too small for this test to mean much");
    }
}
