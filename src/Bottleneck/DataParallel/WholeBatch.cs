using static TorchSharp.torch;

namespace Bottleneck.DataParallel;

/// <summary>
/// Statistics over the whole batch for layers and losses that depend on it (BatchNorm's μ_B and σ²_B, the KL sparsity
/// penalty's ρ̂): inside a data-parallel step they add up every shard's samples through <see cref="ShardSum"/>, so each
/// shard sees, and backpropagates through, exactly the full batch's value; outside one they are plain means.
/// </summary>
internal static class WholeBatch
{
    /// <summary>
    /// The mean of <paramref name="x"/> over <paramref name="dimensions"/> (which include the batch axis 0) and over
    /// every shard of the batch: Σ_shards Σ_local x / (samples in the batch × elements per sample along the other
    /// reduced axes).
    /// </summary>
    public static Tensor Mean(Tensor x, long[] dimensions)
    {
        if (!dimensions.Contains(0)) throw new ArgumentException("a whole-batch mean reduces the batch axis 0", nameof(dimensions));
        if (BatchShard.Current is not { Count: > 1 } shard) return x.mean(dimensions);
        long perSample = dimensions.Where(d => d != 0).Aggregate(1L, (product, d) => product * x.shape[d]);
        return ShardSum.Of(x.sum(dimensions), shard) / (double)(shard.BatchSamples * perSample);
    }

    /// <summary>Samples in the whole batch: the shard's batch inside a data-parallel step, else <paramref name="x"/>'s first axis.</summary>
    public static long Samples(Tensor x) => BatchShard.Current is { Count: > 1 } shard ? shard.BatchSamples : x.shape[0];
}
