using Bottleneck.Reporting;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Reporting;

public class LinePlotTests
{
    private static readonly double[] xs = Enumerable.Range(1, 50).Select(i => (double)i).ToArray();

    [Fact]
    public void Draws_the_series_and_the_title_at_the_default_size()
    {
        using var folder = new TempFolder();
        var path = folder.File("line.png");

        LinePlot.SavePng(path, "Error against code size", "Code size", "MSE",
            [("Dense", xs, xs.Select(x => 1 / x).ToArray()), ("Convolutional", xs, xs.Select(x => 0.5 / x).ToArray())]);

        using var image = RenderedImage.Load(path);
        Assert.Equal((900, 600), (image.Width, image.Height));
        Assert.True(image.CountColoured(PlotRegions.DataArea(image)) > 500, "no plotted lines in the data area");
        Assert.True(image.CountDark(PlotRegions.TitleArea(image)) > 50, "no title text");
        Assert.Empty(folder.TemporaryFiles());
    }

    [Fact]
    public void Draws_on_log_axes_at_a_requested_size_leaving_out_points_a_log_cannot_show()
    {
        using var folder = new TempFolder();
        var path = folder.File("loglog.png");
        double[] rates = [0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];

        LinePlot.SavePng(path, "Loss against learning rate", "Learning rate", "Loss",
            [("Adam", rates, rates.Select(r => 0.05 + r + 1e-4 / (r + 1e-9)).ToArray())], logX: true, logY: true, width: 640, height: 480);

        using var image = RenderedImage.Load(path);
        Assert.Equal((640, 480), (image.Width, image.Height));
        Assert.True(image.CountColoured(PlotRegions.DataArea(image)) > 300, "no plotted line in the data area");
        Assert.True(image.CountDark(PlotRegions.TitleArea(image)) > 50, "no title text");
    }

    [Fact]
    public void A_series_with_different_numbers_of_x_and_y_values_is_bad_input()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<BadInputException>(() =>
            LinePlot.SavePng(folder.File("bad.png"), "t", "x", "y", [("Broken", [1, 2, 3], [1, 2])]));

        Assert.Contains("Broken", error.Message);
        Assert.False(File.Exists(folder.File("bad.png")));
    }

    [Fact]
    public void Series_with_nothing_drawable_are_bad_input()
    {
        using var folder = new TempFolder();

        Assert.Throws<BadInputException>(() =>
            LinePlot.SavePng(folder.File("bad.png"), "t", "x", "y", [("Negative", [1, 2], [-1, -2])], logY: true));
    }
}
