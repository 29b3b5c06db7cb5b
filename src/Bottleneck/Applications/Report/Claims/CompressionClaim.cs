using Bottleneck.Applications.Compression;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Report.Claims;

/// <summary>
/// §8.5: storing 32 code values instead of 784 pixels compresses MNIST 24.5×. The <c>basic</c> autoencoder is trained,
/// the 10,000 test digits are written as code files (float32 and uint8) and the ratios measured against the data as
/// float32 — the chapter's 3,136 bytes against 128 — and against the 8-bit images MNIST actually ships as.
/// </summary>
internal sealed class CompressionClaim : ReportClaim
{
    /// <summary>The chapter's ratio.</summary>
    public const double Chapter = 24.5;

    /// <inheritdoc />
    public override string Id => "compression-ratio";
    /// <inheritdoc />
    public override string Section => "§8.5";
    /// <inheritdoc />
    public override string Statement => "A 32-value code compresses a 784-pixel MNIST digit 24.5× (3,136 bytes to 128).";
    /// <inheritdoc />
    public override string ChapterFigure => "24.5×";
    /// <inheritdoc />
    public override string Rule => "corrected when the ratio against the data as stored (8-bit pixels) differs from 24.5× by more than 10 %; confirmed otherwise.";
    /// <inheritdoc />
    public override string FullBudget => "README, full budget (basic, 10 epochs, 10,000 test digits): float32 codes 24.50× against float32 data, 6.12× against the 8-bit images, PSNR 19.524 dB; uint8 codes 97.90× and 24.48×, 19.522 dB.";

    /// <inheritdoc />
    public override ClaimSettings Settings(ReportBudget budget) =>
        new(budget, "MNIST", [42], Epochs: budget.Pick(5, 10, 10), TrainingSamples: 54_000, TestSamples: 10_000);

    /// <inheritdoc />
    public override ClaimOutcome Measure(ClaimContext context)
    {
        var settings = context.Settings;
        using var data = DataSource.Load("mnist");
        using var train = ClaimTraining.TrainingPart(data.Train);
        using var model = ClaimTraining.Fit(context, Presets.Get("basic"), train, settings.Epochs!.Value, settings.Seeds[0]);
        var test = data.Test!;
        context.Stage("writing the code files");
        // The weights' hash only guards decompressing with other weights, which this claim never does.
        var float32 = CodeCompression.Compress(model, new byte[32], test, CodePrecision.Float32, Path.Combine(context.WorkFolder, "codes-float32.bnc"));
        var uint8 = CodeCompression.Compress(model, new byte[32], test, CodePrecision.Uint8, Path.Combine(context.WorkFolder, "codes-uint8.bnc"));
        ReconstructionGrid.Save(context.FigurePath, model, test, ImageShape.Of(test.SampleShape)!.Value, 10,
            $"basic, {settings.Epochs} epochs: digits restored from their 32 stored values");
        bool honest = Math.Abs(float32.RatioToUint8 - Chapter) <= 0.1 * Chapter;
        return new ClaimOutcome(
            [new("float32 codes: ratio to float32 data", float32.RatioToFloat32, "×", 2),
             new("float32 codes: ratio to the 8-bit images", float32.RatioToUint8, "×", 2),
             new("uint8 codes: ratio to the 8-bit images", uint8.RatioToUint8, "×", 2),
             new("PSNR restored from float32 codes", float32.Psnr!.Value, "dB", 3),
             new("PSNR restored from uint8 codes", uint8.Psnr!.Value, "dB", 3)],
            honest ? Verdict.Confirmed : Verdict.Corrected,
            honest ? "The ratio holds against the data as stored."
                   : $"24.5× holds only against float32 pixels ({float32.RatioToFloat32:F2}× with the file's header); MNIST ships as 8-bit images, against which float32 codes are {float32.RatioToUint8:F2}× smaller. Codes quantised to 8 bits reach {uint8.RatioToUint8:F2}× for {float32.Psnr - uint8.Psnr:F3} dB.",
            "Test digits (top) and their restorations from the stored codes (bottom).");
    }
}
