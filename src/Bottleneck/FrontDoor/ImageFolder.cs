using Bottleneck.Data;

namespace Bottleneck;

/// <summary>
/// A folder of images as front-door rows: one row per image, its pixels in [0, 1] in the order the image models take
/// them — channel by channel, each row of pixels left to right ([C, H, W], as PyTorch) — so that
/// <c>AutoencoderModel.Create(preset, folder.SampleShape)</c> fits it. PNG, JPEG, BMP, GIF and WebP are read; every
/// image must have the size of the first.
/// </summary>
/// <param name="Files">The image files, sorted by name; <c>Rows[i]</c> is <c>Files[i]</c>.</param>
/// <param name="Rows">One row of <c>Channels × Height × Width</c> values per image.</param>
/// <param name="Channels">1 for grey (colour images are converted to their luma), 3 for colour.</param>
/// <param name="Height">Pixels per column.</param>
/// <param name="Width">Pixels per row.</param>
public sealed record ImageFolder(string[] Files, float[][] Rows, int Channels, int Height, int Width)
{
    /// <summary>The shape of one image's row, [C, H, W], to create a model for.</summary>
    public int[] SampleShape => [Channels, Height, Width];

    /// <summary>Reads every image in <paramref name="folder"/> with <paramref name="channels"/> channels (1 = grey, 3 = colour).</summary>
    /// <param name="folder">A folder of image files (subfolders are not read).</param>
    /// <param name="channels">1 to read every image as grey, 3 as colour.</param>
    /// <returns>The images' rows and their shape, the files sorted by name.</returns>
    /// <exception cref="BadInputException">The folder is missing or holds no images, an image cannot be decoded, or two images differ in size.</exception>
    public static ImageFolder Read(string folder, int channels = 1)
    {
        if (channels is not (1 or 3)) throw new BadInputException($"channels: expected 1 (grey) or 3 (colour), got {channels}");
        if (!Directory.Exists(folder)) throw new BadInputException($"{folder}: expected a folder of images, but there is no such folder");
        var files = ImageFile.Expand([folder]).ToArray();
        var rows = new float[files.Length][];
        int height = 0, width = 0;
        for (int i = 0; i < files.Length; i++)
        {
            var image = ImageFile.Read(files[i], channels);
            if (i == 0) (height, width) = (image.Height, image.Width);
            else if (image.Height != height || image.Width != width)
                throw new BadInputException($"{files[i]}: expected {width}×{height} pixels like {Path.GetFileName(files[0])}, got {image.Width}×{image.Height}");
            rows[i] = Planes(image.Width, image.Height, channels).Deinterleave(image.Values);
        }
        return new ImageFolder(files, rows, channels, height, width);
    }

    /// <summary>
    /// Writes <paramref name="row"/> (a row of this folder's shape, such as a reconstruction) as an 8-bit PNG to
    /// <paramref name="path"/>, each value clipped to [0, 1]; the file appears whole or not at all.
    /// </summary>
    /// <param name="path">The .png file to write; replaced if it exists.</param>
    /// <param name="row">Channels × Height × Width values in [C, H, W] order, as <see cref="Rows"/> holds them.</param>
    /// <exception cref="BadInputException">The row is null or has the wrong number of values.</exception>
    public void WritePng(string path, float[] row)
    {
        int pixels = Height * Width;
        if (row is null || row.Length != Channels * pixels)
            throw new BadInputException($"row: expected {Channels * pixels} values ({Channels}×{Height}×{Width}), got {row?.Length.ToString() ?? "null"}");
        // [C, H, W] back to the pixel-by-pixel order (channels last) an image file stores.
        ImageFile.WritePng(path, new ImagePixels(Width, Height, Channels, Planes(Width, Height, Channels).Interleave(row)));
    }

    // The models take each channel as a plane; an image file's pixels come channels last (RGBRGB…).
    static ImageShape Planes(int width, int height, int channels) => new(width, height, channels) { ChannelsFirst = channels == 3 };
}
