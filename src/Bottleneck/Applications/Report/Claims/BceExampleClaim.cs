using Bottleneck.Objectives;
using Bottleneck.Reporting;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Report.Claims;

/// <summary>
/// §2.4's worked example: the binary cross-entropy of a pixel x = 0.5 reconstructed as x̂ = 0.6. Computed in float64
/// with the library's BCE, beside the target's own entropy H(x), whose difference (the KL divergence) is what 0.020 is.
/// </summary>
internal sealed class BceExampleClaim : ReportClaim
{
    /// <summary>The example's target.</summary>
    public const double Target = 0.5;

    /// <summary>The example's reconstruction.</summary>
    public const double Reconstruction = 0.6;

    /// <summary>The chapter's value.</summary>
    public const double Chapter = 0.020;

    /// <inheritdoc />
    public override string Id => "bce-example";
    /// <inheritdoc />
    public override string Section => "§2.4";
    /// <inheritdoc />
    public override string Statement => "The binary cross-entropy of x = 0.5 reconstructed as x̂ = 0.6 is 0.020.";
    /// <inheritdoc />
    public override string ChapterFigure => "BCE = 0.020";
    /// <inheritdoc />
    public override string Rule => "corrected when the computed BCE differs from 0.020 by more than 0.001 (the row says what 0.020 is instead); confirmed otherwise.";
    /// <inheritdoc />
    public override string FullBudget => "README, Corrections to the chapter (computed, no training): 0.7136; 0.020 is BCE minus the target's entropy.";

    /// <inheritdoc />
    public override ClaimSettings Settings(ReportBudget budget) => new(budget, "none (one pixel)", []);

    /// <summary>−[x log x̂ + (1 − x) log(1 − x̂)] through the library's BCE, in float64.</summary>
    public static double Bce(double target, double reconstruction)
    {
        using var scope = NewDisposeScope();
        var loss = new ReconstructionLoss(LossKind.Bce);
        return loss.Elementwise(tensor(new[] { reconstruction }, ScalarType.Float64), tensor(new[] { target }, ScalarType.Float64)).item<double>();
    }

    /// <inheritdoc />
    public override ClaimOutcome Measure(ClaimContext context)
    {
        context.Stage("computing BCE");
        double bce = Bce(Target, Reconstruction), entropy = Bce(Target, Target), kl = bce - entropy;
        var grid = Enumerable.Range(1, 98).Select(i => i / 100.0).ToArray();
        LinePlot.SavePng(context.FigurePath, "BCE of x = 0.5 against the reconstruction x̂", "x̂", "nats",
            [("BCE(0.5, x̂)", grid, grid.Select(r => Bce(Target, r)).ToArray()),
             ("BCE − H(0.5) = KL", grid, grid.Select(r => Bce(Target, r) - entropy).ToArray()),
             ("the chapter's 0.020 at x̂ = 0.6", [Reconstruction], [Chapter])],
            width: ClaimCharts.Width, height: ClaimCharts.Height);
        bool wrong = Math.Abs(bce - Chapter) > 0.001;
        return new ClaimOutcome(
            [new("BCE(0.5, 0.6)", bce, "nats", 4), new("H(0.5), the target's entropy", entropy, "nats", 4), new("BCE − H(x) (KL divergence)", kl, "nats", 4)],
            wrong ? Verdict.Corrected : Verdict.Confirmed,
            wrong ? $"The BCE is {bce:F4} nats; the chapter's 0.020 is BCE minus the target's entropy ({kl:F4}), the KL divergence, which is 0 at a perfect reconstruction while BCE is not."
                  : "The chapter's value agrees.",
            "BCE of a 0.5 pixel against its reconstruction, and the same minus its entropy: the chapter's point lies on the second curve.");
    }
}
