namespace Bottleneck.Reporting;

/// <summary>A general line chart: named series of (x, y) points, optionally on logarithmic axes, saved as PNG.</summary>
internal static class LinePlot
{
    /// <summary>
    /// Draws each series as a line with a legend entry and writes the PNG to <paramref name="path"/> atomically.
    /// Points that are not finite, or not positive on a logarithmic axis, are left out.
    /// </summary>
    /// <exception cref="BadInputException">A series has X and Y of different lengths, or no series has a point to draw.</exception>
    public static void SavePng(string path, string title, string xLabel, string yLabel,
        IReadOnlyList<(string Name, double[] X, double[] Y)> series, bool logX = false, bool logY = false,
        int width = 900, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(series);
        var kept = new List<(string Name, double[] X, double[] Y)>();
        foreach (var (name, xs, ys) in series)
        {
            if (xs.Length != ys.Length)
                throw new BadInputException($"LinePlot series '{name}': {xs.Length} x values but {ys.Length} y values.");
            var points = xs.Zip(ys).Where(p => Drawable(p.First, logX) && Drawable(p.Second, logY)).ToArray();
            kept.Add((name, points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray()));
        }
        if (kept.All(s => s.X.Length == 0))
            throw new BadInputException($"LinePlot '{title}': no series has a point that can be drawn.");

        var plot = PlotFigure.Create(title, xLabel, yLabel);
        foreach (var (name, xs, ys) in kept.Where(s => s.X.Length > 0))
        {
            var line = plot.Add.Scatter(logX ? xs.Select(Math.Log10).ToArray() : xs, logY ? ys.Select(Math.Log10).ToArray() : ys);
            line.LegendText = name;
            line.LineWidth = 2;
            // Markers help with a few points and only clutter a dense line.
            line.MarkerSize = xs.Length <= 40 ? 5 : 0;
        }
        if (logX)
            LogAxis.Configure(plot.Axes.Bottom, kept.SelectMany(s => s.X).Min(), kept.SelectMany(s => s.X).Max());
        if (logY)
            LogAxis.Configure(plot.Axes.Left, kept.SelectMany(s => s.Y).Min(), kept.SelectMany(s => s.Y).Max());
        PlotFigure.Save(plot, path, width, height);
    }

    private static bool Drawable(double value, bool log) => double.IsFinite(value) && (!log || value > 0);
}
