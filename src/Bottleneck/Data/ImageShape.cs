namespace Bottleneck.Data;

/// <summary>
/// How a sample is drawn as a picture: width, height and channels (1 = grey, 3 = colour). Image writers take pixels
/// channels last; <see cref="ChannelsFirst"/> marks [3, H, W] samples, whose values <see cref="Interleave"/> reorders.
/// </summary>
internal readonly record struct ImageShape(int Width, int Height, int Channels)
{
    /// <summary>True for [3, H, W] samples (PyTorch's layout): each colour is a plane of its own, not interleaved per pixel.</summary>
    public bool ChannelsFirst { get; init; }

    /// <summary>
    /// The picture shape of a sample, or null when it is not an image that can be drawn: the samples must be images by
    /// <see cref="ImageLayout.Of"/> (the one rule: [h, w], [h, w, 1|3], [c, h, w], or a square vector such as 784 → 28×28)
    /// with one or three channels.
    /// </summary>
    public static ImageShape? Of(IReadOnlyList<long> sampleShape) =>
        ImageLayout.Of(sampleShape) is { Channels: 1 or 3 } layout
            ? new ImageShape(layout.Width, layout.Height, layout.Channels) { ChannelsFirst = layout.Channels == 3 && !layout.ChannelsLast }
            : null;

    /// <summary>
    /// One sample's values channels last, as image writers take them: value (c, y, x) of a channels-first sample moves
    /// from c·H·W + y·W + x to (y·W + x)·3 + c. Other samples are returned as they are.
    /// </summary>
    public float[] Interleave(float[] sample)
    {
        if (!ChannelsFirst) return sample;
        int plane = Width * Height;
        if (sample.Length != plane * Channels)
            throw new ArgumentException($"a {Channels}×{Height}×{Width} image has {plane * Channels} values, not {sample.Length}", nameof(sample));
        var interleaved = new float[sample.Length];
        for (int c = 0; c < Channels; c++)
            for (int p = 0; p < plane; p++)
                interleaved[p * Channels + c] = sample[c * plane + p];
        return interleaved;
    }

    /// <summary>
    /// The inverse of <see cref="Interleave"/>: pixels as an image file stores them (channels last) to a channels-first
    /// sample, value (y·W + x)·3 + c moving to c·H·W + y·W + x. Other samples are returned as they are.
    /// </summary>
    public float[] Deinterleave(float[] pixels)
    {
        if (!ChannelsFirst) return pixels;
        int plane = Width * Height;
        if (pixels.Length != plane * Channels)
            throw new ArgumentException($"a {Width}×{Height} image with {Channels} channels has {plane * Channels} values, not {pixels.Length}", nameof(pixels));
        var planar = new float[pixels.Length];
        for (int c = 0; c < Channels; c++)
            for (int p = 0; p < plane; p++)
                planar[c * plane + p] = pixels[p * Channels + c];
        return planar;
    }
}
