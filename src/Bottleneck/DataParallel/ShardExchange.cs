using static TorchSharp.torch;

namespace Bottleneck.DataParallel;

/// <summary>
/// Where the shards of one data-parallel step meet to add up a tensor over the whole batch. Every shard makes the same
/// sequence of <see cref="Sum"/> calls (they run the same layers), so the n-th call of each shard belongs to the n-th
/// sum; the last shard to arrive adds the parts in shard order — (part₀ + part₁) + part₂ … — so the result does not
/// depend on which thread came first, and every shard receives the same values. Waiting is a kernel wait, never a spin.
/// </summary>
internal sealed class ShardExchange : IDisposable
{
    readonly object gate = new();
    readonly List<Slot> slots = [];
    int[] calls = [];
    int count;
    bool aborted;

    sealed class Slot(int count)
    {
        public readonly Tensor?[] Parts = new Tensor?[count];
        public int Arrived;
        public Tensor? Sum;
    }

    /// <summary>Starts a new step with <paramref name="shards"/> shards, forgetting the sums of the last one.</summary>
    public void Reset(int shards)
    {
        lock (gate)
        {
            foreach (var slot in slots) slot.Sum?.Dispose();
            slots.Clear();
            count = shards;
            calls = new int[shards];
            aborted = false;
        }
    }

    /// <summary>
    /// Σ over the shards of each one's <paramref name="part"/> (same shape everywhere), as a tensor of the calling
    /// thread's. Blocks until every shard has given its part. Throws <see cref="ShardExchangeAbortedException"/> when
    /// another shard failed and the step is abandoned.
    /// </summary>
    public Tensor Sum(int shard, Tensor part)
    {
        Tensor sum;
        lock (gate)
        {
            if (aborted) throw new ShardExchangeAbortedException();
            int call = calls[shard]++;
            while (slots.Count <= call) slots.Add(new Slot(count));
            var slot = slots[call];
            slot.Parts[shard] = part;
            if (++slot.Arrived == count)
            {
                // Every other shard is waiting below, so their parts are alive while they are read.
                using (no_grad())
                {
                    var total = slot.Parts[0]!.detach().clone();
                    for (int i = 1; i < count; i++) total.add_(slot.Parts[i]!);
                    slot.Sum = total.DetachFromDisposeScope();
                }
                Array.Clear(slot.Parts);
                Monitor.PulseAll(gate);
            }
            else
                while (slot.Sum is null && !aborted) Monitor.Wait(gate);
            if (slot.Sum is null) throw new ShardExchangeAbortedException();
            sum = slot.Sum;
        }
        // The shared sum lives until the next Reset; each shard takes a copy of its own for its graph.
        return sum.clone();
    }

    /// <summary>Abandons the step: every shard waiting in <see cref="Sum"/>, or arriving later, gets an exception.</summary>
    public void Abort()
    {
        lock (gate)
        {
            aborted = true;
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Frees the last step's sums.</summary>
    public void Dispose() => Reset(0);
}

/// <summary>Another shard of the step failed; the step is abandoned and that shard's error is the one reported.</summary>
internal sealed class ShardExchangeAbortedException() : OperationCanceledException("another worker of this data-parallel step failed");
