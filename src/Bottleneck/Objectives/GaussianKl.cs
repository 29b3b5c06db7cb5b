using static TorchSharp.torch;

namespace Bottleneck.Objectives;

/// <summary>
/// The VAE's regulariser: KL(q(z|x) ‖ p(z)) between a diagonal Gaussian posterior N(μ, σ²I) and the standard normal
/// prior, in closed form (chapter §13.1), in nats.
/// </summary>
internal static class GaussianKl
{
    /// <summary>KL per sample, [B], from μ and log σ² of shape [B, k]: summed over the k latent dimensions.</summary>
    public static Tensor PerSample(Tensor mu, Tensor logVar)
    {
        // KL = ½ Σ_j (σ_j² + μ_j² − 1 − log σ_j²)   (§13.1; the Keras code's −½ Σ(1 + log σ² − μ² − σ²), §13.1)
        return 0.5 * (logVar.exp() + mu.square() - 1 - logVar).sum([1]);
    }
}
