namespace Bottleneck.Training;

/// <summary>Receives progress from the trainer: the command line draws a progress bar from it, tests record it.</summary>
internal interface ITrainingObserver
{
    /// <summary>An epoch begins; <paramref name="batches"/> batches will follow.</summary>
    void EpochStarted(int epoch, int epochs, int batches);

    /// <summary>A batch finished; <paramref name="runningLoss"/> is the epoch's mean loss so far when it was read, else null.</summary>
    void BatchCompleted(int epoch, int batch, int batches, double? runningLoss);

    /// <summary>An epoch finished, with what happened at its end ("val_loss improved", "lr 5e-4", ...).</summary>
    void EpochCompleted(EpochRecord record, IReadOnlyList<string> events);

    /// <summary>A stage of a longer job begins (a pretraining pair, then fine-tuning); its epochs follow.</summary>
    void StageStarted(string description) { }
}
