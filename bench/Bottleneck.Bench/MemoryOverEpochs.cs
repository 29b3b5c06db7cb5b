using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Training;

namespace Bottleneck.Bench;

/// <summary>
/// Resident memory at the end of every epoch of one long training run through the toolkit: whether memory grows with
/// the epochs (it must not) and what the run peaks at.
/// </summary>
internal static class MemoryOverEpochs
{
    public static (IReadOnlyList<double> ResidentMegabytes, double PeakMegabytes, double SamplesPerSecond) Measure(
        string preset, Dataset train, int epochs, int workers = 1)
    {
        var spec = Presets.Get(preset).WithInputShape(train.SampleShape);
        using var model = ModelFactory.Create(spec);
        var observer = new EpochMemory();
        var result = new Trainer().Fit(model, train, null, new TrainingOptions { Epochs = epochs, Seed = 1, Workers = workers }, observer);
        return (observer.Resident, ResidentMemory.PeakMegabytes(), result.SamplesPerSecond);
    }

    sealed class EpochMemory : ITrainingObserver
    {
        public List<double> Resident { get; } = [];
        public void EpochStarted(int epoch, int epochs, int batches) { }
        public void BatchCompleted(int epoch, int batch, int batches, double? runningLoss) { }
        public void EpochCompleted(EpochRecord record, IReadOnlyList<string> events) => Resident.Add(ResidentMemory.CurrentMegabytes());
    }
}
