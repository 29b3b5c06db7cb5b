using System.Globalization;
using Bottleneck.Evaluation;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Bottleneck.Reporting;

/// <summary>
/// Mean reconstruction error per class as bars, each labelled with its value, the classes named on the axis, and the
/// mean over all samples as a dashed line: which classes a model finds hard at a glance.
/// </summary>
internal static class ClassErrorPlot
{
    /// <summary>Draws the bars and writes the PNG to <paramref name="path"/> atomically.</summary>
    /// <exception cref="ArgumentException">No classes.</exception>
    public static void SavePng(string path, string title, string yLabel, IReadOnlyList<ClassErrors> classes, double overallMean,
        int width = 1100, int height = 560)
    {
        if (classes.Count == 0) throw new ArgumentException("no classes to draw", nameof(classes));
        var plot = PlotFigure.Create(title, "Class", yLabel);
        // Drawn first, so the bars and their value labels lie over it rather than under it.
        var mean = plot.Add.HorizontalLine(overallMean, 2, Colors.Black.WithOpacity(0.7), LinePattern.Dashed);
        mean.LegendText = $"Mean over all samples = {overallMean.ToString(Format(classes), CultureInfo.InvariantCulture)}";
        var palette = new ScottPlot.Palettes.Category10();
        var bars = classes.Select((c, i) => new Bar
        {
            Position = i,
            Value = c.Summary.Mean,
            FillColor = palette.GetColor(i).WithAlpha(0.8),
            LineWidth = 0,
            Label = c.Summary.Mean.ToString(Format(classes), CultureInfo.InvariantCulture),
        }).ToArray();
        var plotted = plot.Add.Bars(bars);
        plotted.ValueLabelStyle.FontSize = 12;
        var ticks = new NumericManual();
        for (int i = 0; i < classes.Count; i++) ticks.AddMajor(i, classes[i].Name);
        plot.Axes.Bottom.TickGenerator = ticks;
        // Long class names ("T-shirt/top", "Ankle boot") stay horizontal, in a smaller font, so each sits under its bar.
        if (classes.Any(c => c.Name.Length > 6)) plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Margins(bottom: 0, top: 0.12);
        plot.Legend.Alignment = Alignment.UpperLeft;
        PlotFigure.Save(plot, path, width, height);
    }

    // Enough digits to tell the classes apart: errors of 0.01-0.05 need four decimals.
    static string Format(IReadOnlyList<ClassErrors> classes) => classes.Max(c => c.Summary.Mean) < 0.1 ? "0.0000" : "0.000";
}
