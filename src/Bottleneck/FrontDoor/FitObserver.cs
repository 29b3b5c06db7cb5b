using Bottleneck.Training;

namespace Bottleneck;

/// <summary>Passes each finished epoch of a front-door fit to the caller's <see cref="IProgress{T}"/>.</summary>
internal sealed class FitObserver(IProgress<FitProgress> progress) : ITrainingObserver
{
    int epochs;

    public void EpochStarted(int epoch, int epochs, int batches) => this.epochs = epochs;

    public void BatchCompleted(int epoch, int batch, int batches, double? runningLoss) { }

    public void EpochCompleted(EpochRecord record, IReadOnlyList<string> events) =>
        progress.Report(new FitProgress(record.Epoch, epochs, record.Loss, record.ValLoss));
}
