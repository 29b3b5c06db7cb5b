using Bottleneck.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>
/// Floating-point operations to train on one sample, counted over the layers that do the arithmetic: a forward pass
/// costs 2 flops per multiply-add and the backward pass twice the forward (the gradients of the input and of the
/// weights), so 3 × 2 × multiply-adds in all. Multiply-adds per sample: a Dense layer in·out; a convolution
/// weights × output pixels (each output pixel of each filter uses all of one filter's weights); a transposed
/// convolution weights × input pixels (each input pixel scatters through every weight). Activations, pooling and the
/// loss are left out: they are memory-bound and small beside these. The shapes come from running one sample through
/// the model's layers, as <see cref="ModelSummary"/> does.
/// </summary>
internal static class TrainingFlops
{
    public static double PerSample(Autoencoder model)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        model.eval();
        var x = zeros([1, .. model.InputShape]);
        double multiplyAdds = 0;
        foreach (var (_, layer, _) in model.Layers())
        {
            var input = x;
            x = layer.forward(x);
            foreach (var module in layer.modules().Prepend(layer))
                multiplyAdds += module switch
                {
                    Linear linear => linear.in_features * linear.out_features,
                    Convolution { transposed: false } conv => conv.weight!.numel() * x.shape[^2] * x.shape[^1],
                    Convolution deconv => deconv.weight!.numel() * input.shape[^2] * input.shape[^1],
                    _ => 0,
                };
        }
        model.train();
        return 6.0 * multiplyAdds;
    }
}
