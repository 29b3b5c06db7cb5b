using static TorchSharp.torch;

namespace Bottleneck.Objectives;

/// <summary>
/// The L2 weight penalty of chapter §3.3.2 as Keras's <c>kernel_regularizer=l2(λ)</c> computes it: λ·ΣW² over a layer's
/// kernel only (biases are not penalised), summed over the layers that carry one. Its gradient is the chapter's 2λW.
/// </summary>
internal static class KernelL2Penalty
{
    /// <summary>Σ_l λ_l·Σ W_l² over the given kernels; layers with λ = 0 add nothing.</summary>
    public static Tensor Of(IEnumerable<(Tensor Kernel, double Lambda)> kernels)
    {
        Tensor? total = null;
        foreach (var (kernel, lambda) in kernels)
        {
            if (lambda == 0) continue;
            // λ‖W‖²_F  (§3.3.2: λ(‖W_e‖² + ‖W_d‖²))
            var term = kernel.square().sum() * lambda;
            total = total is null ? term : total + term;
        }
        return total ?? throw new ArgumentException("no kernel has a positive λ", nameof(kernels));
    }
}
