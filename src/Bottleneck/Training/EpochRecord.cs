namespace Bottleneck.Training;

/// <summary>One epoch of training as Keras's History records it: loss, val_loss and lr, plus the wall time.</summary>
internal sealed record EpochRecord(int Epoch, double Loss, double? ValLoss, double LearningRate, double Seconds)
{
    /// <summary>Named parts of the training loss (reconstruction, penalties), epoch means.</summary>
    public IReadOnlyDictionary<string, double> Parts { get; init; } = new Dictionary<string, double>();

    /// <summary>The value early stopping and checkpoints watch: val_loss when there is validation data, else loss.</summary>
    public double Monitored => ValLoss ?? Loss;
}
