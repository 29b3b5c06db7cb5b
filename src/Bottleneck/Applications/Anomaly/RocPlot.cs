using System.Globalization;
using ScottPlot;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Anomaly;

/// <summary>One curve of a <see cref="RocPlot"/>: its name, its points, its area, and optionally the point its threshold picks.</summary>
internal sealed record RocSeries(string Name, double[] FalsePositiveRate, double[] TruePositiveRate, double Auc,
    (double Fpr, double Tpr)? OperatingPoint = null);

/// <summary>
/// The chapter's ROC figure (§8.4): each method's ROC curve with its AUC in the legend, the chance
/// diagonal dashed, both axes from 0 to 1; a dot marks where each method's threshold operates.
/// </summary>
internal static class RocPlot
{
    /// <summary>Draws the curves and writes the PNG to <paramref name="path"/> atomically.</summary>
    /// <exception cref="BadInputException">No curves, or a curve whose coordinates differ in length.</exception>
    public static void SavePng(string path, string title, IReadOnlyList<RocSeries> curves, int width = 800, int height = 720)
    {
        if (curves.Count == 0) throw new BadInputException($"RocPlot '{title}': no curves to draw.");
        var plot = PlotFigure.Create(title, "False positive rate (normal samples flagged)", "True positive rate (anomalies caught)");
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            if (c.FalsePositiveRate.Length != c.TruePositiveRate.Length || c.FalsePositiveRate.Length == 0)
                throw new BadInputException($"RocPlot curve '{c.Name}': {c.FalsePositiveRate.Length} x values but {c.TruePositiveRate.Length} y values.");
            var color = plot.Add.Palette.GetColor(i);
            var line = plot.Add.Scatter(c.FalsePositiveRate, c.TruePositiveRate, color);
            line.LegendText = $"{c.Name} (AUC = {c.Auc.ToString("F3", CultureInfo.InvariantCulture)})";
            line.LineWidth = 2.5f;
            line.MarkerSize = 0;
            if (c.OperatingPoint is { } point)
            {
                var marker = plot.Add.Marker(point.Fpr, point.Tpr, MarkerShape.FilledCircle, 11, color);
                marker.MarkerStyle.OutlineColor = Colors.Black;
                marker.MarkerStyle.OutlineWidth = 1;
            }
        }
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LineColor = Colors.Black.WithOpacity(0.6);
        chance.LinePattern = LinePattern.Dashed;
        chance.LineWidth = 1.5f;
        chance.LegendText = "Chance (AUC = 0.5)";
        if (curves.Any(c => c.OperatingPoint is not null))
        {
            // A legend entry for the dots, drawn off-canvas so it adds no point to the plot.
            var key = plot.Add.Marker(-10, -10, MarkerShape.FilledCircle, 9, Colors.Gray);
            key.LegendText = "Operating point at the threshold";
        }
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        plot.Legend.Alignment = Alignment.LowerRight;
        PlotFigure.Save(plot, path, width, height);
    }
}
