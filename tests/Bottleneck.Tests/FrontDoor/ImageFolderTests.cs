using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.FrontDoor;

/// <summary>A folder of images as rows in the models' [C, H, W] order, and rows back to PNG files.</summary>
public class ImageFolderTests
{
    [Fact]
    public void Colour_pixels_become_channel_planes_and_come_back_as_they_were()
    {
        using var folder = new TempFolder();
        // A 2×1 colour image: pixel 0 is (R, G, B) = (255, 0, 51), pixel 1 is (0, 102, 255); 8-bit levels survive PNG.
        ImageFile.WritePng(Path.Combine(folder.Path, "a.png"), new ImagePixels(2, 1, 3, [1f, 0f, 0.2f, 0f, 0.4f, 1f]));
        var images = ImageFolder.Read(folder.Path, channels: 3);
        Assert.Equal([3, 1, 2], images.SampleShape);
        Assert.Equal([1f, 0f, 0f, 0.4f, 0.2f, 1f], images.Rows[0]);   // R plane, G plane, B plane

        var copy = Path.Combine(folder.Path, "copy", "a.png");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        images.WritePng(copy, images.Rows[0]);
        Assert.Equal([1f, 0f, 0.2f, 0f, 0.4f, 1f], ImageFile.Read(copy, 3).Values);
    }

    [Fact]
    public void Images_of_different_sizes_and_wrong_rows_are_refused_by_name()
    {
        using var folder = new TempFolder();
        ImageFile.WritePng(Path.Combine(folder.Path, "a.png"), new ImagePixels(2, 2, 1, new float[4]));
        ImageFile.WritePng(Path.Combine(folder.Path, "b.png"), new ImagePixels(3, 2, 1, new float[6]));
        var error = Assert.Throws<BadInputException>(() => ImageFolder.Read(folder.Path)).Message;
        Assert.EndsWith("b.png: expected 2×2 pixels like a.png, got 3×2", error);
        Assert.StartsWith("channels: expected 1 (grey) or 3", Assert.Throws<BadInputException>(() => ImageFolder.Read(folder.Path, 2)).Message);
        Assert.EndsWith("no such folder", Assert.Throws<BadInputException>(() => ImageFolder.Read(Path.Combine(folder.Path, "none"))).Message);

        File.Delete(Path.Combine(folder.Path, "b.png"));
        var images = ImageFolder.Read(folder.Path);
        Assert.StartsWith("row: expected 4 values (1×2×2), got 3", Assert.Throws<BadInputException>(() => images.WritePng(Path.Combine(folder.Path, "c.png"), [0, 0, 0])).Message);
    }
}
