using static TorchSharp.torch;

namespace Bottleneck.DataParallel;

/// <summary>
/// The part of a batch that one worker computes in a data-parallel training step, as the layers it runs through see
/// it. Layers whose result depends on the whole batch ask <see cref="WholeBatch"/>, which reads the shard of the
/// current thread; random draws (dropout masks, a VAE's ε, fresh noise) come from the shard's own generator, so that a
/// seed and a worker count repeat a run exactly whatever order the threads run in. Outside a data-parallel step
/// <see cref="Current"/> is null and every layer behaves as it always has.
/// </summary>
internal sealed class BatchShard
{
    [ThreadStatic] static BatchShard? current;

    public BatchShard(int index, int count, long samples, long batchSamples, Generator random, ShardExchange exchange)
    {
        (Index, Count, Samples, BatchSamples, Random, Exchange) = (index, count, samples, batchSamples, random, exchange);
    }

    /// <summary>This shard's position, 0 .. <see cref="Count"/> − 1: the order in which sums over shards add it.</summary>
    public int Index { get; }

    /// <summary>How many shards the batch is split into.</summary>
    public int Count { get; }

    /// <summary>Samples in this shard.</summary>
    public long Samples { get; }

    /// <summary>Samples in the whole batch, every shard's together.</summary>
    public long BatchSamples { get; }

    /// <summary>The generator this shard's random draws come from.</summary>
    public Generator Random { get; }

    /// <summary>Where the shards of one step meet to add up whole-batch sums.</summary>
    public ShardExchange Exchange { get; }

    /// <summary>The shard the current thread is computing, or null outside a data-parallel step.</summary>
    public static BatchShard? Current => current;

    /// <summary>Makes <paramref name="shard"/> the current thread's shard until the result is disposed.</summary>
    public static IDisposable Enter(BatchShard shard)
    {
        var previous = current;
        current = shard;
        return new Leave(previous);
    }

    /// <summary>
    /// The generator a random draw should use: <paramref name="given"/> when the caller chose one, else the current
    /// shard's, else null (torch's global generator, as outside data-parallel training).
    /// </summary>
    public static Generator? RandomOr(Generator? given) => given ?? current?.Random;

    sealed class Leave(BatchShard? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}
