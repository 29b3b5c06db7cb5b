using System.Globalization;
using Bottleneck.Models.Vq;
using ScottPlot;

namespace Bottleneck.Reporting;

/// <summary>
/// A VQ-VAE's codebook usage as a bar chart: each code's share of all choices, most used first, against the share
/// 1/K that a perfectly even codebook would give each code.
/// </summary>
internal static class CodebookUsagePlot
{
    /// <summary>Draws the chart for <paramref name="statistics"/> and writes the PNG to <paramref name="path"/> atomically.</summary>
    public static void SavePng(string path, CodebookStatistics statistics, string title, int width = 900, int height = 600)
    {
        double total = statistics.Counts.Sum(c => (double)c);
        var shares = statistics.Counts.Select(c => total > 0 ? c / total : 0).OrderDescending().ToArray();
        var subtitle = string.Create(CultureInfo.InvariantCulture,
            $"{statistics.CodesUsed} of {shares.Length} codes used, perplexity {statistics.Perplexity:F1}");
        var plot = PlotFigure.Create($"{title}\n{subtitle}", "Code rank (most used first)", "Share of choices");
        var bars = plot.Add.Bars(Enumerable.Range(0, shares.Length).Select(i => (double)i).ToArray(), shares);
        foreach (var bar in bars.Bars)
        {
            bar.Size = 0.8;
            bar.LineWidth = 0;
        }
        var even = plot.Add.HorizontalLine(1.0 / shares.Length, 2, Colors.Red, LinePattern.Dashed);
        even.LegendText = $"even use, 1/K = {(1.0 / shares.Length).ToString("G3", CultureInfo.InvariantCulture)}";
        plot.Axes.Margins(bottom: 0);
        PlotFigure.Save(plot, path, width, height);
    }
}
