using System.Globalization;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Reporting;
using ScottPlot;
using SkiaSharp;

namespace Bottleneck.Applications.Inspection;

/// <summary>One panel of a <see cref="LatentScatterPlot"/>: a map and, when the samples have labels, how well it separates them.</summary>
internal sealed record MapPanel(LatentMap Map, MapSeparation? Separation = null);

/// <summary>
/// The chapter's 2-D latent scatter (§8.1): one dot per sample, coloured by class with matplotlib's tab10
/// colours and a legend of class names, axes named for what they are (the code's own dimensions, or principal
/// components with their share of the variance); several panels side by side under one title for comparisons.
/// </summary>
internal static class LatentScatterPlot
{
    const int TitleBand = 44;

    /// <summary>
    /// Draws the panels left to right and writes the PNG to <paramref name="path"/> atomically. Label c always gets
    /// tab10's colour c (digit 3 is red in every figure); classes are drawn interleaved in five rounds so no class is
    /// painted over all the others; unlabelled samples are one grey class.
    /// </summary>
    /// <exception cref="ArgumentException">No panels, or a panel whose point count differs from the labels'.</exception>
    public static void SavePng(string path, string title, IReadOnlyList<MapPanel> panels, int[]? labels,
        IReadOnlyList<string>? classNames, int panelWidth = 900, int panelHeight = 780)
    {
        if (panels.Count == 0) throw new ArgumentException("a scatter figure needs at least one panel", nameof(panels));
        var images = panels.Select(p => RenderPanel(p, labels, classNames, panelWidth, panelHeight)).ToList();
        try
        {
            int width = panelWidth * panels.Count, height = TitleBand + panelHeight;
            using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
                ?? throw new InvalidOperationException($"SkiaSharp could not allocate a {width}x{height} image.");
            var canvas = surface.Canvas;
            canvas.Clear(SKColors.White);
            using var font = new SKFont(EmbeddedFonts.Bold, 22) { Edging = SKFontEdging.Antialias, Subpixel = true };
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(title, width / 2f, 12 - font.Metrics.Ascent, SKTextAlign.Center, font, ink);
            for (int i = 0; i < images.Count; i++) canvas.DrawBitmap(images[i], i * panelWidth, TitleBand);
            using var snapshot = surface.Snapshot();
            using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
            AtomicFile.WriteAllBytes(path, png.ToArray());
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    /// <summary>"viz2d code (2-D, drawn as learned)" or "deep code (32-D), projected by PCA on 2 components".</summary>
    public static string PanelTitle(LatentMap map) => map.IsProjected
        ? $"{map.Source} ({map.Dimension}-D), projected by PCA on 2 components"
        : $"{map.Source} ({map.Dimension}-D, drawn as learned)";

    /// <summary>The axis label of coordinate <paramref name="axis"/> (0 or 1).</summary>
    public static string AxisLabel(LatentMap map, int axis) => map.ExplainedVarianceRatio is { } ratio
        ? $"PC {axis + 1} ({(100 * ratio[axis]).ToString("F1", CultureInfo.InvariantCulture)} % of the variance)"
        : $"Latent dimension {axis + 1}";

    static SKBitmap RenderPanel(MapPanel panel, int[]? labels, IReadOnlyList<string>? classNames, int width, int height)
    {
        var map = panel.Map;
        if (labels is not null && labels.Length != map.X.Length)
            throw new ArgumentException($"{map.X.Length} points but {labels.Length} labels");
        string subtitle = panel.Separation is { } s
            ? $"{s.K}-NN accuracy (leave one out) {(100 * s.KnnAccuracy).ToString("F1", CultureInfo.InvariantCulture)} %, silhouette {s.Silhouette.ToString("F3", CultureInfo.InvariantCulture)}"
            : $"{map.X.Length:N0} samples" + (labels is null ? ", no labels" : ", one class: separation not measured");
        var plot = PlotFigure.Create(PanelTitle(map) + "\n" + subtitle, AxisLabel(map, 0), AxisLabel(map, 1));
        plot.Axes.Title.Label.FontSize = 16;

        int[] classes = labels is null ? [0] : labels.Distinct().Order().ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        var members = classes.ToDictionary(c => c, c => new List<int>());
        for (int i = 0; i < map.X.Length; i++) members[labels?[i] ?? 0].Add(i);
        const int rounds = 5;
        for (int round = 0; round < rounds; round++)
            foreach (var c in classes)
            {
                var part = members[c].Where((_, j) => j % rounds == round).ToArray();
                if (part.Length == 0) continue;
                var color = labels is null ? Colors.Gray : palette.GetColor(c);
                plot.Add.Markers(part.Select(i => map.X[i]).ToArray(), part.Select(i => map.Y[i]).ToArray(),
                    MarkerShape.FilledCircle, map.X.Length > 5000 ? 4 : 6, color.WithAlpha(0.5));
            }
        if (labels is not null)
        {
            foreach (var c in classes)
            {
                var color = palette.GetColor(c);
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = ClassBreakdown.ClassName(c, classNames),
                    MarkerShape = MarkerShape.FilledCircle,
                    MarkerSize = 12,
                    MarkerFillColor = color,
                    MarkerLineColor = color,
                    LineWidth = 0,
                });
            }
            plot.ShowLegend(Edge.Right);
        }
        var bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        return SKBitmap.Decode(bytes) ?? throw new InvalidOperationException("ScottPlot's PNG could not be decoded");
    }
}
