using static TorchSharp.torch;

namespace Bottleneck.Objectives;

/// <summary>
/// The KL sparsity penalty of chapter §3.3.4: β·Σ_j KL(ρ‖ρ̂_j), where ρ̂_j is unit j's mean activation over the batch
/// and ρ the target (0.05 in the chapter). It is smallest (zero) when every unit is active a fraction ρ of the time.
/// </summary>
internal static class KlSparsityPenalty
{
    /// <summary>ρ̂ is clamped this far inside (0, 1) so a saturated unit gives a large but finite penalty.</summary>
    public const double Clamp = 1e-6;

    /// <summary>β·Σ_j KL(ρ‖ρ̂_j) for a sigmoid code batch [B, ...] with values in (0, 1).</summary>
    public static Tensor Of(Tensor code, double rho, double beta)
    {
        // ρ̂_j = (1/m) Σ_i h_j^(i)  (§3.3.4), over the whole batch even when data-parallel workers each hold a part of it
        var rhoHat = DataParallel.WholeBatch.Mean(code.reshape(code.shape[0], -1), [0]).clamp(Clamp, 1 - Clamp);
        // KL(ρ‖ρ̂) = ρ log(ρ/ρ̂) + (1−ρ) log((1−ρ)/(1−ρ̂))  (§3.3.4)
        var kl = (Math.Log(rho) - rhoHat.log()) * rho + (Math.Log(1 - rho) - (1 - rhoHat).log()) * (1 - rho);
        return kl.sum() * beta;
    }
}
