using Bottleneck.Applications.Inspection;
using Bottleneck.Tests.Reporting;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Applications;

public class LatentScatterPlotTests
{
    static LatentMap Map(int n, double shift, double[]? ratio = null) => new(
        Enumerable.Range(0, n).Select(i => i % 3 * 4 + Math.Sin(i) + shift).ToArray(),
        Enumerable.Range(0, n).Select(i => i % 3 * 2 + Math.Cos(i)).ToArray(), "tiny code", ratio is null ? 2 : 9, ratio);

    [Fact]
    public void Panels_sit_side_by_side_under_one_title_with_coloured_classes()
    {
        using var folder = new TempFolder();
        var path = folder.File("map.png");
        var labels = Enumerable.Range(0, 300).Select(i => i % 3).ToArray();
        LatentScatterPlot.SavePng(path, "Two maps", [new MapPanel(Map(300, 0)), new MapPanel(Map(300, 1, [0.5, 0.25]), new MapSeparation(0.9, 5, 0.4, 300))],
            labels, ["zero", "one", "two"], panelWidth: 700, panelHeight: 600);

        using var image = RenderedImage.Load(path);
        Assert.Equal((1400, 644), (image.Width, image.Height));
        Assert.True(image.CountDark(SKRectI.Create(400, 0, 600, 40)) > 50, "no figure title");
        foreach (var left in new[] { 0, 700 })
            Assert.True(image.CountColoured(PlotRegions.DataArea(left, left + 700, image.Height)) > 1000, $"no dots in the panel at x = {left}");
        // tab10's first three colours, as the legend's solid markers draw them.
        foreach (var colour in new[] { new SKColor(31, 119, 180), new SKColor(255, 127, 14), new SKColor(44, 160, 44) })
            Assert.True(image.Count(SKRectI.Create(0, 0, image.Width, image.Height), c => Near(c, colour)) > 30, $"no legend marker in {colour}");
    }

    [Fact]
    public void Axes_name_the_code_dimensions_or_the_components_with_their_variance()
    {
        Assert.Equal("Latent dimension 2", LatentScatterPlot.AxisLabel(Map(4, 0), 1));
        Assert.Equal("PC 1 (50.0 % of the variance)", LatentScatterPlot.AxisLabel(Map(4, 0, [0.5, 0.25]), 0));
        Assert.Equal("tiny code (9-D), projected by PCA on 2 components", LatentScatterPlot.PanelTitle(Map(4, 0, [0.5, 0.25])));
        Assert.Equal("tiny code (2-D, drawn as learned)", LatentScatterPlot.PanelTitle(Map(4, 0)));
    }

    static bool Near(SKColor a, SKColor b) => Math.Abs(a.Red - b.Red) < 6 && Math.Abs(a.Green - b.Green) < 6 && Math.Abs(a.Blue - b.Blue) < 6;
}
