using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Reporting;

/// <summary>
/// The chapter's denoising figure (§10.4, 'denoising_results.png'): clean images, their noisy versions, and
/// the model's output from the noisy ones, in three rows; each noisy and denoised image is captioned with its MSE
/// against the clean one.
/// </summary>
internal static class DenoisingGrid
{
    /// <summary>
    /// Draws the first <paramref name="count"/> samples of <paramref name="pairs"/> (clean data paired with noisy inputs)
    /// and saves the PNG; <paramref name="inputTitle"/> names the middle row ("Noisy", "JPEG").
    /// </summary>
    public static void Save(string path, Autoencoder model, Dataset pairs, ImageShape shape, int count, string title, string inputTitle = "Noisy")
    {
        var noisyData = pairs.Inputs ?? throw new ArgumentException("the data has no noisy inputs paired with it (Dataset.WithInputs)", nameof(pairs));
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var clean = pairs.Batch(0, count).reshape(count, -1);
        var noisy = noisyData.Batch(0, count).reshape(count, -1);
        var denoised = model.Reconstruct(noisy).reshape(count, -1);
        string[] Errors(Tensor images) => (images - clean).square().mean([1]).data<float>().ToArray().Select(e => $"MSE: {e:F4}").ToArray();
        var labels = Enumerable.Range(0, count).Select(i => ClassCaption.Of(pairs, i)).ToArray();
        ImageGrid.SaveWrappedPng(path, title,
            [[new GridRow("Clean", Rows(clean), labels), new GridRow(inputTitle, Rows(noisy), Errors(noisy)), new GridRow("Denoised", Rows(denoised), Errors(denoised))]],
            shape);
    }

    /// <summary>
    /// Draws images already restored (§8.3): clean (when known), degraded and restored rows of the first
    /// <paramref name="count"/> samples, the degraded and restored images captioned with their PSNR and SSIM against the clean
    /// one; without clean images, the degraded and restored rows alone. <paramref name="names"/> captions the top row
    /// (file names); labels or sample numbers otherwise. All three datasets hold images laid out as <paramref name="layout"/> says.
    /// </summary>
    public static void Save(string path, string title, Dataset? clean, Dataset input, Dataset restored, ImageLayout layout, int count,
        string inputTitle = "Corrupted", IReadOnlyList<string>? names = null)
    {
        count = Math.Min(count, input.Count);
        using var scope = NewDisposeScope();
        string Name(int i) => names is not null ? Shorten(names[i]) : ClassCaption.Of(input, i);
        var top = Enumerable.Range(0, count).Select(Name).ToArray();
        var rows = new List<GridRow>();
        if (clean is not null)
        {
            using var cleanPart = clean.Slice(0, count);
            using var inputPart = input.Slice(0, count);
            using var restoredPart = restored.Slice(0, count);
            var before = ImageQuality.Measure(cleanPart, inputPart, layout);
            var after = ImageQuality.Measure(cleanPart, restoredPart, layout);
            rows.Add(new GridRow("Clean", ChannelsLast(cleanPart, layout), top));
            rows.Add(new GridRow(inputTitle, ChannelsLast(inputPart, layout), Captions(before)));
            rows.Add(new GridRow("Restored", ChannelsLast(restoredPart, layout), Captions(after)));
        }
        else
        {
            using var inputPart = input.Slice(0, count);
            using var restoredPart = restored.Slice(0, count);
            rows.Add(new GridRow(inputTitle, ChannelsLast(inputPart, layout), top));
            rows.Add(new GridRow("Restored", ChannelsLast(restoredPart, layout)));
        }
        ImageGrid.SaveWrappedPng(path, title, [rows], layout.Width, layout.Height, layout.Channels);
    }

    // Each image's PSNR (from its own MSE) and SSIM against its clean image.
    static string[] Captions(ImageQuality quality) => Enumerable.Range(0, quality.Images).Select(i =>
        string.Create(CultureInfo.InvariantCulture, $"{ReconstructionMetrics.PsnrFromMse(quality.PerImageMse[i]):F1} dB, SSIM {quality.PerImageSsim[i]:F2}")).ToArray();

    static string Shorten(string name) => name.Length <= 16 ? name : name[..15] + "…";

    // ImageGrid takes channels-last pixels; the data may be [H, W], [H, W, C], [C, H, W] or flat.
    static float[][] ChannelsLast(Dataset images, ImageLayout layout) =>
        Rows(layout.ToChannelsFirst(images.Batch(0, images.Count)).permute(0, 2, 3, 1).contiguous().reshape(images.Count, -1));

    static float[][] Rows(Tensor batch) =>
        Enumerable.Range(0, (int)batch.shape[0]).Select(i => batch[i].contiguous().data<float>().ToArray()).ToArray();
}
