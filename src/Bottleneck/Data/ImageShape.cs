namespace Bottleneck.Data;

/// <summary>How a sample is laid out as a picture: width, height and channels (1 = grey, 3 = colour, channels last).</summary>
public readonly record struct ImageShape(int Width, int Height, int Channels)
{
    /// <summary>
    /// The picture shape of a sample, or null when it is not an image: [h, w], [h, w, 1|3], [1|3, h, w], or a flat
    /// vector whose length is a perfect square (784 → 28×28).
    /// </summary>
    public static ImageShape? Of(IReadOnlyList<long> sampleShape)
    {
        switch (sampleShape.Count)
        {
            case 1:
                var side = (int)Math.Round(Math.Sqrt(sampleShape[0]));
                return side > 1 && side * side == sampleShape[0] ? new ImageShape(side, side, 1) : null;
            case 2:
                return new ImageShape((int)sampleShape[1], (int)sampleShape[0], 1);
            case 3 when sampleShape[2] is 1 or 3:
                return new ImageShape((int)sampleShape[1], (int)sampleShape[0], (int)sampleShape[2]);
            case 3 when sampleShape[0] is 1:
                return new ImageShape((int)sampleShape[2], (int)sampleShape[1], 1);
            default:
                return null;
        }
    }
}
