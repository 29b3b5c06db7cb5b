using Bottleneck.DataParallel;
using static TorchSharp.torch;

namespace Bottleneck.Models;

/// <summary>
/// Dropout (Srivastava et al. 2014): in training, each value is zeroed with probability p and the others are scaled by
/// 1/(1 − p). Outside data-parallel training it is libtorch's dropout, drawing from torch's global generator as
/// <c>nn.Dropout</c> does. Inside a data-parallel step each worker draws its masks from its own generator
/// (<see cref="BatchShard"/>): the global generator, shared by every thread, would hand out its numbers in whatever
/// order the threads asked, and a seed would no longer repeat a run.
/// </summary>
public sealed class ReproducibleDropout : nn.Module<Tensor, Tensor>
{
    /// <summary>Dropout with probability <paramref name="p"/> of zeroing a value.</summary>
    public ReproducibleDropout(double p) : base("Dropout")
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "expected a dropout rate in [0, 1)");
        this.p = p;
    }

    /// <summary>The probability of zeroing a value.</summary>
    public double p { get; }

    public override Tensor forward(Tensor input)
    {
        // A fresh handle, as every module returns: Sequential disposes each layer's input once the next layer has run.
        if (!training || p == 0) return input.alias();
        if (BatchShard.Current is not { } shard) return nn.functional.dropout(input, p, training: true);
        // y = x ⊙ m / (1 − p),  m_i ~ Bernoulli(1 − p)
        var keep = empty_like(input).bernoulli_(1 - p, generator: shard.Random);
        return input * keep.div_(1 - p);
    }
}
