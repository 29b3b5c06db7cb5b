using static TorchSharp.torch;

namespace Bottleneck.Objectives;

/// <summary>
/// The L1 sparsity penalty of chapter §3.3.4: λ·Σ_j|h_j| summed over the code units of a sample and averaged over
/// the batch, as Keras 1's <c>activity_l1</c> did (the regulariser of the Keras blog's sparse autoencoder).
/// </summary>
internal static class ActivityL1Penalty
{
    /// <summary>λ · mean over the batch of Σ_j |h_j|, for a code batch [B, ...].</summary>
    public static Tensor Of(Tensor code, double lambda) =>
        // λ Σ_j |h_j|  (§3.3.4), averaged over the B samples so λ does not depend on the batch size
        code.abs().reshape(code.shape[0], -1).sum(1).mean() * lambda;
}
