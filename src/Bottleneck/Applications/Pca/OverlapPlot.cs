using ScottPlot;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// The equivalence experiment's main figure: for each variant, the overlap of its subspace with PCA's after every
/// epoch, on a fixed 0-1 scale with a dotted line at 1 (the same subspace), so variants and runs compare at a glance.
/// </summary>
internal static class OverlapPlot
{
    /// <summary>Draws one line per series of (epoch, overlap) points and writes the PNG to <paramref name="path"/> atomically.</summary>
    /// <exception cref="BadInputException">No series has a point.</exception>
    public static void SavePng(string path, string title, IReadOnlyList<(string Name, double[] Epochs, double[] Overlaps)> series,
        int width = 900, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.All(s => s.Epochs.Length == 0)) throw new BadInputException($"OverlapPlot '{title}': no series has a point to draw.");
        var plot = PlotFigure.Create(title, "Epoch", "Subspace overlap with PCA (1 = the same subspace)");
        foreach (var (name, epochs, overlaps) in series.Where(s => s.Epochs.Length > 0))
        {
            var line = plot.Add.Scatter(epochs, overlaps);
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = epochs.Length <= 40 ? 5 : 0;
        }
        plot.Add.HorizontalLine(1, 1, Colors.Black.WithOpacity(0.5), LinePattern.Dotted);
        double last = series.Max(s => s.Epochs.DefaultIfEmpty(1).Max());
        plot.Axes.SetLimits(0.5, Math.Max(last, 2) + 0.5, 0, 1.05);
        // The lines climb towards 1, so the legend goes low on the right, unless some line ends down there.
        bool lowEnd = series.Any(s => s.Overlaps.Length > 0 && s.Overlaps[^1] < 0.5);
        plot.Legend.Alignment = lowEnd ? Alignment.UpperRight : Alignment.LowerRight;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        PlotFigure.Save(plot, path, width, height);
    }
}
