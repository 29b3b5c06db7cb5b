using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Reporting;

/// <summary>Colour images stored channels first, [3, H, W], are drawn like their channels-last twins and get a run's figures.</summary>
public class ChannelsFirstImageTests
{
    [Fact]
    public void A_channels_first_grid_is_the_same_picture_as_its_channels_last_twin()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var last = rand([6, 8, 10, 3], generator: generator);
        var first = last.permute(0, 3, 1, 2).contiguous();
        float[][] Images(Tensor t) => Enumerable.Range(0, 6).Select(i => t[i].contiguous().data<float>().ToArray()).ToArray();
        using var folder = new TempFolder();
        ImageGrid.SaveWrappedPng(folder["last.png"], "twins", [[new GridRow("row", Images(last))]], ImageShape.Of([8, 10, 3])!.Value);
        ImageGrid.SaveWrappedPng(folder["first.png"], "twins", [[new GridRow("row", Images(first))]], ImageShape.Of([3, 8, 10])!.Value);
        // Reference: the channels-last pixels drawn by the plain overload, which takes them as they are.
        ImageGrid.SaveWrappedPng(folder["plain.png"], "twins", [[new GridRow("row", Images(last))]], 10, 8, 3);
        Assert.Equal(File.ReadAllBytes(folder["plain.png"]), File.ReadAllBytes(folder["last.png"]));
        Assert.Equal(File.ReadAllBytes(folder["plain.png"]), File.ReadAllBytes(folder["first.png"]));
    }

    [Fact]
    public void Training_on_channels_first_colour_images_writes_the_reconstruction_grid()
    {
        using var generator = new Generator(9);
        var storage = rand([40, 3, 8, 8], generator: generator);
        storage.DetachFromDisposeScope();
        using var data = new Dataset("colour", storage);
        using var folder = new TempFolder();
        using var session = new TrainingSession
        {
            Spec = new ModelSpec { Name = "tiny", Encoder = [16], Bottleneck = 4 },
            Train = data, Validation = data, DataName = "colour",
            Options = new TrainingOptions { Epochs = 1, BatchSize = 20, Seed = 1 },
        };
        var result = session.Run();
        using var _ = result.Model;
        using (var run = new RunFolder(folder.Path, session) { GridImages = 4 }) run.Write(result);
        Assert.True(File.Exists(folder["reconstructions.png"]), "train skipped reconstructions.png for [3, 8, 8] samples");
    }
}
