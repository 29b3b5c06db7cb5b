namespace Bottleneck.Training;

/// <summary>How a training run ended.</summary>
public enum StopReason { Completed, EarlyStopped, Interrupted, Diverged }

/// <summary>What a training run did: its history, where it stopped, and how fast it went.</summary>
public sealed record TrainingResult(TrainingHistory History, StopReason StopReason, int BestEpoch, bool RestoredBestWeights,
    double TrainSeconds, double SamplesPerSecond)
{
    /// <summary>Number of epochs run, counting an interrupted one.</summary>
    public int EpochsRun => History.Epochs.Count;
}
