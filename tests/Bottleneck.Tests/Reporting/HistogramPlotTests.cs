using Bottleneck.Reporting;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Reporting;

public class HistogramPlotTests
{
    private static readonly double[] normal = Enumerable.Range(0, 1000).Select(i => 0.01 + 0.01 * Math.Sin(i) * Math.Sin(i)).ToArray();
    private static readonly double[] anomalous = Enumerable.Range(0, 50).Select(i => 0.03 + 0.001 * i).ToArray();

    // The threshold is drawn in pure red; the default palette's blue and orange never come close.
    private static bool Red(SKColor c) => c.Red > 200 && c.Green < 80 && c.Blue < 80;

    [Fact]
    public void Draws_the_groups_the_title_and_the_threshold_line()
    {
        using var folder = new TempFolder();
        var path = folder.File("errors.png");

        HistogramPlot.SavePng(path, "Reconstruction error", "MSE", [("Normal", normal), ("Anomalous", anomalous)],
            thresholdLine: 0.025, thresholdLabel: "Threshold");

        using var image = RenderedImage.Load(path);
        Assert.Equal((900, 600), (image.Width, image.Height));
        Assert.True(image.CountColoured(PlotRegions.DataArea(image)) > 2000, "no bars in the data area");
        Assert.True(image.CountDark(PlotRegions.TitleArea(image)) > 50, "no title text");
        Assert.True(image.Count(PlotRegions.DataArea(image), Red) > 100, "no red threshold line");
        Assert.Empty(folder.TemporaryFiles());
    }

    [Fact]
    public void Without_a_threshold_there_is_no_red_line()
    {
        using var folder = new TempFolder();
        var path = folder.File("errors.png");

        HistogramPlot.SavePng(path, "Reconstruction error", "MSE", [("Normal", normal), ("Anomalous", anomalous)], bins: 20, normalize: true);

        using var image = RenderedImage.Load(path);
        Assert.Equal(0, image.Count(PlotRegions.DataArea(image), Red));
        Assert.True(image.CountColoured(PlotRegions.DataArea(image)) > 2000, "no bars in the data area");
    }

    [Fact]
    public void A_threshold_beyond_the_data_and_a_group_of_equal_values_still_draw()
    {
        using var folder = new TempFolder();
        var path = folder.File("constant.png");

        HistogramPlot.SavePng(path, "Constant", "Value", [("Same", [2, 2, 2, double.NaN])], bins: 10, thresholdLine: 5);

        using var image = RenderedImage.Load(path);
        Assert.True(image.Count(PlotRegions.DataArea(image), Red) > 100, "the threshold is out of view");
    }

    [Fact]
    public void Marker_lines_are_drawn_in_their_own_colours_and_none_is_red()
    {
        using var folder = new TempFolder();
        var path = folder.File("markers.png");

        HistogramPlot.SavePng(path, "Errors", "MSE per pixel", [("All", normal)],
            markers: [("Mean", 0.012), ("Median", 0.015), ("95th percentile", 0.018)]);

        using var image = RenderedImage.Load(path);
        Assert.Equal(0, image.Count(PlotRegions.DataArea(image), Red));
        // The median's green and the percentile's purple lines.
        Assert.True(image.Count(PlotRegions.DataArea(image), c => c.Green > 130 && c.Red < 80 && c.Blue < 80) > 50, "no green median line");
        Assert.True(image.Count(PlotRegions.DataArea(image), c => Math.Abs(c.Red - 148) < 12 && Math.Abs(c.Green - 103) < 12 && Math.Abs(c.Blue - 189) < 12) > 30, "no purple percentile line");
    }

    [Fact]
    public void Groups_without_a_finite_value_are_bad_input()
    {
        using var folder = new TempFolder();

        Assert.Throws<BadInputException>(() =>
            HistogramPlot.SavePng(folder.File("bad.png"), "t", "x", [("Empty", []), ("NaN", [double.NaN])]));
    }
}
