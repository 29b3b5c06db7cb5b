using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// Additive Gaussian noise, x̃ = clip(x + σ·ε, 0, 1) with ε ~ N(0, 1) (§3.5; the chapter's add_noise with
/// noise_factor = σ clips to [0, 1], §10.4). σ = 0.5 is §10.4's setting; 0.1-0.3 the recommended range (§3.5).
/// </summary>
internal sealed class GaussianCorruption : Corruption
{
    /// <summary>Noise with standard deviation <paramref name="sigma"/> before clipping.</summary>
    public GaussianCorruption(double sigma)
    {
        if (!(sigma >= 0) || !double.IsFinite(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be a finite value ≥ 0");
        Sigma = sigma;
    }

    /// <summary>σ, the noise's standard deviation before clipping (the chapter's noise_factor).</summary>
    public double Sigma { get; }

    public override string Name => $"gaussian:{Format(Sigma)}";

    public override Tensor Apply(Tensor clean, Generator? generator = null)
    {
        generator = DataParallel.BatchShard.RandomOr(generator);   // a data-parallel worker draws from its own stream
        // x̃ = clip(x + σ·N(0, 1), 0, 1)
        var noise = randn(clean.shape, clean.dtype, clean.device, generator: generator);
        return (clean + noise.mul_(Sigma)).clamp_(0, 1);
    }
}
