using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Restoration;

/// <summary>
/// Image restoration with a trained autoencoder (§8.3): the model's output x̂ = g(f(x̃)) for degraded
/// inputs x̃ (noise, JPEG artefacts, ...), kept in the inputs' layout and clipped to [0, 1] as an image is.
/// </summary>
internal static class ImageRestorer
{
    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="inputs"/> in inference mode and returns the restored images as
    /// a float32 dataset of the same shape, clipped to [0, 1] so that the figures describe the images a file would hold.
    /// <paramref name="progress"/> hears of every batch, as the stage <see cref="RestoringStage"/>.
    /// </summary>
    public static Dataset Restore(Autoencoder model, Dataset inputs, int batchSize = 500, IProgress<StageProgress>? progress = null)
    {
        model.eval();
        using var noGrad = no_grad();
        var restored = empty([inputs.Count, .. inputs.SampleShape], ScalarType.Float32);
        restored.DetachFromDisposeScope();
        try
        {
            StageProgress.Start(progress, RestoringStage, inputs.Count);
            foreach (var (start, count) in Batches.Of(inputs.Count, batchSize))
            {
                using var scope = NewDisposeScope();
                // x̂ = g(f(x̃)); a sigmoid output is in [0, 1] already, a linear one is clipped like a saved image.
                var output = model.Reconstruct(inputs.Batch(start, count)).clamp(0, 1);
                restored.narrow(0, start, count).copy_(output.reshape([count, .. inputs.SampleShape]));
                StageProgress.Advance(progress, RestoringStage, start + count, inputs.Count);
            }
        }
        catch
        {
            restored.Dispose();
            throw;
        }
        return new Dataset($"{inputs.Name} restored by {model.Spec.Name}", restored, inputs.Labels, inputs.ClassNames);
    }

    /// <summary>The name of the stage <see cref="Restore"/> reports.</summary>
    public const string RestoringStage = "restoring the images";

    /// <summary>
    /// Pictures read from files (channels last, all of the layout's size) as a float32 dataset laid out as the model
    /// takes its samples ([H, W], [H, W, C], [C, H, W] or flat).
    /// </summary>
    public static Dataset FromImages(string name, IReadOnlyList<ImagePixels> images, ImageLayout layout)
    {
        int size = layout.Height * layout.Width * layout.Channels;
        var values = new float[(long)images.Count * size];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.Width != layout.Width || image.Height != layout.Height || image.Channels != layout.Channels)
                throw new ArgumentException($"image {i} is {image.Width}×{image.Height}×{image.Channels}, not {layout.Width}×{layout.Height}×{layout.Channels}");
            image.Values.CopyTo(values, (long)i * size);
        }
        using var scope = NewDisposeScope();
        var channelsLast = tensor(values, [images.Count, layout.Height, layout.Width, layout.Channels]);
        var storage = layout.FromChannelsFirst(channelsLast.permute(0, 3, 1, 2)).contiguous();
        storage.DetachFromDisposeScope();
        return new Dataset(name, storage);
    }

    /// <summary>The samples of <paramref name="data"/> as pictures (channels last), for writing image files.</summary>
    public static IReadOnlyList<ImagePixels> ToImages(Dataset data, ImageLayout layout)
    {
        using var scope = NewDisposeScope();
        var channelsLast = layout.ToChannelsFirst(data.Batch(0, data.Count)).permute(0, 2, 3, 1).contiguous().reshape(data.Count, -1);
        return Enumerable.Range(0, data.Count)
            .Select(i => new ImagePixels(layout.Width, layout.Height, layout.Channels, channelsLast[i].data<float>().ToArray())).ToList();
    }
}
