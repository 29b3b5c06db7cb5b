namespace Bottleneck.Kernels;

/// <summary>
/// The ways a float32 convolution can be computed. They are the same function; they run different libtorch kernels,
/// and on some CPUs some of those kernels give wrong numbers (<see cref="KernelGuard"/> picks one that is right).
/// </summary>
internal enum ConvolutionPath
{
    /// <summary>Weights (and so activations) in NHWC memory order: oneDNN's channels-last kernels. The fastest here.</summary>
    ChannelsLast,

    /// <summary>PyTorch's default NCHW memory order.</summary>
    Standard,

    /// <summary>
    /// A transposed convolution computed as a regular stride-1 convolution over the input with S − 1 zeros between its
    /// pixels and K − 1 − P zeros around it, with the kernel flipped and its channel axes swapped (the definition of
    /// the transposed convolution as a convolution, §3.4). Only for transposed convolutions.
    /// </summary>
    ZeroStuffed,

    /// <summary>The layer computed in float64 and rounded back to float32: slow, and right wherever float64 is.</summary>
    Float64,
}

/// <summary>Names of <see cref="ConvolutionPath"/> as they appear in reports and in <c>BOTTLENECK_SIMULATE_WRONG_KERNELS</c>.</summary>
internal static class ConvolutionPathNames
{
    /// <summary>channels_last, standard, zero_stuffed or float64.</summary>
    public static string Name(this ConvolutionPath path) => path switch
    {
        ConvolutionPath.ChannelsLast => "channels_last",
        ConvolutionPath.Standard => "standard",
        ConvolutionPath.ZeroStuffed => "zero_stuffed",
        _ => "float64",
    };

    /// <summary>The path called <paramref name="name"/>, or null.</summary>
    public static ConvolutionPath? Parse(string name) =>
        Enum.GetValues<ConvolutionPath>().Select(p => (ConvolutionPath?)p).FirstOrDefault(p => p!.Value.Name() == name);
}
