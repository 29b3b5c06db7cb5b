using Bottleneck.Models;
using TorchSharp.Modules;

namespace Bottleneck.Bench;

/// <summary>
/// Floating-point operations to train on one sample: a Dense layer's forward pass costs 2·in·out multiply-adds, and
/// its backward pass twice that (gradients of the input and of the weights), so 6·in·out in all.
/// </summary>
public static class TrainingFlops
{
    public static double PerSample(Autoencoder model) =>
        model.Layers().Select(l => l.Layer).OfType<Linear>().Sum(l => 6.0 * l.in_features * l.out_features);
}
