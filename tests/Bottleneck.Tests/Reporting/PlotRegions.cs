using SkiaSharp;

namespace Bottleneck.Tests.Reporting;

/// <summary>
/// Where things sit in a ScottPlot figure: a region that lies inside the data area for any of our figure sizes, and
/// the strip above the data area's frame, where only the title can put dark pixels.
/// </summary>
internal static class PlotRegions
{
    public static SKRectI DataArea(RenderedImage image) => DataArea(0, image.Width, image.Height);

    public static SKRectI DataArea(int left, int right, int height)
    {
        var width = right - left;
        return new SKRectI(left + width * 15 / 100, height * 12 / 100, left + width * 97 / 100, height * 85 / 100);
    }

    public static SKRectI TitleArea(RenderedImage image) => TitleArea(image, 0, image.Width);

    /// <summary>
    /// The middle half of the panel between <paramref name="left"/> and <paramref name="right"/>, from the top of the
    /// image down to just above the frame's top edge. Found rather than assumed: without a font the title takes no
    /// room and the frame moves up into where the title would be, which a fixed strip would mistake for text.
    /// </summary>
    public static SKRectI TitleArea(RenderedImage image, int left, int right)
    {
        var middle = new SKRectI(left + (right - left) / 4, 0, left + (right - left) * 3 / 4, image.Height);
        for (var y = 0; y < image.Height / 2; y++)
        {
            var row = new SKRectI(middle.Left, y, middle.Right, y + 1);
            if (image.CountDark(row) > row.Width * 9 / 10)
                return middle with { Bottom = Math.Max(0, y - 1) };
        }
        throw new InvalidOperationException("No frame edge in the top half of the image.");
    }
}
