using static TorchSharp.torch;
using Bottleneck.Kernels;

namespace Bottleneck.Data;

/// <summary>
/// How a sample is laid out as an image, and the change to and from the channels-first [B, C, H, W] layout that
/// convolutions take (PyTorch's). A sample may be [H, W] (MNIST's [28, 28]: one channel), [H, W, C] with C = 1 or 3
/// (Keras's channels-last, the chapter's (28, 28, 1) and (32, 32, 3)), [C, H, W], or a flat vector whose length is a
/// square (784 → 1×28×28).
/// </summary>
public sealed class ImageLayout
{
    /// <summary>Reads <paramref name="sampleShape"/>; <paramref name="field"/> names it in the <see cref="BadInputException"/>.</summary>
    public ImageLayout(IReadOnlyList<int> sampleShape, string field)
    {
        SampleShape = sampleShape.Select(d => (long)d).ToArray();
        switch (sampleShape.Count)
        {
            case 1:
                int side = (int)Math.Round(Math.Sqrt(sampleShape[0]));
                if (side * side != sampleShape[0])
                    throw new BadInputException($"{field}: [{sampleShape[0]}] is not a square image (give the shape as [H, W], [H, W, C] or [C, H, W])");
                (Channels, Height, Width) = (1, side, side);
                break;
            case 2:
                (Channels, Height, Width) = (1, sampleShape[0], sampleShape[1]);
                break;
            case 3 when sampleShape[2] is 1 or 3:
                (Height, Width, Channels, ChannelsLast) = (sampleShape[0], sampleShape[1], sampleShape[2], true);
                break;
            case 3:
                (Channels, Height, Width) = (sampleShape[0], sampleShape[1], sampleShape[2]);
                break;
            default:
                throw new BadInputException($"{field}: a convolutional model takes images, [H, W], [H, W, C] or [C, H, W], got [{string.Join(", ", sampleShape)}]");
        }
    }

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
