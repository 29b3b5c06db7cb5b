using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.Models;

namespace Bottleneck.Applications.Restoration;

/// <summary>What images a model restores, and image files read as its samples.</summary>
internal static class RestorationImages
{
    /// <summary>
    /// The picture shape of <paramref name="model"/>'s samples by the one image rule (<see cref="ImageLayout.Of"/>) with
    /// one or three channels; a model of other data (a CSV's rows) cannot restore images and is refused.
    /// </summary>
    public static ImageLayout LayoutOf(Autoencoder model) =>
        ImageLayout.Of(model.InputShape) is { Channels: 1 or 3 } layout ? layout
            : throw new OptionException("model", $"'{model.Spec.Name}' takes samples of shape [{string.Join(", ", model.InputShape)}], which are not grey or colour images");

    /// <summary>
    /// Reads <paramref name="files"/> as samples laid out as <paramref name="layout"/> says, converted to its grey or
    /// colour; a file of another size is one clear line naming the file and both sizes.
    /// </summary>
    public static Dataset Read(IReadOnlyList<string> files, ImageLayout layout, string modelName)
    {
        var colours = layout.Channels == 1 ? "grey" : "colour";
        foreach (var file in files)
        {
            var (width, height) = ImageFile.Size(file);
            if (width != layout.Width || height != layout.Height)
                throw new BadInputException($"{file}: the image is {width}×{height} pixels, but the model '{modelName}' takes {layout.Width}×{layout.Height} {colours} images");
        }
        return ImageRestorer.FromImages("images", files.Select(f => ImageFile.Read(f, layout.Channels)).ToList(), layout);
    }
}
