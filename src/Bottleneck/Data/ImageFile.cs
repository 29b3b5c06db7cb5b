using Bottleneck.IO;
using SkiaSharp;

namespace Bottleneck.Data;

/// <summary>One picture read from an image file: its size and its pixels in [0, 1], row-major, channels last.</summary>
internal sealed record ImagePixels(int Width, int Height, int Channels, float[] Values);

/// <summary>
/// Reads and writes single image files with SkiaSharp (PNG, JPEG, BMP, GIF, WebP): pixels in [0, 1], channels last,
/// converted to the number of channels a model takes — colour to grey with ITU-R BT.601 luma (0.299 R + 0.587 G +
/// 0.114 B, PIL's convert('L')), grey to colour by repeating the value. Alpha is ignored.
/// </summary>
internal static class ImageFile
{
    /// <summary>File name endings taken as images when a folder is given.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>The files <paramref name="arguments"/> name: files as given, folders as their image files sorted by name.</summary>
    /// <exception cref="BadInputException">A path does not exist, or a folder holds no image files.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        foreach (var argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                var found = Directory.EnumerateFiles(argument)
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                    throw new BadInputException($"{argument}: the folder holds no image files (expected {string.Join(", ", Extensions)})");
                files.AddRange(found);
            }
            else if (File.Exists(argument)) files.Add(argument);
            else throw new BadInputException($"{argument}: no such image file or folder");
        }
        return files;
    }

    /// <summary>The size of the image in <paramref name="path"/>, read from its header without decoding the pixels.</summary>
    /// <exception cref="BadInputException">The file is not an image SkiaSharp can decode.</exception>
    public static (int Width, int Height) Size(string path)
    {
        using var codec = OpenCodec(path);
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Decodes the image in <paramref name="path"/> with <paramref name="channels"/> channels (1 = grey, 3 = colour).</summary>
    /// <exception cref="BadInputException">The file is not an image SkiaSharp can decode.</exception>
    public static ImagePixels Read(string path, int channels)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "images have 1 (grey) or 3 (colour) channels");
        using var codec = OpenCodec(path);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if ((long)info.Width * info.Height > MaxPixels)
            throw new BadInputException($"{path}: the image is {info.Width}×{info.Height} pixels, more than the {MaxPixels:N0} this reader decodes");
        using var bitmap = new SKBitmap(info);
        // SKBitmap.Decode fills what a truncated or damaged file lacks with blank rows and reports nothing; the codec's
        // result says whether every row was decoded.
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new BadInputException(result == SKCodecResult.IncompleteInput
                ? $"{path}: the image data is truncated (SkiaSharp decoded only part of the {info.Width}×{info.Height} pixels)"
                : $"{path}: SkiaSharp could not decode the image ({result})");
        var rgba = bitmap.GetPixelSpan();
        int pixels = info.Width * info.Height;
        var values = new float[pixels * channels];
        for (int p = 0; p < pixels; p++)
        {
            byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            if (channels == 3)
            {
                values[3 * p] = r / 255f;
                values[3 * p + 1] = g / 255f;
                values[3 * p + 2] = b / 255f;
            }
            // A grey pixel stays exactly v/255; a colour one becomes its BT.601 luma.
            else values[p] = r == g && g == b ? r / 255f : (float)((0.299 * r + 0.587 * g + 0.114 * b) / 255.0);
        }
        return new ImagePixels(info.Width, info.Height, channels, values);
    }

    /// <summary>
    /// Writes <paramref name="image"/> as an 8-bit PNG (grey or RGB), each value clipped to [0, 1] and rounded to the
    /// nearest of 256 levels, to <paramref name="path"/> atomically.
    /// </summary>
    public static void WritePng(string path, ImagePixels image)
    {
        bool grey = image.Channels == 1;
        int pixels = image.Width * image.Height;
        var bytes = new byte[pixels * (grey ? 1 : 4)];
        for (int p = 0; p < pixels; p++)
        {
            if (grey) { bytes[p] = ToByte(image.Values[p]); continue; }
            for (int c = 0; c < 3; c++) bytes[4 * p + c] = ToByte(image.Values[3 * p + c]);
            bytes[4 * p + 3] = 255;
        }
        var info = new SKImageInfo(image.Width, image.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var source = SKImage.FromPixelCopy(info, bytes) ?? throw new InvalidOperationException("SkiaSharp could not wrap the image");
        using var png = source.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException("SkiaSharp's PNG encoder failed");
        AtomicFile.WriteAllBytes(path, png.AsSpan());
    }

    // 64 megapixels (256 MB as RGBA) is far beyond any autoencoder's input; a small file whose header claims more
    // cannot make the reader allocate gigabytes.
    const long MaxPixels = 1L << 26;

    static SKCodec OpenCodec(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: no such image file");
        var codec = SKCodec.Create(path, out var result);
        if (codec is null) throw new BadInputException($"{path}: not an image SkiaSharp can read ({result}; expected PNG, JPEG, BMP, GIF or WebP)");
        return codec;
    }

    // NaN becomes black, as ImageGrid draws it.
    static byte ToByte(float value) => float.IsNaN(value) ? (byte)0 : (byte)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f);
}
