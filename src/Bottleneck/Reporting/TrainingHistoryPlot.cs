using System.Globalization;
using Bottleneck.IO;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace Bottleneck.Reporting;

/// <summary>
/// The learning curves of one training run: training and validation loss per epoch with the best validation epoch
/// marked and, when the learning rate was scheduled, the rate beside them on a log scale.
/// </summary>
internal static class TrainingHistoryPlot
{
    internal const int Width = 1200;
    internal const int Height = 500;
    // The loss is the main subject; the learning-rate panel only needs to show the schedule's shape.
    internal const int LossPanelWidth = 760;

    private static readonly Color trainingColor = new("#1f77b4");
    private static readonly Color validationColor = new("#ff7f0e");
    private static readonly Color bestColor = new("#d62728");
    private static readonly Color rateColor = new("#2ca02c");

    /// <summary>
    /// Draws the curves and writes a 1200x500 PNG to <paramref name="path"/> atomically; lists are indexed by epoch
    /// (element 0 is epoch 1). Non-finite losses, such as those of a diverged run, are left out of the curves.
    /// </summary>
    /// <exception cref="BadInputException">The loss list is empty, or another list has a different length.</exception>
    public static void SavePng(string path, IReadOnlyList<double> loss, IReadOnlyList<double>? valLoss,
        IReadOnlyList<double>? learningRate, string lossName, string title)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.Count == 0)
            throw new BadInputException($"Training history '{title}': there are no epochs to plot.");
        if (valLoss is not null && valLoss.Count != loss.Count)
            throw new BadInputException($"Training history '{title}': {valLoss.Count} validation losses for {loss.Count} epochs.");
        if (learningRate is not null && learningRate.Count != loss.Count)
            throw new BadInputException($"Training history '{title}': {learningRate.Count} learning rates for {loss.Count} epochs.");

        var lossPlot = LossPanel(loss, valLoss, lossName, title);
        var rates = learningRate?.Where(double.IsFinite).ToArray() ?? [];
        // A constant rate is one number, not a picture: it gets no panel.
        if (rates.Length < 2 || rates.Min() == rates.Max())
        {
            PlotFigure.Save(lossPlot, path, Width, Height);
            return;
        }

        var ratePlot = RatePanel(learningRate!, loss.Count);
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not allocate a {Width}x{Height} image.");
        surface.Canvas.Clear(SKColors.White);
        RenderPanel(surface.Canvas, lossPlot, new PixelRect(0, LossPanelWidth, Height, 0));
        RenderPanel(surface.Canvas, ratePlot, new PixelRect(LossPanelWidth, Width, Height, 0));
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.AsSpan());
    }

    // ScottPlot clears the whole canvas before it draws; the clip keeps it from erasing the neighbouring panel.
    private static void RenderPanel(SKCanvas canvas, Plot plot, PixelRect rect)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom));
        plot.Render(canvas, rect);
        canvas.Restore();
    }

    private static Plot LossPanel(IReadOnlyList<double> loss, IReadOnlyList<double>? valLoss, string lossName, string title)
    {
        var plot = PlotFigure.Create(title, "Epoch", lossName);
        AddCurve(plot, loss, "Training loss", trainingColor);
        if (valLoss is not null)
        {
            AddCurve(plot, valLoss, "Validation loss", validationColor);
            var finite = Enumerable.Range(0, valLoss.Count).Where(i => double.IsFinite(valLoss[i])).ToArray();
            if (finite.Length > 0)
            {
                // The earliest of equal minima, as early stopping would keep it.
                var best = finite.MinBy(i => valLoss[i]);
                var epoch = best + 1;
                plot.Add.VerticalLine(epoch, 1, bestColor.WithOpacity(0.5), LinePattern.Dotted);
                var marker = plot.Add.Marker(epoch, valLoss[best], MarkerShape.OpenCircle, 16, bestColor);
                marker.MarkerLineWidth = 2.5f;
                marker.LegendText = $"Best validation: {valLoss[best].ToString("G4", CultureInfo.InvariantCulture)} (epoch {epoch})";
            }
        }
        ShowEpochs(plot, loss.Count);
        return plot;
    }

    private static Plot RatePanel(IReadOnlyList<double> learningRate, int epochs)
    {
        var plot = PlotFigure.Create("Learning-rate schedule", "Epoch", "Learning rate");
        var points = Enumerable.Range(0, learningRate.Count).Where(i => double.IsFinite(learningRate[i])).ToArray();
        var rates = points.Select(i => learningRate[i]).ToArray();
        // A schedule that reaches zero (cosine annealing to 0, say) cannot be drawn on a log scale; it stays linear.
        var logScale = rates.All(r => r > 0);
        var line = plot.Add.Scatter(points.Select(i => i + 1.0).ToArray(), logScale ? rates.Select(Math.Log10).ToArray() : rates, rateColor);
        line.LineWidth = 2;
        line.MarkerSize = epochs <= 40 ? 5 : 0;
        if (logScale)
            LogAxis.ConfigureForValues(plot.Axes.Left, rates);
        ShowEpochs(plot, epochs);
        return plot;
    }

    private static void AddCurve(Plot plot, IReadOnlyList<double> values, string name, Color color)
    {
        var epochs = Enumerable.Range(0, values.Count).Where(i => double.IsFinite(values[i])).ToArray();
        if (epochs.Length == 0)
            return;
        var curve = plot.Add.Scatter(epochs.Select(i => i + 1.0).ToArray(), epochs.Select(i => values[i]).ToArray(), color);
        curve.LegendText = name;
        curve.LineWidth = 2;
        // Markers show individual epochs in a short run and only clutter a long one.
        curve.MarkerSize = values.Count <= 40 ? 5 : 0;
    }

    // Both panels show the same epochs with whole-number ticks, so the eye can move between them.
    private static void ShowEpochs(Plot plot, int epochs)
    {
        var padding = Math.Max(0.5, epochs * 0.02);
        plot.Axes.SetLimitsX(1 - padding, epochs + padding);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
    }
}
