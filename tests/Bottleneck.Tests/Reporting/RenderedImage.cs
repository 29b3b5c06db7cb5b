using SkiaSharp;

namespace Bottleneck.Tests.Reporting;

/// <summary>A decoded PNG with the pixel questions the rendering tests ask of it.</summary>
internal sealed class RenderedImage : IDisposable
{
    private readonly SKBitmap bitmap;

    private RenderedImage(SKBitmap bitmap) => this.bitmap = bitmap;

    public static RenderedImage Decode(byte[] png) =>
        new(SKBitmap.Decode(png) ?? throw new InvalidOperationException("The bytes are not an image SkiaSharp can decode."));

    public static RenderedImage Load(string path) => Decode(File.ReadAllBytes(path));

    public int Width => bitmap.Width;
    public int Height => bitmap.Height;

    public SKColor this[int x, int y] => bitmap.GetPixel(x, y);

    /// <summary>Pixels in the rectangle dark enough to be text or lines, not anti-aliasing haze or grid lines.</summary>
    public int CountDark(SKRectI region) => Count(region, c => c.Red < 100 && c.Green < 100 && c.Blue < 100);

    /// <summary>Pixels in the rectangle that are clearly coloured rather than grey: plotted data, not text or grid.</summary>
    public int CountColoured(SKRectI region) =>
        Count(region, c => Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 60);

    public int Count(SKRectI region, Func<SKColor, bool> predicate)
    {
        var count = 0;
        for (var y = region.Top; y < region.Bottom; y++)
            for (var x = region.Left; x < region.Right; x++)
                if (predicate(bitmap.GetPixel(x, y)))
                    count++;
        return count;
    }

    public void Dispose() => bitmap.Dispose();
}
