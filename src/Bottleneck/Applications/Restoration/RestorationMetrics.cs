using System.Text.Json.Nodes;
using Bottleneck.Evaluation;

namespace Bottleneck.Applications.Restoration;

/// <summary>
/// What `metrics.json` of a restoration holds: the model, where the images came from, the corruption and its seed, the
/// figures of <see cref="RestorationReport"/>, and for image files each file's own figures. <see cref="ToJson"/> writes
/// the keys every earlier version wrote, in the same order, so files users have stay valid.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="ModelFolder">The model folder as the user gave it.</param>
/// <param name="Input">"mnist/test", "digit.png" or "3 image files".</param>
/// <param name="Corruption">The corruption's name ("gaussian:0.5"), or null when the input was taken as degraded.</param>
/// <param name="Seed">The corruption's seed, or null when it draws nothing (no corruption, JPEG).</param>
/// <param name="Report">The figures.</param>
/// <param name="Files">The image files restored, in order, or null for a dataset.</param>
internal sealed record RestorationMetrics(string Model, string ModelFolder, string Input, string? Corruption, long? Seed,
    RestorationReport Report, IReadOnlyList<string>? Files)
{
    /// <summary>Images restored.</summary>
    public int Samples => Report.Change.Images;

    /// <summary>The JSON object metrics.json holds (and --json prints).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["model"] = Model,
            ["model_folder"] = ModelFolder,
            ["input"] = Input,
            ["samples"] = Samples,
            ["corruption"] = Corruption,
            ["seed"] = Seed,
        };
        foreach (var (key, value) in Report.ToJson()) json[key] = value?.DeepClone();
        if (Files is not null)
        {
            var perImage = new JsonArray();
            for (int i = 0; i < Files.Count; i++)
            {
                var entry = new JsonObject { ["file"] = Files[i] };
                if (Report.HasCleanReference)
                {
                    entry["before"] = One(Report.Before!, i);
                    entry["after"] = One(Report.After!, i);
                }
                entry["change"] = One(Report.Change, i);
                perImage.Add(entry);
            }
            json["per_image"] = perImage;
        }
        return json;
    }

    // One image's figures: its MSE (float32, as measured), the PSNR from it (null when the image is exact), its SSIM.
    static JsonObject One(ImageQuality quality, int i)
    {
        double psnr = ReconstructionMetrics.PsnrFromMse(quality.PerImageMse[i]);
        return new JsonObject { ["mse"] = quality.PerImageMse[i], ["psnr_db"] = double.IsFinite(psnr) ? psnr : null, ["ssim"] = quality.PerImageSsim[i] };
    }
}
