using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Bottleneck.Render;

/// <summary>
/// The chapter's "finding optimal bottleneck size" figure (§7.1, L3492-3497): test loss against code size on a
/// log₂ axis labelled with the sizes themselves, BCE on the left axis and MSE on the right (their scales differ
/// tenfold), the chapter's own "typical loss" figures for comparison, and the elbow marked.
/// </summary>
public static class ElbowPlot
{
    /// <summary>Draws the figure and writes the PNG to <paramref name="path"/> atomically.</summary>
    /// <exception cref="BadInputException">No points, or lists of different lengths.</exception>
    /// <param name="sampleValues">Values in one data sample (d), for the elbow's ratio d/k.</param>
    public static void SavePng(string path, string title, long sampleValues, int[] codeSizes, double[] bce, double[] mse,
        IReadOnlyDictionary<int, double>? chapter = null, int? elbow = null, int width = 900, int height = 600)
    {
        if (codeSizes.Length == 0 || bce.Length != codeSizes.Length || mse.Length != codeSizes.Length)
            throw new BadInputException($"ElbowPlot '{title}': {codeSizes.Length} code sizes, {bce.Length} BCE and {mse.Length} MSE values.");
        var plot = PlotFigure.Create(title, "Code size k (values in the bottleneck; log scale)", "Test BCE (mean per pixel, nats)");
        var x = codeSizes.Select(k => Math.Log2(k)).ToArray();

        var bceLine = plot.Add.Scatter(x, bce, plot.Add.Palette.GetColor(0));
        bceLine.LegendText = "Test BCE (left axis)";
        bceLine.LineWidth = 2.5f;
        bceLine.MarkerSize = 8;

        var mseLine = plot.Add.Scatter(x, mse, plot.Add.Palette.GetColor(1));
        mseLine.LegendText = "Test MSE (right axis)";
        mseLine.LineWidth = 2.5f;
        mseLine.MarkerSize = 8;
        mseLine.MarkerShape = MarkerShape.FilledSquare;
        mseLine.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "Test MSE (mean per pixel)";
        plot.Axes.Right.Label.FontSize = PlotFigure.AxisLabelSize;
        plot.Axes.Right.TickLabelStyle.FontSize = PlotFigure.TickLabelSize;

        if (chapter is not null)
        {
            var known = codeSizes.Where(chapter.ContainsKey).ToArray();
            if (known.Length > 0)
            {
                var claimed = plot.Add.Scatter(known.Select(k => Math.Log2(k)).ToArray(), known.Select(k => chapter[k]).ToArray(), Colors.Gray);
                claimed.LegendText = "Chapter's \"typical loss\" (type unstated, left axis)";
                claimed.LinePattern = LinePattern.Dashed;
                claimed.LineWidth = 1.5f;
                claimed.MarkerSize = 6;
                claimed.MarkerShape = MarkerShape.OpenCircle;
            }
        }
        if (elbow is int e && Array.IndexOf(codeSizes, e) is var i and >= 0)
        {
            var line = plot.Add.VerticalLine(Math.Log2(e), 1.5f, Colors.Black.WithOpacity(0.55), LinePattern.Dotted);
            line.LegendText = $"Elbow: k = {e} (ratio {sampleValues}/{e} = {((double)sampleValues / e).ToString("0.###", CultureInfo.InvariantCulture)})";
            var marker = plot.Add.Marker(x[i], bce[i], MarkerShape.OpenCircle, 20, Colors.Black);
            marker.LineWidth = 2;
        }

        var ticks = new NumericManual();
        foreach (var k in codeSizes) ticks.AddMajor(Math.Log2(k), k.ToString(CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        double pad = Math.Max(0.3, (x.Max() - x.Min()) * 0.05);
        plot.Axes.SetLimitsX(x.Min() - pad, x.Max() + pad);
        plot.Legend.Alignment = Alignment.UpperRight;
        PlotFigure.Save(plot, path, width, height);
    }
}
