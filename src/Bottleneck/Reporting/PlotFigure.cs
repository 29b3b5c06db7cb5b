using Bottleneck.IO;
using ScottPlot;

namespace Bottleneck.Reporting;

/// <summary>The look shared by every ScottPlot figure in Bottleneck, and the one way such figures reach disk.</summary>
internal static class PlotFigure
{
    internal const float TitleSize = 20;
    internal const float AxisLabelSize = 15;
    internal const float TickLabelSize = 13;
    internal const float LegendSize = 13;

    /// <summary>A plot with the embedded font, a title, axis labels and a legend that only shows when something is named.</summary>
    internal static Plot Create(string title, string xLabel, string yLabel)
    {
        // Before the Plot exists: ScottPlot copies the default font name into each label as the label is created.
        EmbeddedFonts.UseInScottPlot();
        var plot = new Plot();
        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.Legend.FontSize = LegendSize;
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.ShadowColor = Colors.Transparent;
        plot.Legend.OutlineColor = Colors.Black.WithOpacity(0.3);
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.12);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        return plot;
    }

    /// <summary>Renders <paramref name="plot"/> as a PNG of the given size and writes it to <paramref name="path"/> atomically.</summary>
    internal static void Save(Plot plot, string path, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
