namespace Bottleneck.Kernels;

/// <summary>
/// One convolution as a kernel sees it: regular or transposed, channels, square kernel and stride, padding (rows,
/// columns), output padding, the input's height and width, and the intra-op thread count. libtorch picks its kernel
/// from these, so a check made for one shape holds for every call with the same shape (the batch size aside).
/// </summary>
internal sealed record ConvolutionShape(bool Transposed, long InChannels, long OutChannels, long Kernel, long Stride,
    (long Rows, long Columns) Padding, long OutputPadding, long Height, long Width, int Threads)
{
    /// <summary>conv2d or conv_transpose2d, as PyTorch names the functions.</summary>
    public string Op => Transposed ? "conv_transpose2d" : "conv2d";

    /// <summary>The weight's shape: [out, in, k, k] for conv2d, [in, out, k, k] for conv_transpose2d (PyTorch's).</summary>
    public long[] WeightShape => Transposed ? [InChannels, OutChannels, Kernel, Kernel] : [OutChannels, InChannels, Kernel, Kernel];

    /// <summary>"conv_transpose2d 32→1, 4×4 kernel, stride 2, padding 1, on 14×14 inputs".</summary>
    public override string ToString() =>
        $"{Op} {InChannels}→{OutChannels}, {Kernel}×{Kernel} kernel, stride {Stride}, padding " +
        (Padding.Rows == Padding.Columns ? $"{Padding.Rows}" : $"{Padding.Rows}×{Padding.Columns}") +
        (OutputPadding > 0 ? $", output padding {OutputPadding}" : "") + $", on {Height}×{Width} inputs, {Threads} thread{(Threads == 1 ? "" : "s")}";
}
