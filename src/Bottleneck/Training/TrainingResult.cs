namespace Bottleneck.Training;

/// <summary>How a training run ended.</summary>
internal enum StopReason { Completed, EarlyStopped, Interrupted, Diverged }

/// <summary>What a training run did: its history, where it stopped, and how fast it went.</summary>
internal sealed record TrainingResult(TrainingHistory History, StopReason StopReason, int BestEpoch, bool RestoredBestWeights,
    double TrainSeconds, double SamplesPerSecond)
{
    /// <summary>Workers that shared each batch (<see cref="TrainingOptions.Workers"/>, or 1 when the model needs one).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Why the run used one worker although more were asked for, or null.</summary>
    public string? OneWorkerReason { get; init; }

    /// <summary>Number of epochs run, counting an interrupted one.</summary>
    public int EpochsRun => History.Epochs.Count;
}
