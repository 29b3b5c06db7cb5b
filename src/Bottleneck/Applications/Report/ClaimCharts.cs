using Bottleneck.IO;
using Bottleneck.Reporting;
using ScottPlot;

namespace Bottleneck.Applications.Report;

/// <summary>
/// The report's small figures that no command draws: grouped bars (the chapter's numbers beside the measured ones),
/// with error bars for values that are means over seeds. Drawn small (720 × 440), as the page shows them in a column.
/// </summary>
internal static class ClaimCharts
{
    /// <summary>Figure width in pixels.</summary>
    public const int Width = 720;

    /// <summary>Figure height in pixels.</summary>
    public const int Height = 440;

    /// <summary>One group's bars: a name for the legend and a value (and an error half-width, or 0) per category.</summary>
    public sealed record BarSeries(string Name, double[] Values, double[]? Errors = null);

    /// <summary>Draws one group of bars per category, one bar per series, and writes the PNG atomically.</summary>
    /// <param name="yRange">The value axis's limits, for values whose differences matter more than their distance from 0 (AUCs); null starts at 0.</param>
    public static void GroupedBars(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series,
        (double Min, double Max)? yRange = null)
    {
        if (series.Any(s => s.Values.Length != categories.Count || s.Errors is { } e && e.Length != categories.Count))
            throw new ArgumentException("every series needs one value (and error) per category", nameof(series));
        var plot = PlotFigure.Create(title, "", yLabel);
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / series.Count;
        var bars = new List<Bar>();
        for (int s = 0; s < series.Count; s++)
        {
            var colour = palette.GetColor(s);
            for (int c = 0; c < categories.Count; c++)
                bars.Add(new Bar
                {
                    Position = c + (s - (series.Count - 1) / 2.0) * width,
                    Value = series[s].Values[c],
                    ValueBase = yRange?.Min ?? 0,
                    Size = width * 0.92,
                    FillColor = colour,
                    LineWidth = 0,
                });
            if (series.Count > 1) plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = colour });
        }
        plot.Add.Bars(bars);
        // Error bars drawn on their own, in black, so that they show on any bar colour.
        for (int s = 0; s < series.Count; s++)
            if (series[s].Errors is { } errors)
            {
                var positions = Enumerable.Range(0, categories.Count).Select(c => c + (s - (series.Count - 1) / 2.0) * width).ToArray();
                var whiskers = plot.Add.ErrorBar(positions, series[s].Values, errors);
                whiskers.Color = Colors.Black;
                whiskers.LineWidth = 2;
            }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
        if (yRange is var (min, max)) plot.Axes.SetLimitsY(min, max);
        else plot.Axes.Margins(bottom: 0);
        plot.Legend.Alignment = Alignment.UpperLeft;
        if (series.Count > 1) plot.ShowLegend();
        PlotFigure.Save(plot, path, Width, Height);
    }
}
