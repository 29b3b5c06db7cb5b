using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Kernels;

/// <summary>
/// A Conv2d or ConvTranspose2d (same parameters, same names, same arithmetic as PyTorch's) whose float32 forward and
/// backward run through a path that <see cref="KernelGuard"/> has checked against float64 on this CPU. The first call
/// with a new input size runs the check (milliseconds); later calls reuse the decision. The preferred path follows the
/// weight's layout: channels last when <see cref="ChannelsLast.Apply"/> laid it out so, PyTorch's default otherwise.
/// Float64 inputs (references in tests) run libtorch's float64 kernels directly.
/// </summary>
internal sealed class CheckedConvolution : Convolution
{
    // The last decision, replaced whole (one reference write), so concurrent calls never pair one shape with another's path.
    sealed record Cached((long H, long W, int Threads, int Generation, bool ChannelsLastWeight) Key, ConvolutionShape Shape, ConvolutionPath Path);
    Cached? cached;

    CheckedConvolution(bool transposed, long inChannels, long outChannels, long kernel, long stride, (long Rows, long Columns) padding, long outputPadding)
        : base(transposed ? "ConvTranspose2d" : "Conv2d", inChannels, outChannels, [kernel, kernel], [stride, stride],
            [padding.Rows, padding.Columns], null, [1, 1], transposed, [outputPadding, outputPadding], 1, true, PaddingModes.Zeros, null, null)
    {
    }

    /// <summary>Conv2d(in, out, k×k, stride, padding): weight [out, in, k, k].</summary>
    public static CheckedConvolution Conv2d(long inChannels, long outChannels, long kernel, long stride, (long Rows, long Columns) padding) =>
        new(false, inChannels, outChannels, kernel, stride, padding, 0);

    /// <summary>ConvTranspose2d(in, out, k×k, stride, padding, output_padding): weight [in, out, k, k].</summary>
    public static CheckedConvolution ConvTranspose2d(long inChannels, long outChannels, long kernel, long stride, long padding, long outputPadding) =>
        new(true, inChannels, outChannels, kernel, stride, (padding, padding), outputPadding);

    public override Tensor forward(Tensor input)
    {
        if (input.dtype != ScalarType.Float32) return ConvolutionPaths.Direct(ShapeFor(input), input, weight!, bias);
        bool channelsLastWeight = ChannelsLast.IsChannelsLast(weight!);
        var key = (input.shape[2], input.shape[3], get_num_threads(), KernelGuard.Generation, channelsLastWeight);
        var decision = cached;
        if (decision is null || decision.Key != key)
        {
            var shape = LastShape = ShapeFor(input);
            var preferred = channelsLastWeight ? ConvolutionPath.ChannelsLast : ConvolutionPath.Standard;
            cached = decision = new Cached(key, shape, KernelGuard.Choose(shape, preferred).Chosen);
        }
        return ConvolutionPaths.Run(decision.Path, decision.Shape, input, weight!, bias);
    }

    /// <summary>The path this layer used for its last float32 input (null before its first call).</summary>
    public ConvolutionPath? PathInUse => cached?.Path;

    /// <summary>The shape of its last float32 input, as the kernel check saw it (null before its first call).</summary>
    public ConvolutionShape? LastShape { get; private set; }

    ConvolutionShape ShapeFor(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != in_channels)
            throw new ArgumentException($"{(transposed ? "ConvTranspose2d" : "Conv2d")} expects [batch, {in_channels}, height, width], got [{string.Join(", ", input.shape)}]");
        return new ConvolutionShape(transposed, in_channels, out_channels, kernel_size[0], stride[0], (padding![0], padding[1]),
            transposed ? output_padding![0] : 0, input.shape[2], input.shape[3], get_num_threads());
    }
}
