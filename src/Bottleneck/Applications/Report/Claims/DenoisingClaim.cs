using Bottleneck.Applications.Restoration;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Report.Claims;

/// <summary>
/// §3.5, §8.3, §9.1 and §10.4: a denoising autoencoder — fed corrupted digits, trained against the clean ones — removes
/// the noise, and is more robust to it than the same network trained on clean digits. §10.4's setting: Gaussian noise
/// with noise_factor 0.5, x̃ = clip(x + 0.5·N(0, 1), 0, 1), on the §10.2 network (<c>denoise</c>: 784-512-256-128-32
/// with BatchNorm and dropout 0.2). The denoiser and the plain <c>deep-bn</c> (the same network) are trained as
/// docs/convolutional-and-denoising.md trained them, then both restore the same noisy test images
/// (<see cref="RestorationRun"/>, drawn with the seed, as <c>bottleneck denoise</c> does) and are measured against the
/// clean ones: MSE, PSNR and SSIM, beside the noisy input's.
/// </summary>
internal sealed class DenoisingClaim : ReportClaim
{
    /// <summary>§10.4's corruption.</summary>
    public const string Noise = "gaussian:0.5";

    /// <summary>The PSNR margin, in dB, by which the denoiser must beat the noisy input and the plain network.</summary>
    public const double MarginDb = 1.0;

    /// <summary>Training images taken from the start of MNIST's training set (the docs' --limit 10000); the first 90 % are trained on.</summary>
    public const int Limit = 10_000;

    /// <inheritdoc />
    public override string Id => "denoising";
    /// <inheritdoc />
    public override string Section => "§3.5, §8.3, §9.1, §10.4";
    /// <inheritdoc />
    public override string Statement => "A denoising autoencoder, trained on corrupted inputs against clean targets, removes the noise from noisy digits, and is more robust to noise than the same network trained on clean digits.";
    /// <inheritdoc />
    public override string ChapterFigure => "noise_factor 0.5; \"Denoised\" images closer to the clean ones; feature quality \"Better (more robust)\" than a vanilla AE (no number)";
    /// <inheritdoc />
    public override string Rule => $"confirmed when the denoiser's PSNR on the noisy test digits beats both the noisy input's and the plain network's (same architecture, trained on clean digits, fed the same noisy digits) by more than {MarginDb:F0} dB; otherwise refuted at the full budget and not reproducible at a reduced one.";
    /// <inheritdoc />
    public override string FullBudget => "docs/convolutional-and-denoising.md, full budget (denoise and deep-bn, 9,000 training digits, 15 epochs, seed 42, gaussian:0.5 on the 10,000 test digits): MSE noisy 0.1155 (9.37 dB), denoiser 0.0300 (15.24 dB, 74.1 % lower), plain deep-bn 0.0489 (13.10 dB).";

    /// <inheritdoc />
    public override ClaimSettings Settings(ReportBudget budget) =>
        new(budget, "MNIST", [42], Epochs: 15, TrainingSamples: Limit - (int)Math.Round(Limit * ClaimTraining.HeldOut), TestSamples: 10_000,
            Extra: $"noise {Noise}, denoise against deep-bn");

    /// <inheritdoc />
    public override ClaimOutcome Measure(ClaimContext context)
    {
        var settings = context.Settings;
        long seed = settings.Seeds[0];
        var noise = Corruption.Parse(Noise)!;
        using var data = DataSource.Load("mnist");
        using var limited = data.Train.Slice(0, Limit, data.Train.Name + $"[:{Limit}]");
        using var train = ClaimTraining.TrainingPart(limited);
        using var test = data.Test!.Slice(0, settings.TestSamples!.Value);
        using var denoiser = ClaimTraining.Fit(context, Presets.Get("denoise"), train, settings.Epochs!.Value, seed, what: $"denoise on {Noise} noise", noise: noise);
        using var plain = ClaimTraining.Fit(context, Presets.Get("deep-bn"), train, settings.Epochs!.Value, seed, what: "deep-bn on clean digits");
        context.Stage("restoring the noisy test digits with both networks");
        using var comparison = Compare(denoiser, plain, test, noise, seed, context.Stages);
        var denoised = comparison.Denoised;
        var (noisy, dae, vanilla) = (denoised.Report.Before!, denoised.Report.After!, comparison.Plain);
        DenoisingGrid.Save(context.FigurePath,
            $"{Noise}, {settings.Epochs} epochs: PSNR noisy {noisy.Psnr:F2} dB → denoise {dae.Psnr:F2} dB (deep-bn on clean digits: {vanilla.Psnr:F2} dB)",
            denoised.Clean, denoised.Input, denoised.Restored, RestorationImages.LayoutOf(denoiser), 10, "Noisy");
        var verdict = Judge(noisy.Psnr, dae.Psnr, vanilla.Psnr, settings.Budget);
        double improvement = denoised.Report.ImprovementPercent!.Value;
        return new ClaimOutcome(
            [new("noisy input: MSE", noisy.Mse, "per pixel", 4), new("noisy input: PSNR", noisy.Psnr, "dB", 2),
             new("denoiser: MSE", dae.Mse, "per pixel", 4), new("denoiser: PSNR", dae.Psnr, "dB", 2), new("denoiser: SSIM", dae.Ssim, "", 3),
             new("denoiser: MSE lower than the noisy input's", improvement, "%", 1),
             new("plain deep-bn on the same noisy digits: MSE", vanilla.Mse, "per pixel", 4), new("plain deep-bn: PSNR", vanilla.Psnr, "dB", 2),
             new("plain deep-bn: SSIM", vanilla.Ssim, "", 3)],
            verdict,
            verdict == Verdict.Confirmed
                ? $"The denoiser takes the noisy digits from {noisy.Psnr:F2} to {dae.Psnr:F2} dB (MSE {improvement:F1} % lower), {dae.Psnr - vanilla.Psnr:F2} dB better than the same network trained on clean digits ({vanilla.Psnr:F2} dB), which removes part of the noise too: any bottleneck does."
                : $"PSNR noisy {noisy.Psnr:F2} dB, denoiser {dae.Psnr:F2} dB, plain network {vanilla.Psnr:F2} dB: the denoiser is not {MarginDb:F0} dB ahead of both.",
            "The first 10 test digits: clean, with the noise the models were given (captioned with PSNR and SSIM against the clean digit), and restored by the denoiser.");
    }

    /// <summary>The denoiser's restoration of the noisy images (with the noisy input's figures as its "before"), and the plain network's figures on the same noisy images.</summary>
    public sealed record Comparison(RestorationResult Denoised, ImageQuality Plain) : IDisposable
    {
        /// <summary>Frees the noisy copy and the restored images.</summary>
        public void Dispose() => Denoised.Dispose();
    }

    /// <summary>
    /// Corrupts <paramref name="clean"/> once with <paramref name="noise"/> drawn from <paramref name="seed"/> (as
    /// <c>bottleneck denoise --seed</c> does), restores that one noisy copy with both networks, and measures each output
    /// against the clean images: the comparison is paired, image for image and noise for noise.
    /// </summary>
    public static Comparison Compare(Autoencoder denoiser, Autoencoder plain, Dataset clean, Corruption noise, long seed, IProgress<StageProgress>? progress = null)
    {
        var layout = RestorationImages.LayoutOf(denoiser);
        var denoised = RestorationRun.Run(denoiser, clean, layout, noise, seed, progress);
        try
        {
            // The plain network is given the denoiser's noisy input itself, not a copy drawn again.
            using var restored = ImageRestorer.Restore(plain, denoised.Input, progress: progress);
            var report = RestorationReport.Measure(clean, denoised.Input, restored, layout, progress);
            return new Comparison(denoised, report.After!);
        }
        catch
        {
            denoised.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The verdict from the PSNRs, in dB, of the noisy input, the denoiser's output and the plain network's output on the
    /// same noisy images: confirmed when the denoiser is more than <see cref="MarginDb"/> ahead of both.
    /// </summary>
    public static Verdict Judge(double noisyPsnr, double denoiserPsnr, double plainPsnr, ReportBudget budget) =>
        denoiserPsnr - noisyPsnr > MarginDb && denoiserPsnr - plainPsnr > MarginDb ? Verdict.Confirmed : Verdicts.Disagreement(budget);
}
