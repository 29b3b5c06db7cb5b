using System.Globalization;
using ScottPlot;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// PCA's cumulative explained-variance curve (chapter §5.3): the share of the total variance the first m components
/// keep, for every m, with the chosen k marked by dashed lines and its share in the legend. The component axis is
/// logarithmic, because the curve does most of its climbing in the first few dozen of hundreds of components.
/// </summary>
internal static class ExplainedVariancePlot
{
    /// <summary>Draws the curve of <paramref name="spectrum"/> (variances, largest first) with <paramref name="components"/> marked.</summary>
    /// <exception cref="BadInputException">The spectrum is empty or has no positive total.</exception>
    public static void SavePng(string path, string title, IReadOnlyList<double> spectrum, int components, int width = 900, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        double total = spectrum.Sum();
        if (spectrum.Count == 0 || !(total > 0))
            throw new BadInputException($"ExplainedVariancePlot '{title}': the spectrum has no variance to draw.");
        components = Math.Clamp(components, 1, spectrum.Count);
        var cumulative = new double[spectrum.Count];
        double running = 0;
        for (int i = 0; i < spectrum.Count; i++) cumulative[i] = 100 * (running += spectrum[i]) / total;
        var counts = Enumerable.Range(1, spectrum.Count).Select(i => Math.Log10(i)).ToArray();   // plotted as log10, labelled by LogAxis

        var plot = PlotFigure.Create(title, "Number of components (log scale)", "Cumulative explained variance (%)");
        var curve = plot.Add.Scatter(counts, cumulative);
        curve.LegendText = "Cumulative explained variance";
        curve.LineWidth = 2;
        curve.MarkerSize = 0;

        double kept = cumulative[components - 1];
        var red = Colors.Red;
        var vertical = plot.Add.VerticalLine(Math.Log10(components), 1.5f, red, LinePattern.Dashed);
        vertical.LegendText = $"k = {components}: {kept.ToString("F1", CultureInfo.InvariantCulture)} % of the variance";
        plot.Add.HorizontalLine(kept, 1.5f, red, LinePattern.Dashed);
        var marker = plot.Add.Marker(Math.Log10(components), kept, MarkerShape.FilledCircle, 9, red);
        marker.LegendText = "";
        plot.Legend.Alignment = Alignment.LowerRight;
        LogAxis.Configure(plot.Axes.Bottom, 1, spectrum.Count);
        plot.Axes.SetLimitsY(0, 102);
        PlotFigure.Save(plot, path, width, height);
    }
}
