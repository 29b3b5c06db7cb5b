using Bottleneck.Data;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Data;

/// <summary>Image files in and out through SkiaSharp: exact grey levels, BT.601 luma, channel conversion, bad files.</summary>
public class ImageFileTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static void WriteRgb(string path, int width, int height, Func<int, (byte R, byte G, byte B)> pixel)
    {
        var bytes = new byte[width * height * 4];
        for (int p = 0; p < width * height; p++)
        {
            var (r, g, b) = pixel(p);
            (bytes[4 * p], bytes[4 * p + 1], bytes[4 * p + 2], bytes[4 * p + 3]) = (r, g, b, 255);
        }
        using var image = SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), bytes);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }

    [Fact]
    public void A_grey_png_round_trips_every_level_exactly()
    {
        var values = Enumerable.Range(0, 256).Select(v => v / 255f).ToArray();
        ImageFile.WritePng(folder["levels.png"], new ImagePixels(16, 16, 1, values));
        Assert.Equal((16, 16), ImageFile.Size(folder["levels.png"]));
        var back = ImageFile.Read(folder["levels.png"], 1);
        Assert.Equal((16, 16, 1), (back.Width, back.Height, back.Channels));
        Assert.Equal(values, back.Values);
        // Grey read as colour repeats the value in each channel.
        var colour = ImageFile.Read(folder["levels.png"], 3);
        Assert.Equal(200 / 255f, colour.Values[3 * 200 + 1]);
        Assert.Equal(colour.Values[3 * 200], colour.Values[3 * 200 + 2]);
        Assert.Empty(folder.TemporaryFiles());
    }

    [Fact]
    public void Colour_becomes_grey_by_bt601_luma()
    {
        WriteRgb(folder["rgb.png"], 3, 1, p => p switch { 0 => (255, 0, 0), 1 => (0, 255, 0), _ => (10, 200, 40) });
        var grey = ImageFile.Read(folder["rgb.png"], 1);
        Assert.Equal(0.299f, grey.Values[0], 6);
        Assert.Equal(0.587f, grey.Values[1], 6);
        Assert.Equal((0.299 * 10 + 0.587 * 200 + 0.114 * 40) / 255, grey.Values[2], 6);
        var colour = ImageFile.Read(folder["rgb.png"], 3);
        Assert.Equal(new[] { 10 / 255f, 200 / 255f, 40 / 255f }, colour.Values[6..9]);
    }

    [Fact]
    public void Colour_pngs_are_written_as_rgb_and_values_are_clipped_and_rounded()
    {
        ImageFile.WritePng(folder["c.png"], new ImagePixels(2, 1, 3, [1.5f, -0.2f, 0.5f, 0.1f, 0.2f, 0.31f]));
        var back = ImageFile.Read(folder["c.png"], 3);
        Assert.Equal(new[] { 1f, 0f, 128 / 255f, 26 / 255f, 51 / 255f, 79 / 255f }, back.Values);
    }

    [Fact]
    public void A_folder_expands_to_its_image_files_in_name_order()
    {
        Directory.CreateDirectory(folder["in"]);
        foreach (var name in new[] { "b.png", "a.jpg", "notes.txt", "c.PNG" }) File.WriteAllText(Path.Combine(folder["in"], name), "x");
        var files = ImageFile.Expand([folder["in"]]).Select(f => Path.GetFileName(f)).ToArray();
        Assert.Equal(["a.jpg", "b.png", "c.PNG"], files);
        Assert.Contains("no such image file or folder", Assert.Throws<BadInputException>(() => ImageFile.Expand([folder["missing.png"]])).Message);
        Directory.CreateDirectory(folder["empty"]);
        Assert.Contains("holds no image files", Assert.Throws<BadInputException>(() => ImageFile.Expand([folder["empty"]])).Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void A_png_with_truncated_image_data_is_refused_not_filled_in(double kept)
    {
        // Noise does not compress, so the image data is most of the file and a cut lands inside it.
        var random = new Random(3);
        WriteRgb(folder["whole.png"], 64, 64, _ => ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        var whole = File.ReadAllBytes(folder["whole.png"]);
        File.WriteAllBytes(folder["cut.png"], whole[..(int)(whole.Length * kept)]);

        var error = Assert.Throws<BadInputException>(() => ImageFile.Read(folder["cut.png"], 3));

        Assert.Equal($"{folder["cut.png"]}: the image data is truncated (SkiaSharp decoded only part of the 64×64 pixels)", error.Message);
        Assert.Equal(64 * 64 * 3, ImageFile.Read(folder["whole.png"], 3).Values.Length);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_bad_input()
    {
        File.WriteAllText(folder["fake.png"], "not a png");
        var error = Assert.Throws<BadInputException>(() => ImageFile.Read(folder["fake.png"], 1));
        Assert.Contains("fake.png: not an image SkiaSharp can read", error.Message);
    }
}
