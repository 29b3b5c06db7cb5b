using Bottleneck.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models.Conv;

/// <summary>
/// The convolutional halves of the conv VAE and the VQ-VAE: 3×3 convolutions with stride 2 and padding 1, each halving
/// the image side (28 → 14 → 7), and their mirror of 3×3 transposed convolutions with output padding 1, each doubling
/// it: out = (in − 1)·2 − 2·1 + 3 + 1 = 2·in (§3.4's transposed-convolution size formula).
/// </summary>
internal static class StridedConvStack
{
    /// <summary>How much <paramref name="layers"/> stride-2 layers shrink the image side.</summary>
    public static int Reduction(int layers) => 1 << layers;

    /// <summary>Conv(3×3, stride 2) → ReLU for each entry of <paramref name="channels"/>, input side first.</summary>
    public static IEnumerable<nn.Module<Tensor, Tensor>> Down(int inChannels, IReadOnlyList<int> channels)
    {
        foreach (var c in channels)
        {
            yield return Initialised(CheckedConvolution.Conv2d(inChannels, c, 3, 2, (1, 1)), reluNext: true);
            yield return nn.ReLU();
            inChannels = c;
        }
    }

    /// <summary>
    /// The mirror of <see cref="Down"/> for the same <paramref name="channels"/> (given input side first): transposed
    /// convolutions from the last channel count back to <paramref name="outChannels"/>, with a ReLU between them and
    /// none after the last, whose output is the decoder's pre-activation.
    /// </summary>
    public static IEnumerable<nn.Module<Tensor, Tensor>> Up(IReadOnlyList<int> channels, int outChannels)
    {
        for (int i = channels.Count - 1; i >= 0; i--)
        {
            int into = i > 0 ? channels[i - 1] : outChannels;
            yield return Initialised(CheckedConvolution.ConvTranspose2d(channels[i], into, 3, 2, 1, 1), reluNext: i > 0);
            if (i > 0) yield return nn.ReLU();
        }
    }

    /// <summary>A 3×3 convolution that keeps the image size (stride 1, padding 1).</summary>
    public static CheckedConvolution SameConv(int inChannels, int outChannels, int kernel, bool reluNext) =>
        Initialised(CheckedConvolution.Conv2d(inChannels, outChannels, kernel, 1, (kernel / 2, kernel / 2)), reluNext);

    /// <summary>He-normal weights before a ReLU, Glorot-uniform otherwise, zero biases (the rule of §7.9, as for Dense layers).</summary>
    static T Initialised<T>(T layer, bool reluNext) where T : nn.Module<Tensor, Tensor>
    {
        using var noGrad = no_grad();
        var weight = layer.get_parameter("weight");
        if (reluNext) nn.init.kaiming_normal_(weight, mode: nn.init.FanInOut.FanIn, nonlinearity: nn.init.NonlinearityType.ReLU);
        else nn.init.xavier_uniform_(weight);
        nn.init.zeros_(layer.get_parameter("bias"));
        return layer;
    }
}
