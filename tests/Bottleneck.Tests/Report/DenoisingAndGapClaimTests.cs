using Bottleneck.Applications.Generation;
using Bottleneck.Applications.Report;
using Bottleneck.Applications.Report.Claims;
using Bottleneck.Data;
using Bottleneck.Models;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Report;

/// <summary>
/// The denoising and latent-gap claims' measurement logic on small data: the paired comparison of two networks on one
/// noisy copy against float64 sums, the gap summary against numpy, and both verdict rules against hand values.
/// </summary>
public class DenoisingAndGapClaimTests
{
    [Fact]
    public void DenoisingComparesBothNetworksOnTheSameNoisyImages()
    {
        random.manual_seed(3);
        using var denoiser = ModelFactory.Create(new ModelSpec { Name = "a", InputShape = [28, 28], Encoder = [8], Bottleneck = 3 });
        using var plain = ModelFactory.Create(new ModelSpec { Name = "b", InputShape = [28, 28], Encoder = [5], Bottleneck = 2 });
        using var clean = new Dataset("clean", rand(6, 28, 28).DetachFromDisposeScope());
        var noise = Corruption.Parse(DenoisingClaim.Noise)!;
        using var comparison = DenoisingClaim.Compare(denoiser, plain, clean, noise, seed: 11);

        // The reference: the noisy copy drawn again from the same seed, each network's output on it, and float64 sums.
        using var noisy = noise.CorruptedCopy(clean, 11);
        double[] Pixels(Tensor t) => t.reshape(-1).to_type(ScalarType.Float64).data<double>().ToArray();
        var x = Pixels(clean.Batch(0, 6));
        var xNoisy = Pixels(noisy.Batch(0, 6));
        double[] Output(Autoencoder model)
        {
            model.eval();
            using var noGrad = no_grad();
            return Pixels(model.Reconstruct(noisy.Batch(0, 6)).clamp(0, 1));
        }
        static double Mse(double[] a, double[] b) => a.Zip(b, (p, q) => (p - q) * (p - q)).Sum() / a.Length;
        Assert.Equal(Mse(x, xNoisy), comparison.Denoised.Report.Before!.Mse, 6);
        Assert.Equal(Mse(x, Output(denoiser)), comparison.Denoised.Report.After!.Mse, 6);
        Assert.Equal(Mse(x, Output(plain)), comparison.Plain.Mse, 6);
        Assert.Equal(10 * Math.Log10(1 / Mse(x, Output(plain))), comparison.Plain.Psnr, 3);
        Assert.True(Mse(x, xNoisy) > 0.01);   // the noise is there: σ = 0.5 on uniform pixels
    }

    [Theory]
    // docs/convolutional-and-denoising.md's figures: noisy 9.37 dB, denoise 15.24 dB, deep-bn 13.10 dB.
    [InlineData(9.37, 15.24, 13.10, "full", "confirmed")]
    [InlineData(9.37, 15.24, 14.50, "full", "refuted")]   // only 0.74 dB ahead of the plain network
    [InlineData(9.37, 10.20, 8.00, "full", "refuted")]    // 0.83 dB ahead of the noisy input
    [InlineData(9.37, 15.24, 14.50, "quick", "not-reproducible-at-budget")]
    public void DenoisingVerdictNeedsOneDecibelOverBoth(double noisy, double denoiser, double plain, string budget, string expected) =>
        Assert.Equal(expected, DenoisingClaim.Judge(noisy, denoiser, plain, ReportBudgets.Parse(budget)).Key());

    [Fact]
    public void GapSummaryIsMeanAndTheLargerOfStandardErrorAndSpreadOverSeeds()
    {
        // numpy: np.mean([0.02, 0.03, 0.025]) = 0.025, np.std([...], ddof=1) = 0.005 > the mean standard error 0.002333…
        var summary = LatentGapClaim.Summary.Of([(0.02, 0.002), (0.03, 0.003), (0.025, 0.002)]);
        Assert.Equal(0.025, summary.Mean, 12);
        Assert.Equal(0.005, summary.Noise, 12);
        Assert.True(summary.Positive);
        var one = LatentGapClaim.Summary.Of([(0.004, 0.0025)]);   // one seed: the standard error alone, 0.004 < 2 × 0.0025
        Assert.Equal(0.0025, one.Noise, 12);
        Assert.False(one.Positive);
    }

    [Theory]
    // docs/generation.md: vae − ae-256-32 = +0.026 ± 0.002, ae-256-32 − cross-fade = +0.021 ± 0.003: gaps, but not garbage.
    [InlineData(0.026, 0.002, 0.021, 0.003, "full", "corrected")]
    [InlineData(0.026, 0.002, 0.004, 0.003, "full", "confirmed")]
    [InlineData(0.003, 0.002, 0.021, 0.003, "full", "refuted")]
    [InlineData(0.003, 0.002, 0.021, 0.003, "quick", "not-reproducible-at-budget")]
    public void GapVerdictFollowsItsRule(double vaeOverPlain, double se1, double plainOverFade, double se2, string budget, string expected) =>
        Assert.Equal(expected, LatentGapClaim.Judge([(vaeOverPlain, se1)], [(plainOverFade, se2)], ReportBudgets.Parse(budget)).Verdict.Key());

    [Fact]
    public void GapMeasurementsAreTheProfilesRatiosAndPairedDifferences()
    {
        // Three profiles over the same 4 pairs, 4 steps; the reference figures are numpy's:
        // ratios 0.75/0.91, 0.89/0.94, 0.81/0.93; vae − ae: mean 0.08, s.e. 0.010801234497346417; ae − fade: 0.06, 0.014719601443879777.
        GapProfile[] gaps =
        [
            new("pixel cross-fade", [0.90, 0.70, 0.80, 0.92], [0.70, 0.80, 0.75, 0.75]),
            new("vae", [0.95, 0.90, 0.88, 0.93], [0.90, 0.88, 0.89, 0.89]),
            new("ae-256-32", [0.94, 0.80, 0.82, 0.92], [0.80, 0.83, 0.81, 0.80]),
        ];
        var outcome = LatentGapClaim.Summarise(gaps, new ClaimSettings(ReportBudget.Full, "test", [1]), 0.905);
        double Value(string name) => outcome.Measured.Single(m => m.Name == name).Value;
        Assert.Equal(0.8241758241758241, Value("interior / ends: pixel cross-fade"), 12);
        Assert.Equal(0.946808510638298, Value("interior / ends: vae"), 12);
        Assert.Equal(0.8709677419354839, Value("interior / ends: ae-256-32"), 12);
        Assert.Equal(0.08, Value("paired interior confidence, vae − ae-256-32"), 12);
        Assert.Equal(0.06, Value("paired interior confidence, ae-256-32 − cross-fade"), 12);
        var errors = outcome.Measured.Where(m => m.Name.Contains("standard error")).Select(m => m.Value).ToArray();
        Assert.Equal(0.010801234497346417, errors[0], 12);
        Assert.Equal(0.014719601443879777, errors[1], 12);
        Assert.Equal(90.5, Value("judging classifier's accuracy on the test digits"), 12);
        Assert.Equal(Verdict.Corrected, outcome.Verdict);
        Assert.Throws<ArgumentException>(() => LatentGapClaim.Summarise(gaps, new ClaimSettings(ReportBudget.Full, "test", [1, 2]), null));
    }
}
