using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// JPEG compression artefacts (§8.3's artefact reduction, §8.3): each image is rounded to 8 bits, saved as JPEG
/// at the given quality with SkiaSharp's encoder (libjpeg-turbo, as PIL uses), decoded, and scaled back to [0, 1].
/// The chapter's experiment uses quality 10. Deterministic: the same image always gives the same artefacts.
/// </summary>
internal sealed class JpegCorruption : Corruption
{
    /// <summary>JPEG at <paramref name="quality"/>, 1 (worst) to 100 (best).</summary>
    public JpegCorruption(int quality)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), quality, "quality must be 1 to 100");
        Quality = quality;
    }

    /// <summary>The JPEG quality setting, 1 to 100.</summary>
    public int Quality { get; }

    public override string Name => $"jpeg:{Quality}";

    public override bool IsRandom => false;

    public override Tensor Apply(Tensor clean, Generator? generator = null)
    {
        var shape = ImageShape.Of(clean.shape[1..])
            ?? throw new OptionException("noise", $"samples of shape [{string.Join(", ", clean.shape[1..])}] are not images (JPEG needs [H, W], [H, W, C], [C, H, W] with 1 or 3 channels, or a square vector)") { Value = Name };
        int batch = (int)clean.shape[0];
        int values = shape.Width * shape.Height * shape.Channels;
        var pixels = clean.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        var result = new float[pixels.Length];
        for (int i = 0; i < batch; i++)
            RoundTrip(pixels.AsSpan(i * values, values), result.AsSpan(i * values, values), shape);
        return tensor(result, clean.shape).to(clean.dtype, clean.device);
    }

    void RoundTrip(ReadOnlySpan<float> image, Span<float> degraded, ImageShape shape)
    {
        // PIL's path in the chapter: (x·255).astype(uint8) → JPEG(quality) → /255. Rounding (not truncating) keeps
        // a clean 0.5 at 128, as the toolkit's own image writers do.
        bool grey = shape.Channels == 1;
        var colorType = grey ? SKColorType.Gray8 : SKColorType.Rgba8888;
        int bytesPerPixel = grey ? 1 : 4;
        int plane = shape.Width * shape.Height;
        // Value c of pixel p: interleaved (r, g, b per pixel) for [H, W, 3], one plane per colour for [3, H, W].
        int At(int p, int c) => shape.ChannelsFirst ? c * plane + p : 3 * p + c;
        var bytes = new byte[plane * bytesPerPixel];
        for (int p = 0; p < plane; p++)
        {
            if (grey) { bytes[p] = ToByte(image[p]); continue; }
            for (int c = 0; c < 3; c++) bytes[4 * p + c] = ToByte(image[At(p, c)]);
            bytes[4 * p + 3] = 255;
        }
        var info = new SKImageInfo(shape.Width, shape.Height, colorType, SKAlphaType.Opaque);
        using var source = SKImage.FromPixelCopy(info, bytes) ?? throw new InvalidOperationException("SkiaSharp could not wrap the image");
        using var jpeg = source.Encode(SKEncodedImageFormat.Jpeg, Quality) ?? throw new InvalidOperationException("SkiaSharp's JPEG encoder failed");
        using var decoded = SKBitmap.Decode(jpeg.AsSpan(), info) ?? throw new InvalidOperationException("SkiaSharp could not decode its own JPEG");
        var back = decoded.GetPixelSpan();
        for (int p = 0; p < plane; p++)
        {
            if (grey) { degraded[p] = back[p] / 255f; continue; }
            for (int c = 0; c < 3; c++) degraded[At(p, c)] = back[4 * p + c] / 255f;
        }
    }

    static byte ToByte(float value) => (byte)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f);
}
