using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Training;

/// <summary>
/// The mini-batch training loop of chapter §2.5: for each shuffled batch, forward, loss, backpropagate, update
/// θ ← θ − α∇θL; then validation, early stopping, learning-rate schedule and the best-only checkpoint, as the
/// chapter's Keras callbacks do. It asks the model for its loss and knows nothing about model families.
/// </summary>
internal sealed class Trainer
{
    /// <summary>Batch size used for validation passes (no gradients, so larger batches are cheap).</summary>
    public const int EvaluationBatchSize = 1000;

    /// <summary>
    /// A run has diverged when a loss it reads is NaN or infinite, or exceeds this many times the run's first batch loss
    /// (a loss that rose a thousandfold is no longer descending: the step size overshoots, as with --lr 1e10).
    /// </summary>
    public const double ExplosionFactor = 1e3;

    // The first batch's loss of this run: the reference an exploding loss is measured against.
    double? firstBatchLoss;

    /// <summary>True when <paramref name="loss"/> is non-finite or more than <see cref="ExplosionFactor"/> times the first batch's.</summary>
    bool Explodes(double loss) => !double.IsFinite(loss) || firstBatchLoss is > 0 and var first && loss > ExplosionFactor * first;

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="train"/>, validating on <paramref name="validation"/> when
    /// given. Cancelling <paramref name="cancel"/> stops after the current batch and keeps the weights trained so far.
    /// </summary>
    /// <param name="resume">An earlier run to continue: training goes on from the epoch after its last one.</param>
    /// <param name="callbacks">Called at the end of epochs (checkpoints, measurements); create them for this fit.</param>
    public TrainingResult Fit(Autoencoder model, Dataset train, Dataset? validation, TrainingOptions options,
        ITrainingObserver? observer = null, CancellationToken cancel = default, ResumePoint? resume = null,
        IReadOnlyList<ITrainingCallback>? callbacks = null)
    {
        callbacks ??= [];
        options.Validate();
        DataFit.Check(model, train);
        if (validation is not null) DataFit.Check(model, validation);

        using var optimizer = Optimizers.Create(options.Optimizer, model.parameters(), options.LearningRate, options.Momentum);
        // Adam's update in one pass per parameter, on the optimiser's own state (null for SGD and RMSprop).
        var fused = FusedAdam.For(optimizer);
        // More than one worker splits every batch across threads (DataParallelStep); a model with a layer the workers
        // cannot share trains on one, as it always has.
        string? oneWorkerReason = options.Workers > 1 ? DataParallelStep.Obstacle(model) : null;
        using var parallel = options.Workers > 1 && oneWorkerReason is null ? new DataParallelStep(model, options.Workers) : null;
        // The workers each take one core: libtorch's own intra-op threads would only compete with them.
        int callerThreads = get_num_threads();
        if (parallel is not null) set_num_threads(1);
        var history = new TrainingHistory();
        var learningRate = options.LearningRate;
        var best = double.PositiveInfinity;
        var bestEpoch = 0;
        WeightSnapshot? bestWeights = null;
        firstBatchLoss = null;
        var stop = StopReason.Completed;
        var stopping = options.EarlyStopping?.Start();
        var schedule = options.ReduceLr?.Start();
        if (resume is not null)
        {
            // Replaying the finished epochs puts early stopping and the LR schedule back exactly where they were.
            // A run that had already stopped (killed while writing its outputs) stops again without another epoch.
            foreach (var record in resume.Epochs)
            {
                history.Add(record);
                if (!double.IsFinite(record.Monitored)) { stop = StopReason.Diverged; continue; }
                if (record.Monitored < best) { best = record.Monitored; bestEpoch = record.Epoch; }
                if (stopping?.ShouldStop(record.Monitored) == true) stop = StopReason.EarlyStopped;
                learningRate = schedule?.Next(record.Monitored, learningRate) ?? learningRate;
            }
            if (resume.OptimizerStatePath is { } state) Optimizers.LoadState(optimizer, state);
            Optimizers.SetLearningRate(optimizer, learningRate);
            // The trainer owns the resumed best weights from here on: kept when they may be restored, freed otherwise.
            if (options.EarlyStopping?.RestoreBestWeights == true) bestWeights = resume.BestWeights;
            else resume.BestWeights?.Dispose();
        }
        // A run that diverges before any epoch improved goes back to the weights it started from.
        bestWeights ??= WeightSnapshot.Of(model);
        var clock = Stopwatch.StartNew();
        long samplesSeen = 0;
        double trainingSeconds = 0;
        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;

        try
        {
            for (int epoch = history.Epochs.Count + 1; epoch <= options.Epochs && stop == StopReason.Completed; epoch++)
            {
                observer?.EpochStarted(epoch, options.Epochs, batches);
                var epochClock = Stopwatch.StartNew();
                // Each epoch draws its shuffle and its dropout/noise masks from generators seeded by (seed, epoch), so a
                // run resumed at an epoch boundary continues exactly as the uninterrupted run would have.
                random.manual_seed(EpochSeed(options.Seed, epoch, 1));
                using var shuffling = new Generator((ulong)EpochSeed(options.Seed, epoch, 2));
                // Worker k draws from its own stream 3 + k, so a seed and a worker count repeat a run exactly.
                parallel?.StartEpoch(worker => EpochSeed(options.Seed, epoch, 3 + worker));
                var (loss, parts, seen, interrupted, diverged) = RunEpoch(model, train, options, optimizer, fused, parallel, shuffling, epoch, batches, observer, cancel);
                samplesSeen += seen;
                trainingSeconds += epochClock.Elapsed.TotalSeconds;
                if (interrupted) stop = StopReason.Interrupted;

                double? valLoss = validation is null || interrupted || diverged ? null : Validate(model, validation, options);
                var record = new EpochRecord(epoch, loss, valLoss, learningRate, epochClock.Elapsed.TotalSeconds) { Parts = parts };
                history.Add(record);
                var events = new List<string>();

                if (diverged || Explodes(record.Loss) || !double.IsFinite(record.Monitored))
                {
                    stop = StopReason.Diverged;
                    events.Add($"loss diverged ({record.Loss:G3}; first batch {firstBatchLoss:G3}): stopping and keeping the weights of " +
                               (bestEpoch > 0 ? $"epoch {bestEpoch}" : "the start") + $" (try a lower `learning_rate` than {learningRate:G3})");
                }
                else if (!interrupted && record.Monitored < best)
                {
                    events.Add(best == double.PositiveInfinity ? $"{MonitorName(validation)} {record.Monitored:F5}" : $"{MonitorName(validation)} improved from {best:F5} to {record.Monitored:F5}");
                    best = record.Monitored;
                    bestEpoch = epoch;
                    // The best weights are kept whatever the callbacks: a later divergence falls back to them.
                    bestWeights?.Dispose();
                    bestWeights = WeightSnapshot.Of(model);
                    foreach (var callback in callbacks) callback.Improved(model, record);
                }
                if (!interrupted && stop == StopReason.Completed)
                {
                    if (stopping?.ShouldStop(record.Monitored) == true)
                    {
                        stop = StopReason.EarlyStopped;
                        events.Add($"early stopping: no improvement for {options.EarlyStopping!.Patience} epochs");
                    }
                    if (schedule is not null)
                    {
                        var next = schedule.Next(record.Monitored, learningRate);
                        if (next != learningRate)
                        {
                            events.Add($"learning rate reduced to {next:G3}");
                            learningRate = next;
                            Optimizers.SetLearningRate(optimizer, learningRate);
                        }
                    }
                }
                // A diverged epoch's weights are not worth resuming from; the resume state stays at the last good epoch.
                if (!interrupted && stop != StopReason.Diverged)
                    foreach (var callback in callbacks) callback.EpochEnded(model, history.Epochs, optimizer);
                observer?.EpochCompleted(record, events);
            }

            // Keras 3 restores the best weights at the end whenever the best epoch was not the last; so do we, except
            // after Ctrl-C, where the user asked to keep what was trained.
            // After divergence the best weights come back whatever the options said.
            bool restored = false;
            bool restore = options.EarlyStopping?.RestoreBestWeights == true || stop == StopReason.Diverged;
            if (restore && bestWeights is not null && stop != StopReason.Interrupted && bestEpoch != history.Epochs.Count)
            {
                bestWeights.RestoreInto(model);
                restored = true;
            }
            var speed = trainingSeconds > 0 ? samplesSeen / trainingSeconds : 0;
            return new TrainingResult(history, stop, bestEpoch, restored, clock.Elapsed.TotalSeconds, speed)
            {
                Workers = parallel?.Workers ?? 1,
                OneWorkerReason = oneWorkerReason,
            };
        }
        finally
        {
            bestWeights?.Dispose();
            if (parallel is not null) set_num_threads(callerThreads);
        }
    }

    (double Loss, Dictionary<string, double> Parts, long Seen, bool Interrupted, bool Diverged) RunEpoch(Autoencoder model, Dataset train,
        TrainingOptions options, optim.Optimizer optimizer, FusedAdam? fused, DataParallelStep? parallel, Generator shuffling, int epoch, int batches,
        ITrainingObserver? observer, CancellationToken cancel)
    {
        model.train();
        using var epochScope = NewDisposeScope();
        var order = options.Shuffle ? randperm(train.Count, generator: shuffling) : arange(train.Count, dtype: ScalarType.Int64);
        // Running sums stay on the tensor side so a batch never waits for a read-back unless progress asks for one.
        var lossSum = zeros(1, dtype: ScalarType.Float64);
        var partSums = new Dictionary<string, Tensor>();
        long seen = 0;
        bool interrupted = false, diverged = false;
        for (int b = 0; b < batches; b++)
        {
            int start = b * options.BatchSize, count = Math.Min(options.BatchSize, train.Count - start);
            using (var batchScope = NewDisposeScope())
            {
                var indices = order.narrow(0, start, count);
                var (total, terms) = parallel is null ? Step(model, train, indices, options, optimizer, fused) : parallel.Run(train, indices, options, optimizer, fused);
                using (no_grad())
                {
                    lossSum.add_(total.detach().to_type(ScalarType.Float64) * count);
                    foreach (var (name, value) in terms)
                    {
                        if (!partSums.TryGetValue(name, out var sum))
                            partSums[name] = sum = zeros(1, dtype: ScalarType.Float64).MoveToOuterDisposeScope();
                        sum.add_(value.detach().to_type(ScalarType.Float64) * count);
                    }
                }
            }
            seen += count;
            ScalarCollection.AfterStep(b + 1);
            // The first batch's loss is read once, as the reference; later losses only where progress reads them anyway.
            if (firstBatchLoss is null) firstBatchLoss = lossSum.item<double>() / seen;
            bool read = observer is not null && ((b + 1) % options.ProgressEveryBatches == 0 || b + 1 == batches);
            double? running = read ? lossSum.item<double>() / seen : null;
            observer?.BatchCompleted(epoch, b + 1, batches, running);
            if (cancel.IsCancellationRequested) { interrupted = true; break; }
            if (running is double r && Explodes(r)) { diverged = true; break; }
        }
        var parts = partSums.ToDictionary(p => p.Key, p => p.Value.item<double>() / seen);
        return (lossSum.item<double>() / seen, parts, seen, interrupted, diverged);
    }

    // One step on one thread: forward, loss, backpropagation into the parameters' .grad, update.
    static (Tensor Total, IReadOnlyDictionary<string, Tensor> Parts) Step(Autoencoder model, Dataset train, Tensor indices,
        TrainingOptions options, optim.Optimizer optimizer, FusedAdam? fused)
    {
        var clean = train.Batch(indices);
        // A fixed corrupted copy paired with the data wins; otherwise the batch is corrupted afresh (§3.5).
        var input = train.Inputs?.Batch(indices) ?? (options.Corrupt is null ? clean : options.Corrupt(clean));
        optimizer.zero_grad();
        var terms = model.Loss(input, clean, options.Loss);
        terms.Total.backward();
        if (fused is null) optimizer.step();
        else
            for (int i = 0; i < fused.Parameters.Count; i++)
                if (fused.Parameters[i].grad is { } gradient) fused.Update(i, [gradient]);
        return (terms.Total, terms.Parts);
    }

    /// <summary>The mean training objective over <paramref name="data"/> with the model in inference mode (Keras's val_loss).</summary>
    public static double Validate(Autoencoder model, Dataset data, TrainingOptions options)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double sum = 0;
        for (int start = 0; start < data.Count; start += EvaluationBatchSize)
        {
            int count = Math.Min(EvaluationBatchSize, data.Count - start);
            using var batchScope = NewDisposeScope();
            var clean = data.Batch(start, count);
            var input = data.Inputs?.Batch(start, count) ?? (options.Corrupt is null ? clean : options.Corrupt(clean));
            sum += model.Loss(input, clean, options.Loss).Total.item<float>() * (double)count;
        }
        return sum / data.Count;
    }

    /// <summary>A seed for one epoch's generator, derived from the run's seed so that no two streams coincide.</summary>
    static long EpochSeed(long seed, int epoch, int stream) => unchecked(seed * 1_000_003L + epoch * 7_919L + stream) & long.MaxValue;

    static string MonitorName(Dataset? validation) => validation is null ? "loss" : "val_loss";
}
