using Bottleneck.Evaluation;
using Bottleneck.Reporting;
using Xunit;

namespace Bottleneck.Tests.Reporting;

public class ClassErrorPlotTests
{
    [Fact]
    public void Draws_one_bar_per_class_and_a_title()
    {
        using var folder = new TempFolder();
        var path = folder.File("classes.png");
        double[] errors = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06];
        var classes = ClassBreakdown.Of(errors, [0, 0, 1, 1, 2, 2], ["T-shirt/top", "Trouser", "Pullover"]);

        ClassErrorPlot.SavePng(path, "Mean error by class", "Mean MSE per pixel", classes, errors.Average());

        using var image = RenderedImage.Load(path);
        Assert.Equal((1100, 560), (image.Width, image.Height));
        Assert.True(image.CountColoured(PlotRegions.DataArea(image)) > 5000, "no bars");
        Assert.True(image.CountDark(PlotRegions.TitleArea(image)) > 50, "no title");
        Assert.Empty(folder.TemporaryFiles());
    }
}
