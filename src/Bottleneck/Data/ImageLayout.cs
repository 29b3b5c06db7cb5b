using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// How a sample is laid out as an image, and the change to and from the channels-first [B, C, H, W] layout that
/// convolutions take (PyTorch's). A sample may be [H, W] (MNIST's [28, 28]: one channel), [H, W, C] with C = 1 or 3
/// (Keras's channels-last, the chapter's (28, 28, 1) and (32, 32, 3)), [C, H, W], or a flat vector whose length is a
/// square (784 → 1×28×28).
/// </summary>
internal sealed class ImageLayout
{
    /// <summary>Reads <paramref name="sampleShape"/>; <paramref name="field"/> names it in the <see cref="BadInputException"/>.</summary>
    public ImageLayout(IReadOnlyList<int> sampleShape, string field)
        : this(sampleShape.Select(d => (long)d).ToArray(), Classify(sampleShape.Select(d => (long)d).ToArray()) ?? throw NotAnImage(sampleShape, field))
    {
    }

    ImageLayout(long[] sampleShape, (int Channels, int Height, int Width, bool ChannelsLast) layout)
    {
        SampleShape = sampleShape;
        (Channels, Height, Width, ChannelsLast) = layout;
    }

    /// <summary>
    /// The layout of samples shaped <paramref name="sampleShape"/>, or null when they are not images. This is the one
    /// rule of what an image is: training, restoration, the image figures and JPEG noise all ask it.
    /// </summary>
    public static ImageLayout? Of(IReadOnlyList<long> sampleShape) =>
        Classify(sampleShape) is { } layout ? new ImageLayout(sampleShape.ToArray(), layout) : null;

    // [H, W] is one channel; [H, W, 1|3] is channels last (Keras); any other [C, H, W] is channels first (PyTorch), so a
    // sample whose last side is 1 or 3 reads as channels last; a flat vector is an image when its length is a square > 1.
    static (int Channels, int Height, int Width, bool ChannelsLast)? Classify(IReadOnlyList<long> shape)
    {
        switch (shape.Count)
        {
            case 1:
                int side = (int)Math.Round(Math.Sqrt(shape[0]));
                return side > 1 && (long)side * side == shape[0] ? (1, side, side, false) : null;
            case 2:
                return (1, (int)shape[0], (int)shape[1], false);
            case 3 when shape[2] is 1 or 3:
                return ((int)shape[2], (int)shape[0], (int)shape[1], true);
            case 3:
                return ((int)shape[0], (int)shape[1], (int)shape[2], false);
            default:
                return null;
        }
    }

    static BadInputException NotAnImage(IReadOnlyList<int> sampleShape, string field) => sampleShape.Count == 1
        ? new BadInputException($"{field}: [{sampleShape[0]}] is not a square image (give the shape as [H, W], [H, W, C] or [C, H, W])")
        : new BadInputException($"{field}: a convolutional model takes images, [H, W], [H, W, C] or [C, H, W], got [{string.Join(", ", sampleShape)}]");

    /// <summary>Shape of one sample as the data holds it.</summary>
    public long[] SampleShape { get; }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>True for [H, W, C] samples, which must be permuted rather than just reshaped.</summary>
    public bool ChannelsLast { get; }

    /// <summary>[C, H, W]: one sample as the convolutions see it.</summary>
    public long[] ChannelsFirst => [Channels, Height, Width];

    /// <summary>True when the data's layout is already [C, H, W], so no change is needed.</summary>
    public bool IsChannelsFirst => SampleShape.SequenceEqual(ChannelsFirst);

    /// <summary>A batch in the data's layout (or flattened) as [B, C, H, W].</summary>
    public Tensor ToChannelsFirst(Tensor batch) => ChannelsLast
        ? batch.reshape(batch.shape[0], Height, Width, Channels).permute(0, 3, 1, 2)
        : batch.reshape(batch.shape[0], Channels, Height, Width);

    /// <summary>A [B, C, H, W] batch back in the data's layout, so it lines up element for element with the data.</summary>
    public Tensor FromChannelsFirst(Tensor batch) => ChannelsLast
        ? batch.permute(0, 2, 3, 1)
        : batch.reshape([batch.shape[0], .. SampleShape]);
}
