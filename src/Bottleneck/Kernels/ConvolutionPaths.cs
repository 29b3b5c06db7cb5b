using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Kernels;

/// <summary>
/// Computes one convolution through a chosen <see cref="ConvolutionPath"/>. Every path is differentiable by autograd,
/// so the backward pass (input and weight gradients) runs the same path's kernels. Simulated faults
/// (<see cref="SimulatedKernelFaults"/>) are applied here, so a path that is declared wrong is wrong everywhere it runs,
/// in the check and in training alike, as a wrong kernel would be.
/// </summary>
internal static class ConvolutionPaths
{
    public static Tensor Run(ConvolutionPath path, ConvolutionShape shape, Tensor input, Tensor weight, Tensor? bias)
    {
        var faults = SimulatedKernelFaults.Current.For(shape.Op, path);
        if (faults.HasFlag(KernelParts.InputGradient)) input = ScaleGradient(input);
        if (faults.HasFlag(KernelParts.WeightGradient)) weight = ScaleGradient(weight);
        var output = path switch
        {
            ConvolutionPath.ChannelsLast => Direct(shape, input, ChannelsLast.Relayout(weight), bias),
            ConvolutionPath.Standard => Direct(shape, ChannelsLast.Standard(input), ChannelsLast.Standard(weight), bias),
            ConvolutionPath.ZeroStuffed when shape.Transposed => ZeroStuffed(shape, input, weight, bias),
            ConvolutionPath.ZeroStuffed => throw new ArgumentException("the zero-stuffed path is for transposed convolutions only", nameof(path)),
            _ => Direct(shape, input.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64),
                bias?.to_type(ScalarType.Float64)).to_type(input.dtype),
        };
        // A wrong forward kernel: half the output again (the measured wrong kernels were off by 20-100 %).
        return faults.HasFlag(KernelParts.Forward) ? output + 0.5 * output.detach() : output;
    }

    /// <summary>libtorch's own conv2d or conv_transpose2d, in whatever layout the tensors are in.</summary>
    public static Tensor Direct(ConvolutionShape shape, Tensor input, Tensor weight, Tensor? bias) => shape.Transposed
        ? nn.functional.conv_transpose2d(input, weight, bias, strides: [shape.Stride, shape.Stride],
            padding: [shape.Padding.Rows, shape.Padding.Columns], output_padding: [shape.OutputPadding, shape.OutputPadding])
        : nn.functional.conv2d(input, weight, bias, strides: [shape.Stride, shape.Stride],
            padding: [shape.Padding.Rows, shape.Padding.Columns]);

    // convᵀ(x; W, S, P, OP) = conv(pad(stuff_S(x), K−1−P before, K−1−P+OP after); flip(W)ᵀ, stride 1): the transposed
    // convolution spreads each input pixel over a K×K patch, which is what a stride-1 convolution with the flipped
    // kernel does over an input with S−1 zeros between pixels. Output side (I−1)·S + 1 + 2(K−1−P) + OP − K + 1
    // = (I−1)·S − 2P + K + OP, the transposed convolution's.
    static Tensor ZeroStuffed(ConvolutionShape shape, Tensor input, Tensor weight, Tensor? bias)
    {
        long s = shape.Stride, k = shape.Kernel;
        var stuffed = Stuff(Stuff(input, 2, s), 3, s);
        long top = k - 1 - shape.Padding.Rows, left = k - 1 - shape.Padding.Columns;
        // Negative amounts crop: a padding larger than K − 1 removes rows instead of adding them.
        var padded = nn.functional.pad(stuffed, [left, left + shape.OutputPadding, top, top + shape.OutputPadding]);
        var flipped = ChannelsLast.Relayout(weight.transpose(0, 1).flip(2, 3));
        return nn.functional.conv2d(padded, flipped, bias);
    }

    // S − 1 zeros after every element along `dim` except the last: size I becomes (I − 1)·S + 1. Built from cat and
    // reshape, so autograd carries the gradient back to exactly the elements that were kept.
    static Tensor Stuff(Tensor x, int dim, long s)
    {
        if (s == 1) return x;
        var n = x.shape[dim];
        var spread = x.unsqueeze(dim + 1);
        var zerosShape = spread.shape.ToArray();
        zerosShape[dim + 1] = s - 1;
        var interleaved = cat([spread, zeros(zerosShape, x.dtype, x.device)], dim + 1);
        var merged = x.shape.ToArray();
        merged[dim] = n * s;
        return interleaved.reshape(merged).narrow(dim, 0, (n - 1) * s + 1);
    }

    // Forward unchanged, gradient scaled by 1.5: x + 0.5·(x − x.detach()) has the value x and the derivative 1.5.
    static Tensor ScaleGradient(Tensor x) => x.requires_grad ? x + 0.5 * (x - x.detach()) : x;
}
