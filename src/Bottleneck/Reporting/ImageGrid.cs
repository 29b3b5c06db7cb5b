using Bottleneck.Data;
using Bottleneck.IO;
using SkiaSharp;

namespace Bottleneck.Reporting;

/// <summary>One row of an <see cref="ImageGrid"/>: a title shown at its left, its images, and optional captions above them.</summary>
/// <param name="Title">Text at the left of the row, such as "Original" or "Reconstructed"; empty for none.</param>
/// <param name="Images">Pixel values in [0, 1], row-major, channels last; one array per image.</param>
/// <param name="Captions">One caption per image (empty strings for none), or null for a row without captions.</param>
internal sealed record GridRow(string Title, IReadOnlyList<float[]> Images, IReadOnlyList<string>? Captions = null);

/// <summary>
/// Draws rows of small images as one PNG figure, like the matplotlib grids that compare originals with
/// reconstructions: a title on top, a title at the left of each row, and an optional caption above each image.
/// </summary>
internal static class ImageGrid
{
    // The layout is in whole pixels and fixed sizes, so a figure's dimensions follow from its contents alone
    // (tests compute them the same way).
    internal const int Margin = 12;
    internal const int ImageGap = 4;
    internal const int RowGap = 10;
    internal const int TitleBand = 32;
    internal const int SubtitleBand = 22;
    internal const int CaptionBand = 16;
    internal const int RowTitleGap = 10;
    internal const float TitleSize = 18;
    internal const float SubtitleSize = 13;
    internal const float RowTitleSize = 14;
    internal const float CaptionSize = 11;

    /// <summary>
    /// The widest a wrapped figure gets, in pixels: about a screen's width, so that it opens without scrolling sideways
    /// (a single row of 200 MNIST digits was 17,733 pixels wide).
    /// </summary>
    public const int MaxWrappedWidth = 1600;

    /// <summary>
    /// The most images a row of a wrapped figure may hold: at MNIST's size about 16 lines of 16, a few screens tall and
    /// some 20 MB to draw. Commands cap their counts to it and say so.
    /// </summary>
    public const int MaxWrappedImages = 256;

    /// <summary>
    /// Renders the grid and returns the PNG bytes; <paramref name="scale"/> enlarges each pixel to a square of that size,
    /// and <paramref name="subtitle"/>, when given, is a line of smaller text under the title (a key to the colours, say).
    /// </summary>
    /// <exception cref="BadInputException">An image has the wrong number of values, captions do not match images, or there are no images.</exception>
    public static byte[] RenderPng(string title, IReadOnlyList<GridRow> rows, int imageWidth, int imageHeight,
        int channels = 1, int scale = 3, string? subtitle = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "ImageGrid draws greyscale (1 channel) or RGB (3 channels) images.");
        Validate(rows, imageWidth * imageHeight * channels, imageWidth, imageHeight, channels);

        using var titleFont = NewFont(EmbeddedFonts.Bold, TitleSize);
        using var rowTitleFont = NewFont(EmbeddedFonts.Regular, RowTitleSize);
        using var captionFont = NewFont(EmbeddedFonts.Regular, CaptionSize);
        using var subtitleFont = NewFont(EmbeddedFonts.Regular, SubtitleSize);

        var cellWidth = imageWidth * scale;
        var cellHeight = imageHeight * scale;
        var columns = rows.Max(r => r.Images.Count);
        var columnWidth = ColumnWidth(rows, cellWidth, captionFont);
        var rowTitleColumn = RowTitleColumn(rows, rowTitleFont);
        var titleBand = string.IsNullOrEmpty(title) ? 0 : TitleBand;
        var subtitleBand = string.IsNullOrEmpty(subtitle) ? 0 : SubtitleBand;

        var gridWidth = rowTitleColumn + columns * columnWidth + (columns - 1) * ImageGap;
        var width = 2 * Margin + Math.Max(gridWidth, Math.Max(Measure(titleFont, title), Measure(subtitleFont, subtitle ?? "")));
        var height = 2 * Margin + titleBand + subtitleBand
            + rows.Sum(r => (HasCaptions(r) ? CaptionBand : 0) + cellHeight) + (rows.Count - 1) * RowGap;

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not allocate a {width}x{height} image.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };

        if (titleBand > 0)
            canvas.DrawText(title, width / 2f, Margin + Ascent(titleFont), SKTextAlign.Center, titleFont, ink);
        if (subtitleBand > 0)
        {
            using var grey = new SKPaint { Color = new SKColor(70, 70, 70), IsAntialias = true };
            canvas.DrawText(subtitle, width / 2f, Margin + titleBand + Ascent(subtitleFont), SKTextAlign.Center, subtitleFont, grey);
        }

        // Centre the grid under a title that is wider than the grid.
        var left = (width - gridWidth) / 2 + rowTitleColumn;
        var top = Margin + titleBand + subtitleBand;
        var nearest = new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        foreach (var row in rows)
        {
            var captionBand = HasCaptions(row) ? CaptionBand : 0;
            var imageTop = top + captionBand;
            if (row.Title.Length > 0)
            {
                // Vertically centred on the images: half the cap height below the middle of the cell.
                var baseline = imageTop + cellHeight / 2f + CapHeight(rowTitleFont) / 2f;
                canvas.DrawText(row.Title, left - RowTitleGap, baseline, SKTextAlign.Right, rowTitleFont, ink);
            }
            for (var i = 0; i < row.Images.Count; i++)
            {
                var columnLeft = left + i * (columnWidth + ImageGap);
                var imageLeft = columnLeft + (columnWidth - cellWidth) / 2;
                using var image = ToSkImage(row.Images[i], imageWidth, imageHeight, channels);
                canvas.DrawImage(image, SKRect.Create(imageLeft, imageTop, cellWidth, cellHeight), nearest);
                var caption = row.Captions?[i];
                if (!string.IsNullOrEmpty(caption))
                    canvas.DrawText(caption, columnLeft + columnWidth / 2f, imageTop - Descent(captionFont) - 2,
                        SKTextAlign.Center, captionFont, ink);
            }
            top = imageTop + cellHeight + RowGap;
        }

        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>
    /// Renders bands of parallel rows (originals and their reconstructions, say: the i-th image of each row belongs
    /// together) as by <see cref="RenderPng"/>, each band wrapped into as few lines as keep the figure within
    /// <see cref="MaxWrappedWidth"/>, as even as can be (20 images that need two lines make two of 10, not 17 and 3);
    /// every line repeats its rows' titles.
    /// </summary>
    /// <exception cref="BadInputException">As <see cref="RenderPng"/>, or a row holds more than <see cref="MaxWrappedImages"/> images.</exception>
    public static byte[] RenderWrappedPng(string title, IReadOnlyList<IReadOnlyList<GridRow>> bands, int imageWidth, int imageHeight,
        int channels = 1, int scale = 3, string? subtitle = null)
    {
        ArgumentNullException.ThrowIfNull(bands);
        foreach (var band in bands)
        {
            if (band.Select(r => r.Images.Count).Distinct().Count() > 1)
                throw new ArgumentException("the rows of a band must hold the same number of images", nameof(bands));
            if (band.Count > 0 && band[0].Images.Count > MaxWrappedImages)
                throw new BadInputException($"ImageGrid: {band[0].Images.Count} images in a row; a figure holds at most {MaxWrappedImages}");
        }
        var fit = ColumnsWithin(MaxWrappedWidth, bands.SelectMany(b => b).ToArray(), imageWidth * scale);
        var longest = bands.SelectMany(b => b).Select(r => r.Images.Count).DefaultIfEmpty(1).Max();
        var lines = (longest + fit - 1) / fit;
        var columns = Math.Max(1, (longest + lines - 1) / lines);
        return RenderPng(title, bands.SelectMany(b => Wrap(b, columns)).ToArray(), imageWidth, imageHeight, channels, scale, subtitle);
    }

    /// <summary>Renders as by <see cref="RenderWrappedPng"/> and writes the figure to <paramref name="path"/> atomically.</summary>
    public static void SaveWrappedPng(string path, string title, IReadOnlyList<IReadOnlyList<GridRow>> bands, int imageWidth, int imageHeight,
        int channels = 1, int scale = 3, string? subtitle = null) =>
        AtomicFile.WriteAllBytes(path, RenderWrappedPng(title, bands, imageWidth, imageHeight, channels, scale, subtitle));

    /// <summary>
    /// Renders as by <see cref="RenderWrappedPng"/> images laid out as <paramref name="shape"/> says (each image as the
    /// data holds it, channels first or last) and writes the figure to <paramref name="path"/> atomically.
    /// </summary>
    public static void SaveWrappedPng(string path, string title, IReadOnlyList<IReadOnlyList<GridRow>> bands, ImageShape shape,
        int scale = 3, string? subtitle = null) =>
        SaveWrappedPng(path, title, bands.Select(band => (IReadOnlyList<GridRow>)band.Select(row => Interleaved(row, shape)).ToArray()).ToArray(),
            shape.Width, shape.Height, shape.Channels, scale, subtitle);

    /// <summary>
    /// The band's rows cut into lines of at most <paramref name="columns"/> images: the first line of every row, then the
    /// second line of every row, and so on, so that an image stays above its partners.
    /// </summary>
    public static IReadOnlyList<GridRow> Wrap(IReadOnlyList<GridRow> band, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        var count = band.Count == 0 ? 0 : band.Max(r => r.Images.Count);
        var lines = new List<GridRow>();
        for (var start = 0; start < count; start += columns)
            foreach (var row in band)
                lines.Add(new GridRow(row.Title, row.Images.Skip(start).Take(columns).ToArray(), row.Captions?.Skip(start).Take(columns).ToArray()));
        return lines;
    }

    /// <summary>How many columns of these rows' images fit in a figure <paramref name="maxWidth"/> pixels wide (at least one).</summary>
    internal static int ColumnsWithin(int maxWidth, IReadOnlyList<GridRow> rows, int cellWidth)
    {
        using var rowTitleFont = NewFont(EmbeddedFonts.Regular, RowTitleSize);
        using var captionFont = NewFont(EmbeddedFonts.Regular, CaptionSize);
        // width = 2·Margin + rowTitleColumn + n·columnWidth + (n − 1)·ImageGap ≤ maxWidth
        var room = maxWidth - 2 * Margin - RowTitleColumn(rows, rowTitleFont) + ImageGap;
        return Math.Max(1, room / (ColumnWidth(rows, cellWidth, captionFont) + ImageGap));
    }

    // A caption wider than its image widens every column, so captions never run into each other and the images of all
    // rows stay aligned.
    static int ColumnWidth(IReadOnlyList<GridRow> rows, int cellWidth, SKFont captionFont)
    {
        var widestCaption = rows.SelectMany(r => r.Captions ?? []).Select(c => Measure(captionFont, c)).DefaultIfEmpty(0).Max();
        return Math.Max(cellWidth, widestCaption == 0 ? 0 : widestCaption + 2 * ImageGap);
    }

    static int RowTitleColumn(IReadOnlyList<GridRow> rows, SKFont rowTitleFont)
    {
        var widestRowTitle = rows.Select(r => Measure(rowTitleFont, r.Title)).DefaultIfEmpty(0).Max();
        return widestRowTitle == 0 ? 0 : widestRowTitle + RowTitleGap;
    }

    /// <summary>Renders the grid as by <see cref="RenderPng"/> and writes it to <paramref name="path"/> atomically.</summary>
    /// <exception cref="BadInputException">An image has the wrong number of values, captions do not match images, or there are no images.</exception>
    public static void SavePng(string path, string title, IReadOnlyList<GridRow> rows, int imageWidth, int imageHeight,
        int channels = 1, int scale = 3, string? subtitle = null) =>
        AtomicFile.WriteAllBytes(path, RenderPng(title, rows, imageWidth, imageHeight, channels, scale, subtitle));

    /// <summary>Renders as by <see cref="RenderPng"/> images laid out as <paramref name="shape"/> says and writes the PNG atomically.</summary>
    public static void SavePng(string path, string title, IReadOnlyList<GridRow> rows, ImageShape shape, int scale = 3, string? subtitle = null) =>
        SavePng(path, title, rows.Select(row => Interleaved(row, shape)).ToArray(), shape.Width, shape.Height, shape.Channels, scale, subtitle);

    static GridRow Interleaved(GridRow row, ImageShape shape) =>
        shape.ChannelsFirst ? row with { Images = row.Images.Select(shape.Interleave).ToArray() } : row;

    private static void Validate(IReadOnlyList<GridRow> rows, int expectedLength, int imageWidth, int imageHeight, int channels)
    {
        if (rows.Count == 0 || rows.All(r => r.Images.Count == 0))
            throw new BadInputException("ImageGrid: there are no images to draw.");
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var name = row.Title.Length > 0 ? $"row {r} ('{row.Title}')" : $"row {r}";
            for (var i = 0; i < row.Images.Count; i++)
            {
                var length = row.Images[i].Length;
                if (length != expectedLength)
                    throw new BadInputException(
                        $"ImageGrid {name}, image {i}: expected {expectedLength} values ({imageWidth}x{imageHeight}x{channels}), got {length}.");
            }
            if (row.Captions is { } captions && captions.Count != row.Images.Count)
                throw new BadInputException($"ImageGrid {name}: {captions.Count} captions for {row.Images.Count} images.");
        }
    }

    private static SKImage ToSkImage(float[] values, int width, int height, int channels)
    {
        var rgba = new byte[width * height * 4];
        for (var p = 0; p < width * height; p++)
        {
            for (var c = 0; c < 3; c++)
                rgba[4 * p + c] = ToByte(values[p * channels + (channels == 1 ? 0 : c)]);
            rgba[4 * p + 3] = 255;
        }
        return SKImage.FromPixelCopy(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul), rgba);
    }

    // NaN would otherwise survive the clamp and turn into an arbitrary byte; black says "no value" plainly enough.
    private static byte ToByte(float value) =>
        float.IsNaN(value) ? (byte)0 : (byte)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f);

    private static bool HasCaptions(GridRow row) => row.Captions?.Any(c => !string.IsNullOrEmpty(c)) == true;

    private static SKFont NewFont(SKTypeface typeface, float size) =>
        new(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    private static int Measure(SKFont font, string text) =>
        string.IsNullOrEmpty(text) ? 0 : (int)MathF.Ceiling(font.MeasureText(text));

    private static float Ascent(SKFont font) => -font.Metrics.Ascent;

    private static float Descent(SKFont font) => font.Metrics.Descent;

    private static float CapHeight(SKFont font) => font.Metrics.CapHeight;
}
