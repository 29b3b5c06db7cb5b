using System.Globalization;
using ScottPlot;

namespace Bottleneck.Reporting;

/// <summary>
/// Overlaid histograms of several groups of values on shared bins, with an optional threshold line: the picture
/// for per-sample reconstruction errors of normal and anomalous data and the cut-off between them.
/// </summary>
internal static class HistogramPlot
{
    /// <summary>
    /// Draws one semi-transparent histogram per group, all on the same <paramref name="bins"/> bins, and a red dashed
    /// vertical line at <paramref name="thresholdLine"/> if given; writes the PNG to <paramref name="path"/> atomically.
    /// With <paramref name="normalize"/>, each group's bars show its share of that group's values, so groups of very
    /// different sizes can be compared. Values that are not finite are left out. Each of <paramref name="markers"/> is a
    /// vertical line with its label in the legend (a mean, a median, a percentile), in black, green and purple, solid,
    /// dashed and dotted in turn, so none is mistaken for the red threshold.
    /// </summary>
    /// <exception cref="BadInputException">No group has a finite value.</exception>
    public static void SavePng(string path, string title, string xLabel,
        IReadOnlyList<(string Name, double[] Values)> groups, int bins = 50, double? thresholdLine = null,
        string? thresholdLabel = null, bool normalize = false, int width = 900, int height = 600,
        IReadOnlyList<(string Label, double Value)>? markers = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var finite = groups.Select(g => (g.Name, Values: g.Values.Where(double.IsFinite).ToArray())).ToList();
        if (finite.All(g => g.Values.Length == 0))
            throw new BadInputException($"HistogramPlot '{title}': no group has a finite value to count.");

        var (low, binWidth) = SharedBins(finite.SelectMany(g => g.Values), bins);
        var plot = PlotFigure.Create(title, xLabel, normalize ? "Share of group" : "Count");
        var drawn = finite.Where(g => g.Values.Length > 0).ToList();
        for (var g = 0; g < drawn.Count; g++)
        {
            var (name, values) = drawn[g];
            var counts = new double[bins];
            foreach (var value in values)
                counts[Math.Clamp((int)((value - low) / binWidth), 0, bins - 1)]++;
            if (normalize)
                for (var i = 0; i < bins; i++)
                    counts[i] /= values.Length;

            var centres = Enumerable.Range(0, bins).Select(i => low + (i + 0.5) * binWidth).ToArray();
            var color = plot.Add.Palette.GetColor(g);
            var bars = plot.Add.Bars(centres, counts);
            bars.LegendText = name;
            foreach (var bar in bars.Bars)
            {
                bar.Size = binWidth;
                bar.FillColor = color.WithAlpha(0.45);
                bar.LineWidth = 0;
            }
            // A solid outline keeps each group's shape readable where the translucent fills overlap.
            var outline = plot.Add.Scatter(Outline(low, binWidth, counts), OutlineHeights(counts), color);
            outline.MarkerSize = 0;
            outline.LineWidth = 1.5f;
        }

        // Bars stand on the axis.
        plot.Axes.Margins(bottom: 0);
        Color[] markerColors = [Colors.Black, new Color(44, 160, 44), new Color(148, 103, 189)];
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted];
        for (int m = 0; m < (markers?.Count ?? 0); m++)
        {
            var (label, value) = markers![m];
            if (!double.IsFinite(value)) continue;
            var line = plot.Add.VerticalLine(value, 2, markerColors[m % markerColors.Length], patterns[m % patterns.Length]);
            line.LegendText = label;
        }
        if (thresholdLine is { } threshold && double.IsFinite(threshold))
        {
            var line = plot.Add.VerticalLine(threshold, 2, Colors.Red, LinePattern.Dashed);
            line.LegendText = thresholdLabel ?? $"Threshold = {threshold.ToString("G4", CultureInfo.InvariantCulture)}";
            // Autoscaling ignores vertical lines; a threshold beyond the data must still be in view.
            var limits = plot.Axes.GetLimits();
            if (threshold < limits.Left || threshold > limits.Right)
            {
                var padding = 0.03 * (Math.Max(limits.Right, threshold) - Math.Min(limits.Left, threshold));
                plot.Axes.SetLimitsX(Math.Min(limits.Left, threshold - padding), Math.Max(limits.Right, threshold + padding));
            }
        }
        PlotFigure.Save(plot, path, width, height);
    }

    /// <summary>Lower edge and width of <paramref name="bins"/> equal bins spanning all values; a single value gets a bin around it.</summary>
    private static (double Low, double Width) SharedBins(IEnumerable<double> values, int bins)
    {
        var min = values.Min();
        var max = values.Max();
        if (max > min)
            return (min, (max - min) / bins);
        var half = min == 0 ? 0.5 : Math.Abs(min) * 0.05;
        return (min - half, 2 * half / bins);
    }

    // The outline of a histogram as a polyline: up the left edge of the first bar, across each bar top, down the right edge.
    private static double[] Outline(double low, double binWidth, double[] counts) =>
        [low, .. Enumerable.Range(0, counts.Length).SelectMany(i => new[] { low + i * binWidth, low + (i + 1) * binWidth }), low + counts.Length * binWidth];

    private static double[] OutlineHeights(double[] counts) => [0, .. counts.SelectMany(c => new[] { c, c }), 0];
}
