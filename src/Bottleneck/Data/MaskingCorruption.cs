using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// Masking noise: each value is set to 0 with probability q and kept otherwise, P(x̃ = 0 | x) = q, P(x̃ = x | x) = 1 − q
/// (§3.5; the chapter's code keeps a value where binomial(1, 1 − q) = 1, default q = 0.3, §3.5).
/// </summary>
internal sealed class MaskingCorruption : Corruption
{
    /// <summary>Masking with drop probability <paramref name="q"/> in [0, 1].</summary>
    public MaskingCorruption(double q)
    {
        if (!(q is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be in [0, 1]");
        Q = q;
    }

    /// <summary>q, the probability that a value is zeroed.</summary>
    public double Q { get; }

    public override string Name => $"mask:{Format(Q)}";

    public override Tensor Apply(Tensor clean, Generator? generator = null)
    {
        generator = DataParallel.BatchShard.RandomOr(generator);   // a data-parallel worker draws from its own stream
        // x̃ = x ⊙ m, m_j ~ Bernoulli(1 − q): u ~ U[0, 1) keeps the value when u ≥ q, which happens with probability 1 − q
        var keep = rand(clean.shape, clean.dtype, clean.device, generator: generator).ge_(Q);
        return clean * keep;
    }
}
