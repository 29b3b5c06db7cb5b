using System.Runtime.ExceptionServices;
using Bottleneck.Data;
using Bottleneck.DataParallel;
using Bottleneck.Models;
using Bottleneck.Models.Vq;
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
/// fixed: a seed and a worker count repeat a run bit for bit. Then the workers add up and update disjoint sets of
/// parameters at once (Adam's fused update, <see cref="FusedAdam"/>), or add up the gradients and the optimiser
/// steps once, as for the full batch. Layers that need the whole batch (BatchNorm's statistics, the KL sparsity
/// target ρ̂) add up over the workers (<see cref="WholeBatch"/>); each worker draws dropout masks, a VAE's ε and fresh
/// noise from its own generator, seeded by (seed, epoch, worker). Gradients come from <c>torch.autograd.grad</c>,
/// which returns them instead of accumulating them into the shared parameters' <c>.grad</c>, where concurrent
/// workers would add in any order. (TorchSharp does not turn a libtorch error inside autograd.grad into an
/// exception: an error in the backward pass, which the layers here do not raise, would end the process; a
/// forward-pass error is reported as usual.)
/// </summary>
internal sealed class DataParallelStep : IDisposable
{
    readonly Autoencoder model;
    readonly Parameter[] parameters;        // the trainable ones, in the model's order
    readonly int[][] owned;                 // owned[k]: the parameters worker k adds up and updates
    readonly WorkerCrew crew;
    readonly Generator[] streams;
    readonly ShardExchange exchange = new();
    readonly ShardResult?[] results;
    int shards;
    bool failed;                            // a worker of the current step failed
    (FusedAdam Update, int[] Index)? fusedIndex;   // for each trainable parameter, its index among the fused update's

    // What one worker hands back: its gradients (null where its loss does not reach a parameter) and its share of the loss.
    sealed record ShardResult(Tensor?[] Gradients, Tensor Total, IReadOnlyList<(string Name, Tensor Value)> Parts);

    /// <summary>A step for <paramref name="model"/> over <paramref name="workers"/> workers (check <see cref="Obstacle"/> first).</summary>
    public DataParallelStep(Autoencoder model, int workers)
    {
        if (Obstacle(model) is { } obstacle) throw new ArgumentException(obstacle, nameof(model));
        this.model = model;
        parameters = model.parameters().Where(p => p.requires_grad).ToArray();
        owned = Share(parameters, workers);
        streams = Enumerable.Range(0, workers).Select(_ => new Generator(0)).ToArray();
        // libtorch's thread count is process-wide, but OpenMP and MKL read it per thread: each worker sets it on its own.
        crew = new WorkerCrew(workers, _ => set_num_threads(1));
        results = new ShardResult?[workers];
    }

    /// <summary>The number of workers.</summary>
    public int Workers => crew.Count;

    /// <summary>
    /// For the benchmark's profile (bench/Bottleneck.Bench/StepProfile.cs): called on worker k's own thread as it
    /// begins (true) and ends (false) each phase of a step, "gradients" then "update". Null in training.
    /// </summary>
    internal Action<int, string, bool>? Phase { get; set; }

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
    /// One step on the samples of <paramref name="train"/> at <paramref name="indices"/>: the parameters are updated
    /// with the gradient of the batch loss, by <paramref name="fused"/> when given (the workers update their own
    /// parameters at once), else by <paramref name="optimizer"/> from the parameters' <c>.grad</c>. Returns the batch
    /// loss and its named parts (means over the whole batch, detached, in the caller's dispose scope).
    /// </summary>
    public (Tensor Total, Dictionary<string, Tensor> Parts) Run(Dataset train, Tensor indices, TrainingOptions options,
        optim.Optimizer optimizer, FusedAdam? fused)
    {
        try
        {
            if (fused is null)
            {
                Gradients(train, indices, options, then: k => { foreach (var i in owned[k]) SetGradient(i); });
                optimizer.step();
            }
            else
            {
                var index = IndexIn(fused);
                Gradients(train, indices, options, then: k =>
                {
                    foreach (var i in owned[k])
                    {
                        fused.Update(index[i], PartsOf(i));
                        // Only this worker reads parameter i's parts: it frees them as soon as they are used.
                        ReleaseParts(i);
                    }
                });
            }
            return Loss();
        }
        finally { Release(); }
    }

    /// <summary>
    /// The forward and backward pass of one step without the update: each trainable parameter's <c>.grad</c> is set to
    /// the gradient of the batch loss (left as it was where no worker's loss reaches it). Returns what <see cref="Run"/> does.
    /// </summary>
    public (Tensor Total, Dictionary<string, Tensor> Parts) Backward(Dataset train, Tensor indices, TrainingOptions options)
    {
        try
        {
            Gradients(train, indices, options, then: k => { foreach (var i in owned[k]) SetGradient(i); });
            return Loss();
        }
        finally { Release(); }
    }

    // Every worker computes the gradients of its share of the batch loss (results[k]); once all have, each runs `then`
    // on its own parameters, in the same round of the crew (one wake-up of the workers per step, not two). A worker
    // that failed still meets the others, and then none goes on: the crew reports the failure.
    void Gradients(Dataset train, Tensor indices, TrainingOptions options, Action<int> then)
    {
        shards = (int)Math.Min(crew.Count, indices.shape[0]);
        exchange.Reset(shards);
        failed = false;
        crew.Run(k =>
        {
            Phase?.Invoke(k, "gradients", true);
            Exception? failure = null;
            try
            {
                if (k < shards) results[k] = RunShard(k, train, indices, options);
            }
            catch (Exception e)
            {
                failure = e;
                Volatile.Write(ref failed, true);
            }
            Phase?.Invoke(k, "gradients", false);
            crew.Meet();
            if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
            // Another worker's error is the one the crew reports.
            if (Volatile.Read(ref failed)) throw new ShardExchangeAbortedException();
            Phase?.Invoke(k, "update", true);
            then(k);
            Phase?.Invoke(k, "update", false);
        });
    }

    ShardResult RunShard(int k, Dataset train, Tensor indices, TrainingOptions options)
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

    int[] IndexIn(FusedAdam fused)
    {
        if (fusedIndex is not { } known || known.Update != fused)
        {
            var positions = fused.Parameters.Select((p, i) => (p.Handle, i)).ToDictionary(x => x.Handle, x => x.i);
            fusedIndex = known = (fused, parameters.Select(p => positions[p.Handle]).ToArray());
        }
        return known.Index;
    }

    // The workers' gradients of parameter i, in worker order.
    List<Tensor> PartsOf(int i)
    {
        var parts = new List<Tensor>(shards);
        for (int k = 0; k < shards; k++)
            if (results[k]!.Gradients[i] is { } g) parts.Add(g);
        return parts;
    }

    // ∇L = Σ_k ∇(n_k/n · L_k), added in worker order into the first worker's tensor (autograd.grad made it: it is ours).
    void SetGradient(int i)
    {
        using var noGrad = no_grad();
        var parts = PartsOf(i);
        if (parts.Count == 0) return;
        var sum = parts[0];
        for (int j = 1; j < parts.Count; j++) sum.add_(parts[j]);
        // The parameter holds its own reference: disposing our handle afterwards leaves its .grad alive.
        parameters[i].grad = sum;
    }

    (Tensor Total, Dictionary<string, Tensor> Parts) Loss()
    {
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

    // Frees every worker's gradient of parameter i.
    void ReleaseParts(int i)
    {
        for (int k = 0; k < shards; k++)
        {
            results[k]!.Gradients[i]?.Dispose();
            results[k]!.Gradients[i] = null;
        }
    }

    void Release()
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

    // Parameters dealt to the workers largest first, each to the worker with the fewest values so far: the adding up and
    // the update cost about the same per value, so the workers finish together. Which worker updates a parameter does
    // not change the result.
    static int[][] Share(Parameter[] parameters, int workers)
    {
        var load = new long[workers];
        var lists = Enumerable.Range(0, workers).Select(_ => new List<int>()).ToArray();
        foreach (var i in Enumerable.Range(0, parameters.Length).OrderByDescending(i => parameters[i].numel()).ThenBy(i => i))
        {
            int k = Array.IndexOf(load, load.Min());
            lists[k].Add(i);
            load[k] += parameters[i].numel();
        }
        return lists.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>Stops the workers and frees their generators.</summary>
    public void Dispose()
    {
        crew.Dispose();
        exchange.Dispose();
        foreach (var stream in streams) stream.Dispose();
    }
}
