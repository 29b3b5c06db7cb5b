using Bottleneck.Data;
using Bottleneck.Training;

namespace Bottleneck;

/// <summary>
/// How <see cref="AutoencoderModel.Fit"/> and <see cref="AnomalyModel.Fit"/> train. The defaults are the command
/// line's: Adam at 1e-3, batch 256, up to 50 epochs, early stopping with patience 10 on the last 10 % of the rows
/// (best weights restored), seed 42, one CPU thread.
/// </summary>
public sealed record FitOptions
{
    /// <summary>Most epochs to run.</summary>
    public int Epochs { get; init; } = 50;

    /// <summary>Rows per optimiser step.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Epochs without improvement of the validation loss before stopping; null trains every epoch.</summary>
    public int? Patience { get; init; } = 10;

    /// <summary>The last fraction of the rows held out for validation (as Keras's validation_split), in (0, 1).</summary>
    public double ValidationSplit { get; init; } = 0.1;

    /// <summary>Seeds the initial weights (for a model created by this fit), shuffling and dropout: the same seed repeats a fit.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>
    /// CPU cores to fit on: each batch is split across this many workers, one libtorch thread each, and their gradients
    /// are added in a fixed order, so a seed and a thread count repeat a fit exactly (README, Performance).
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// σ of the Gaussian noise that turns the fit into a denoising autoencoder's (§8.3): each training batch is fed
    /// x̃ = clip(x + σ·ε, 0, 1), ε ~ N(0, 1), drawn afresh every epoch, and the model is asked for the clean x. The
    /// validation rows are corrupted once, so their loss compares like with like. 0, the default, trains on the rows as
    /// they are. Needs rows in [0, 1] (images), since the noisy input is clipped to that range; 0.1–0.5 are usual.
    /// </summary>
    public double InputNoise { get; init; }

    internal void Validate()
    {
        if (Epochs < 1) throw new BadInputException($"options.Epochs: expected at least 1, got {Epochs}");
        if (BatchSize < 1) throw new BadInputException($"options.BatchSize: expected at least 1, got {BatchSize}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new BadInputException($"options.LearningRate: expected a positive finite rate, got {LearningRate}");
        if (Patience is < 1) throw new BadInputException($"options.Patience: expected at least 1 epoch or null, got {Patience}");
        if (!(ValidationSplit > 0 && ValidationSplit < 1)) throw new BadInputException($"options.ValidationSplit: expected a fraction in (0, 1), got {ValidationSplit}");
        if (!(InputNoise >= 0) || !double.IsFinite(InputNoise)) throw new BadInputException($"options.InputNoise: expected a finite σ ≥ 0, got {InputNoise}");
        if (Threads < 1 || Threads > Environment.ProcessorCount) throw new BadInputException($"options.Threads: expected 1 to {Environment.ProcessorCount}, got {Threads}");
    }

    internal TrainingOptions ToTraining(Objectives.ReconstructionLoss loss)
    {
        var noise = InputNoise > 0 ? new GaussianCorruption(InputNoise) : null;
        return new()
        {
            Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = Seed, Loss = loss, Workers = Threads,
            EarlyStopping = Patience is int p ? new EarlyStopping(p) : null,
            Noise = noise,
            // Fresh noise on every training batch, from the trainer's seeded generator (the fit restores the caller's).
            Corrupt = noise is null ? null : clean => noise.Apply(clean),
        };
    }
}

/// <summary>One finished epoch, as reported to an <see cref="IProgress{T}"/>.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Epochs">The most epochs the fit will run (<see cref="FitOptions.Epochs"/>); early stopping may end it sooner.</param>
/// <param name="Loss">The mean training loss over the epoch's batches.</param>
/// <param name="ValidationLoss">The loss on the held-out validation rows; null when none were held out.</param>
public sealed record FitProgress(int Epoch, int Epochs, double Loss, double? ValidationLoss);

/// <summary>What a fit did: epochs run, the best epoch and its validation loss (restored), why it stopped.</summary>
/// <param name="EpochsRun">Epochs trained.</param>
/// <param name="BestEpoch">The epoch of the lowest validation loss, whose weights the model keeps with early stopping.</param>
/// <param name="BestValidationLoss">That epoch's validation loss; null without validation.</param>
/// <param name="StopReason">
/// Why training stopped: "completed" (every epoch ran), "earlystopped" (no improvement for <see cref="FitOptions.Patience"/>
/// epochs), "interrupted" (cancelled) or "diverged" (the loss became NaN or infinite).
/// </param>
/// <param name="SamplesPerSecond">Training speed: rows per second over the whole fit.</param>
public sealed record FitReport(int EpochsRun, int BestEpoch, double? BestValidationLoss, string StopReason, double SamplesPerSecond);
