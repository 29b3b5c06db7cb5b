using Bottleneck.DataParallel;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models;

/// <summary>
/// BatchNorm over [batch, features] (or [batch, features, length]) whose training statistics are those of the whole
/// batch even when a data-parallel step splits the batch across workers: μ_B and σ²_B add up every worker's samples
/// (<see cref="WholeBatch"/>), and the gradient flows back through them to every sample, as one BatchNorm over the
/// full batch would (Ioffe and Szegedy 2015; PyTorch's SyncBatchNorm does the same across processes). Outside such a
/// step it is libtorch's batch_norm, exactly as <c>nn.BatchNorm1d</c>. Same parameters, buffers and names as
/// BatchNorm1d: weight, bias, running_mean, running_var, num_batches_tracked.
/// </summary>
internal sealed class WholeBatchNorm : BatchNorm
{
    /// <summary>BatchNorm over <paramref name="features"/> features with ε = <paramref name="eps"/> and torch's momentum convention.</summary>
    public WholeBatchNorm(long features, double eps = 1e-5, double momentum = 0.1)
        : base(features, eps, momentum, affine: true, track_running_stats: true, device: null, dtype: null, name: "BatchNorm1d")
    {
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 2 && input.ndim != 3)
            throw new ArgumentException($"expected 2D or 3D input, but got {input.ndim}D input.");
    }

    public override Tensor forward(Tensor input)
    {
        if (!training || BatchShard.Current is not { Count: > 1 } shard) return base.forward(input);
        ValidateInputDimensions(input);
        long[] reduced = input.ndim == 2 ? [0] : [0, 2];
        Tensor PerFeature(Tensor v) => input.ndim == 2 ? v : v.unsqueeze(-1);
        // μ_B = (1/m) Σ_i x_i,  σ²_B = (1/m) Σ_i (x_i − μ_B)²  over all m values of a feature in the whole batch
        var mean = WholeBatch.Mean(input, reduced);
        var centred = input - PerFeature(mean);
        var variance = WholeBatch.Mean(centred.square(), reduced);
        // y = γ (x − μ_B) / √(σ²_B + ε) + β
        var output = centred * PerFeature((variance + eps).rsqrt() * weight) + PerFeature(bias!);
        // Every shard holds the same statistics; the first one moves the running averages, which all shards share.
        if (shard.Index == 0)
            using (no_grad())
            {
                long m = shard.BatchSamples * (input.ndim == 2 ? 1 : input.shape[2]);
                double factor = momentum ?? 0.1;
                // running ← (1 − momentum)·running + momentum·batch value, with the unbiased variance σ²_B·m/(m − 1), as torch
                running_mean!.mul_(1 - factor).add_(mean.detach(), alpha: factor);
                running_var!.mul_(1 - factor).add_(variance.detach() * (m / (double)Math.Max(m - 1, 1)), alpha: factor);
                num_batches_tracked!.add_(1);
            }
        return output;
    }
}
