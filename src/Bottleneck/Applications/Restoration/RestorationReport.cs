using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Evaluation;

namespace Bottleneck.Applications.Restoration;

/// <summary>
/// What a restoration achieved: the degraded input against the clean images (<see cref="Before"/>), the restored
/// images against the clean ones (<see cref="After"/>), and how far the model moved its input (<see cref="Change"/>,
/// restored against input). Before and After are null when there are no clean images to compare with.
/// </summary>
internal sealed record RestorationReport(ImageQuality? Before, ImageQuality? After, ImageQuality Change)
{
    /// <summary>True when clean references were available, so Before and After were measured.</summary>
    public bool HasCleanReference => Before is not null && After is not null;

    /// <summary>PSNR after minus PSNR before, in dB; positive when the model brought the images closer to the clean ones.</summary>
    public double? GainDb => HasCleanReference ? After!.Psnr - Before!.Psnr : null;

    /// <summary>SSIM after minus SSIM before.</summary>
    public double? SsimGain => HasCleanReference ? After!.Ssim - Before!.Ssim : null;

    /// <summary>improvement % = 100·(mse_before − mse_after)/mse_before (§10.4); negative when the model makes it worse.</summary>
    public double? ImprovementPercent => HasCleanReference ? 100 * (Before!.Mse - After!.Mse) / Before.Mse : null;

    /// <summary>
    /// Measures a restoration: <paramref name="clean"/> (null when unknown), the <paramref name="input"/> the model saw,
    /// and what it gave back; all three hold images of the shape <paramref name="layout"/> describes.
    /// </summary>
    public static RestorationReport Measure(Dataset? clean, Dataset input, Dataset restored, ImageLayout layout,
        IProgress<StageProgress>? progress = null)
    {
        // One stage, counted in images, over the passes: 3 with clean references (before, after, change), 1 without.
        int passes = clean is null ? 1 : 3, done = 0;
        StageProgress.Start(progress, MeasuringStage, input.Count);
        ImageQuality Pass(Dataset reference, Dataset candidate)
        {
            var quality = ImageQuality.Measure(reference, candidate, layout, 500,
                measured => StageProgress.Advance(progress, MeasuringStage, ((long)done * input.Count + measured) / passes, input.Count));
            done++;
            return quality;
        }
        var before = clean is null ? null : Pass(clean, input);
        var after = clean is null ? null : Pass(clean, restored);
        return new RestorationReport(before, after, Pass(input, restored));
    }

    /// <summary>The name of the stage <see cref="Measure"/> reports.</summary>
    public const string MeasuringStage = "measuring MSE, PSNR and SSIM";

    /// <summary>The units of the figures, as metrics.json states them.</summary>
    public static JsonObject Units() => new()
    {
        ["mse"] = "mean squared error per pixel, images in [0, 1]",
        ["psnr_db"] = "10·log10(1/MSE) in dB, from the set's MSE",
        ["ssim"] = $"mean over images of Wang et al. (2004) SSIM: {StructuralSimilarity.WindowSize}×{StructuralSimilarity.WindowSize} Gaussian window, " +
                   $"σ = {StructuralSimilarity.WindowSigma}, K1 = {StructuralSimilarity.K1}, K2 = {StructuralSimilarity.K2}, data range 1, valid window positions",
    };

    /// <summary>The figures as metrics.json holds them.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["clean_reference"] = HasCleanReference };
        if (HasCleanReference)
        {
            json["before"] = Before!.ToJson();
            json["after"] = After!.ToJson();
            json["gain_db"] = GainDb is { } g && double.IsFinite(g) ? g : null;
            json["ssim_gain"] = SsimGain;
            json["improvement_percent"] = ImprovementPercent is { } p && double.IsFinite(p) ? p : null;
        }
        json["change"] = Change.ToJson();
        json["units"] = Units();
        return json;
    }
}
