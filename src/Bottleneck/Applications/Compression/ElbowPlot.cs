using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Compression;

/// <summary>
/// The chapter's "finding optimal bottleneck size" figure (§7.1): test loss against code size on a
/// log₂ axis labelled with the sizes themselves, BCE and MSE on one logarithmic loss axis (their scales differ
/// tenfold, and two separate axes would make curves seem to meet where they do not), the chapter's own "typical
/// loss" figures for comparison, and the elbow marked.
/// </summary>
internal static class ElbowPlot
{
    /// <summary>Draws the figure and writes the PNG to <paramref name="path"/> atomically.</summary>
    /// <exception cref="BadInputException">No points, or lists of different lengths.</exception>
    /// <param name="sampleValues">Values in one data sample (d), for the elbow's ratio d/k.</param>
    public static void SavePng(string path, string title, long sampleValues, int[] codeSizes, double[] bce, double[] mse,
        IReadOnlyDictionary<int, double>? chapter = null, int? elbow = null, int width = 900, int height = 600)
    {
        if (codeSizes.Length == 0 || bce.Length != codeSizes.Length || mse.Length != codeSizes.Length)
            throw new BadInputException($"ElbowPlot '{title}': {codeSizes.Length} code sizes, {bce.Length} BCE and {mse.Length} MSE values.");
        var plot = PlotFigure.Create(title, "Code size k (values in the bottleneck; log scale)", "Test loss, mean per pixel (log scale)");
        var x = codeSizes.Select(k => Math.Log2(k)).ToArray();
        var shown = new List<double>();

        void Series(double[] xs, double[] ys, Color color, string legend, MarkerShape marker, float width, LinePattern pattern)
        {
            // A loss of exactly 0 has no place on a log axis; it would be a perfect reconstruction, not a point to draw.
            var keep = Enumerable.Range(0, xs.Length).Where(n => ys[n] > 0 && double.IsFinite(ys[n])).ToArray();
            (xs, ys) = (keep.Select(n => xs[n]).ToArray(), keep.Select(n => ys[n]).ToArray());
            var line = plot.Add.Scatter(xs, ys.Select(Math.Log10).ToArray(), color);
            line.LegendText = legend;
            line.LineWidth = width;
            line.MarkerSize = width > 2 ? 8 : 6;
            line.MarkerShape = marker;
            line.LinePattern = pattern;
            shown.AddRange(ys);
        }

        Series(x, bce, plot.Add.Palette.GetColor(0), "Test BCE (nats)", MarkerShape.FilledCircle, 2.5f, LinePattern.Solid);
        Series(x, mse, plot.Add.Palette.GetColor(1), "Test MSE", MarkerShape.FilledSquare, 2.5f, LinePattern.Solid);
        if (chapter is not null)
        {
            var known = codeSizes.Where(chapter.ContainsKey).ToArray();
            if (known.Length > 0)
                Series(known.Select(k => Math.Log2(k)).ToArray(), known.Select(k => chapter[k]).ToArray(), Colors.Gray,
                    "Chapter's \"typical loss\" (type unstated)", MarkerShape.OpenCircle, 1.5f, LinePattern.Dashed);
        }
        if (elbow is int e && Array.IndexOf(codeSizes, e) is var i and >= 0)
        {
            var line = plot.Add.VerticalLine(Math.Log2(e), 1.5f, Colors.Black.WithOpacity(0.55), LinePattern.Dotted);
            line.LegendText = $"Elbow of the BCE curve: k = {e} (ratio {sampleValues}/{e} = {((double)sampleValues / e).ToString("0.###", CultureInfo.InvariantCulture)})";
            var marker = plot.Add.Marker(x[i], Math.Log10(bce[i]), MarkerShape.OpenCircle, 20, Colors.Black);
            marker.LineWidth = 2;
        }
        LogAxis.Configure(plot.Axes.Left, shown.Where(v => v > 0).Min(), shown.Max());

        var ticks = new NumericManual();
        foreach (var k in codeSizes) ticks.AddMajor(Math.Log2(k), k.ToString(CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        double pad = Math.Max(0.3, (x.Max() - x.Min()) * 0.05);
        plot.Axes.SetLimitsX(x.Min() - pad, x.Max() + pad);
        // Losses fall from upper left to lower right: the lower left corner is free.
        plot.Legend.Alignment = Alignment.LowerLeft;
        PlotFigure.Save(plot, path, width, height);
    }
}
