using Bottleneck.Reporting;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Reporting;

public class TrainingHistoryPlotTests
{
    private const int Epochs = 30;
    private static readonly double[] loss = Enumerable.Range(1, Epochs).Select(e => 0.02 + 0.06 * Math.Exp(-e / 5.0)).ToArray();
    private static readonly double[] valLoss = Enumerable.Range(1, Epochs).Select(e => 0.024 + 0.06 * Math.Exp(-e / 5.0) + 0.0002 * Math.Max(0, e - 18)).ToArray();
    private static readonly double[] stepRate = Enumerable.Range(0, Epochs).Select(e => 1e-3 * Math.Pow(0.5, e / 10)).ToArray();

    // The learning-rate curve is green (#2ca02c), the best-epoch marker red (#d62728).
    private static bool Green(SKColor c) => c.Green - c.Red > 80 && c.Green - c.Blue > 80;
    private static bool Red(SKColor c) => c.Red > 180 && c.Green < 80 && c.Blue < 80;

    [Fact]
    public void A_constant_learning_rate_gives_a_single_loss_panel()
    {
        using var folder = new TempFolder();
        var path = folder.File("history.png");

        TrainingHistoryPlot.SavePng(path, loss, valLoss, Enumerable.Repeat(1e-3, Epochs).ToArray(), "MSE", "Dense autoencoder");

        using var image = RenderedImage.Load(path);
        Assert.Equal((TrainingHistoryPlot.Width, TrainingHistoryPlot.Height), (image.Width, image.Height));
        var data = PlotRegions.DataArea(image);
        Assert.True(image.CountColoured(data) > 1000, "no loss curves in the data area");
        Assert.True(image.Count(data, Red) > 30, "no best-epoch marker");
        Assert.Equal(0, image.Count(data, Green));
        Assert.True(image.CountDark(PlotRegions.TitleArea(image)) > 50, "no title text");
        Assert.Empty(folder.TemporaryFiles());
    }

    [Fact]
    public void A_changing_learning_rate_gets_its_own_panel_beside_the_loss()
    {
        using var folder = new TempFolder();
        var path = folder.File("history.png");

        TrainingHistoryPlot.SavePng(path, loss, valLoss, stepRate, "MSE", "Dense autoencoder");

        using var image = RenderedImage.Load(path);
        Assert.Equal((TrainingHistoryPlot.Width, TrainingHistoryPlot.Height), (image.Width, image.Height));
        var lossData = PlotRegions.DataArea(0, TrainingHistoryPlot.LossPanelWidth, image.Height);
        var rateData = PlotRegions.DataArea(TrainingHistoryPlot.LossPanelWidth, image.Width, image.Height);
        Assert.True(image.CountColoured(lossData) > 1000, "no loss curves in the loss panel");
        Assert.True(image.Count(rateData, Green) > 300, "no learning-rate curve in its panel");
        Assert.True(image.CountDark(PlotRegions.TitleArea(image, 0, TrainingHistoryPlot.LossPanelWidth)) > 50, "no title over the loss");
        Assert.True(image.CountDark(PlotRegions.TitleArea(image, TrainingHistoryPlot.LossPanelWidth, image.Width)) > 50, "no title over the learning rate");
    }

    [Fact]
    public void Training_loss_alone_and_a_schedule_that_reaches_zero_still_draw()
    {
        using var folder = new TempFolder();
        var path = folder.File("history.png");
        var cosine = Enumerable.Range(0, Epochs).Select(e => 0.5e-3 * (1 + Math.Cos(Math.PI * e / (Epochs - 1)))).ToArray();
        var diverged = loss.Select((l, i) => i < 25 ? l : double.NaN).ToArray();

        TrainingHistoryPlot.SavePng(path, diverged, null, cosine, "Loss", "Cosine schedule");

        using var image = RenderedImage.Load(path);
        var rateData = PlotRegions.DataArea(TrainingHistoryPlot.LossPanelWidth, image.Width, image.Height);
        Assert.True(image.Count(rateData, Green) > 300, "no learning-rate curve in its panel");
        Assert.Equal(0, image.Count(PlotRegions.DataArea(0, TrainingHistoryPlot.LossPanelWidth, image.Height), Red));
    }

    [Fact]
    public void Lists_of_different_lengths_are_bad_input()
    {
        using var folder = new TempFolder();
        var path = folder.File("history.png");

        Assert.Throws<BadInputException>(() => TrainingHistoryPlot.SavePng(path, loss, valLoss[..5], null, "MSE", "t"));
        Assert.Throws<BadInputException>(() => TrainingHistoryPlot.SavePng(path, loss, null, stepRate[..5], "MSE", "t"));
        Assert.Throws<BadInputException>(() => TrainingHistoryPlot.SavePng(path, [], null, null, "MSE", "t"));
        Assert.False(File.Exists(path));
    }
}
