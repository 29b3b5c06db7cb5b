using Bottleneck.Data;
using Bottleneck.DataParallel;
using Bottleneck.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Training;

/// <summary>
/// The training step of §2.5 — forward, loss, backpropagation, one update — with each batch split across workers, one
/// core each. Worker k takes the k-th contiguous slice of the batch (sizes differ by one at most), runs the forward
/// and backward pass through the model's own weights on its own thread with one intra-op thread, and computes the
/// gradients of its share of the batch loss, n_k/n times its slice's mean. The gradients are added in worker order
/// (g₀ + g₁) + g₂ …, so the sum is the full batch's gradient up to the order of float additions, and that order is
/// fixed: a seed and a worker count repeat a run bit for bit. The optimiser then steps once, as for the full batch.
/// Layers that need the whole batch (BatchNorm's statistics, the KL sparsity target ρ̂) add up over the workers
/// (<see cref="WholeBatch"/>); each worker draws dropout masks, a VAE's ε and fresh noise from its own generator,
/// seeded by (seed, epoch, worker). Gradients come from <c>torch.autograd.grad</c>, which returns them instead of
/// accumulating them into the shared parameters' <c>.grad</c>, where concurrent workers would add in any order.
/// (TorchSharp does not turn a libtorch error inside autograd.grad into an exception: an error in the backward pass,
/// which the layers here do not raise, would end the process; a forward-pass error is reported as usual.)
/// </summary>
internal sealed class DataParallelStep : IDisposable
{
    readonly Autoencoder model;
    readonly Tensor[] parameters;
    readonly WorkerCrew crew;
    readonly Generator[] streams;
    readonly ShardExchange exchange = new();
    readonly ShardResult?[] results;

    // What one worker hands back: its gradients (null where its loss does not reach a parameter) and its share of the loss.
    sealed record ShardResult(Tensor?[] Gradients, Tensor Total, IReadOnlyList<(string Name, Tensor Value)> Parts);

    /// <summary>A step for <paramref name="model"/> over <paramref name="workers"/> workers (check <see cref="Obstacle"/> first).</summary>
    public DataParallelStep(Autoencoder model, int workers)
    {
        if (Obstacle(model) is { } obstacle) throw new ArgumentException(obstacle, nameof(model));
        this.model = model;
        parameters = model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray();
        streams = Enumerable.Range(0, workers).Select(_ => new Generator(0)).ToArray();
        // libtorch's thread count is process-wide, but OpenMP and MKL read it per thread: each worker sets it on its own.
        crew = new WorkerCrew(workers, _ => set_num_threads(1));
        results = new ShardResult?[workers];
    }

    /// <summary>The number of workers.</summary>
    public int Workers => crew.Count;

    /// <summary>
    /// Why <paramref name="model"/> cannot be trained data-parallel, or null when it can: a layer whose training
    /// behaviour depends on the batch in a way the workers cannot share.
    /// </summary>
    public static string? Obstacle(Autoencoder model)
    {
        foreach (var (name, module) in model.named_modules())
            switch (module)
            {
                case VectorQuantizer:
                    return $"{name}: the VQ-VAE's codebook counts code usage and revives dead codes from the whole batch in one place";
                case BatchNorm and not WholeBatchNorm:
                    return $"{name}: this BatchNorm would normalise each worker's part of the batch on its own ({module.GetType().Name})";
                case Dropout:
                    return $"{name}: libtorch's Dropout draws from the one global generator, in whatever order the workers ask";
            }
        if (!model.parameters().Any(p => p.requires_grad)) return "the model has no trainable parameters";
        return null;
    }

    /// <summary>Seeds worker k's generator with <paramref name="seedOf"/>(k) for the coming epoch.</summary>
    public void StartEpoch(Func<int, long> seedOf)
    {
        for (int k = 0; k < streams.Length; k++) streams[k].manual_seed(seedOf(k));
    }

    /// <summary>
    /// One step on the samples of <paramref name="train"/> at <paramref name="indices"/>: the gradients of the batch
    /// loss are set on the parameters and <paramref name="optimizer"/> steps. Returns the batch loss and its named
    /// parts (means over the whole batch, detached, in the caller's dispose scope).
    /// </summary>
    public (Tensor Total, Dictionary<string, Tensor> Parts) Run(Dataset train, Tensor indices, TrainingOptions options, optim.Optimizer optimizer)
    {
        var loss = Backward(train, indices, options);
        optimizer.step();
        return loss;
    }

    /// <summary>
    /// The forward and backward pass of one step without the update: each trainable parameter's <c>.grad</c> is set to
    /// the gradient of the batch loss (left as it was where no worker's loss reaches it). Returns what <see cref="Run"/> does.
    /// </summary>
    public (Tensor Total, Dictionary<string, Tensor> Parts) Backward(Dataset train, Tensor indices, TrainingOptions options)
    {
        long n = indices.shape[0];
        int shards = (int)Math.Min(crew.Count, n);
        exchange.Reset(shards);
        Array.Clear(results);
        try
        {
            crew.Run(k =>
            {
                if (k < shards) results[k] = RunShard(k, shards, train, indices, options);
            });
            return Reduce(shards);
        }
        finally
        {
            foreach (var result in results)
            {
                if (result is null) continue;
                foreach (var g in result.Gradients) g?.Dispose();
                result.Total.Dispose();
                foreach (var (_, value) in result.Parts) value.Dispose();
            }
            Array.Clear(results);
        }
    }

    ShardResult RunShard(int k, int shards, Dataset train, Tensor indices, TrainingOptions options)
    {
        long n = indices.shape[0], start = k * n / shards, end = (k + 1) * n / shards;
        using var current = BatchShard.Enter(new BatchShard(k, shards, end - start, n, streams[k], exchange));
        using var scope = NewDisposeScope();
        try
        {
            var slice = indices.narrow(0, start, end - start);
            var clean = train.Batch(slice);
            // A fixed corrupted copy paired with the data wins; otherwise the slice is corrupted afresh (§3.5).
            var input = train.Inputs?.Batch(slice) ?? (options.Corrupt is null ? clean : options.Corrupt(clean));
            var terms = model.Loss(input, clean, options.Loss);
            // The batch loss is the mean over its n samples: L = Σ_k (n_k/n)·L_k, with L_k the mean over slice k.
            double share = (end - start) / (double)n;
            var gradients = autograd.grad([terms.Total * share], parameters, allow_unused: true);
            using var noGrad = no_grad();
            return new ShardResult(
                gradients.Select(g => g is null || g.IsInvalid ? null : g.DetachFromDisposeScope()).ToArray(),
                (terms.Total.detach() * share).DetachFromDisposeScope(),
                terms.Parts.Select(p => (p.Key, (p.Value.detach() * share).DetachFromDisposeScope())).ToList());
        }
        catch
        {
            // The other workers may be waiting for this one's part of a whole-batch sum: release them.
            exchange.Abort();
            throw;
        }
    }

    (Tensor Total, Dictionary<string, Tensor> Parts) Reduce(int shards)
    {
        using (no_grad())
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                // ∇L = Σ_k ∇(n_k/n · L_k), added in worker order.
                // The first worker's gradient tensor is ours (autograd.grad made it), so the others are added into it.
                Tensor? sum = null;
                for (int k = 0; k < shards; k++)
                    if (results[k]!.Gradients[i] is { } g)
                        sum = sum is null ? g : sum.add_(g);
                // The parameter holds its own reference: disposing our handle afterwards leaves its .grad alive.
                if (sum is not null) parameters[i].grad = sum;
            }
        }
        using var add = no_grad();
        var total = results[0]!.Total.clone();
        var parts = results[0]!.Parts.ToDictionary(p => p.Name, p => p.Value.clone());
        for (int k = 1; k < shards; k++)
        {
            total.add_(results[k]!.Total);
            foreach (var (name, value) in results[k]!.Parts) parts[name].add_(value);
        }
        return (total, parts);
    }

    /// <summary>Stops the workers and frees their generators.</summary>
    public void Dispose()
    {
        crew.Dispose();
        exchange.Dispose();
        foreach (var stream in streams) stream.Dispose();
    }
}
