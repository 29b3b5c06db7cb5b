using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.Models;

namespace Bottleneck.Applications.Restoration;

/// <summary>What images a model restores, and image files read as its samples.</summary>
public static class RestorationImages
{
    /// <summary>
    /// The picture shape of <paramref name="model"/>'s samples: [H, W], [H, W, 1|3], [1|3, H, W], or a flat square
    /// (784 → 28×28); a model of other data (a CSV's rows) cannot restore images and is refused.
    /// </summary>
    public static ImageLayout LayoutOf(Autoencoder model)
    {
        var shape = model.InputShape;
        bool image = shape.Length switch
        {
            1 => Math.Round(Math.Sqrt(shape[0])) is var side && side * side == shape[0] && side > 1,
            2 => true,
            3 => shape[2] is 1 or 3 || shape[0] is 1 or 3,
            _ => false,
        };
        if (!image)
            throw new BadInputException($"--model: '{model.Spec.Name}' takes samples of shape [{string.Join(", ", shape)}], which are not grey or colour images");
        return new ImageLayout(shape.Select(d => (int)d).ToArray(), $"model '{model.Spec.Name}' input_shape");
    }

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
        return Restoration.FromImages("images", files.Select(f => ImageFile.Read(f, layout.Channels)).ToList(), layout);
    }
}
