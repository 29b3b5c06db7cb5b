using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Render;

/// <summary>
/// The chapter's denoising figure (§10.4, L5657-5692, 'denoising_results.png'): clean images, their noisy versions, and
/// the model's output from the noisy ones, in three rows; each noisy and denoised image is captioned with its MSE
/// against the clean one.
/// </summary>
public static class DenoisingGrid
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
        var labels = Enumerable.Range(0, count).Select(i => pairs.Labels is { } l ? $"Label: {l[i]}" : $"#{i}").ToArray();
        ImageGrid.SavePng(path, title,
            [new GridRow("Clean", Rows(clean), labels), new GridRow(inputTitle, Rows(noisy), Errors(noisy)), new GridRow("Denoised", Rows(denoised), Errors(denoised))],
            shape.Width, shape.Height, shape.Channels);
    }

    static float[][] Rows(Tensor batch) =>
        Enumerable.Range(0, (int)batch.shape[0]).Select(i => batch[i].contiguous().data<float>().ToArray()).ToArray();
}
