using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// Salt-and-pepper noise: each value is replaced with probability p, by 0 (pepper) or 1 (salt) with equal chance, and
/// kept otherwise. The chapter only mentions "pixels flipped" (§3.5, §12.4) without defining it; this is the usual
/// image-processing definition, an extension.
/// </summary>
internal sealed class SaltPepperCorruption : Corruption
{
    /// <summary>Salt-and-pepper noise replacing a fraction <paramref name="p"/> in [0, 1] of the values.</summary>
    public SaltPepperCorruption(double p)
    {
        if (!(p is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in [0, 1]");
        P = p;
    }

    /// <summary>p, the probability that a value is replaced (half of them by 0, half by 1).</summary>
    public double P { get; }

    public override string Name => $"salt-pepper:{Format(P)}";

    public override Tensor Apply(Tensor clean, Generator? generator = null)
    {
        generator = DataParallel.BatchShard.RandomOr(generator);   // a data-parallel worker draws from its own stream
        // one uniform draw u per value: u < p/2 → 0 (pepper), p/2 ≤ u < p → 1 (salt), u ≥ p → x
        var u = rand(clean.shape, clean.dtype, clean.device, generator: generator);
        var pepper = u.lt(P / 2);
        var salt = u.lt(P).logical_and_(pepper.logical_not());
        return clean.masked_fill(pepper, 0).masked_fill_(salt, 1);
    }
}
