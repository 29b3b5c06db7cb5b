using Bottleneck.Training;

namespace Bottleneck.Applications.Report;

/// <summary>What a claim's measurement is given: its settings, where to draw its figure and keep scratch files, and where to report its stages.</summary>
internal sealed class ClaimContext
{
    /// <summary>The settings to measure with.</summary>
    public required ClaimSettings Settings { get; init; }

    /// <summary>The PNG to write the claim's figure to (the claim writes it atomically, or not at all).</summary>
    public required string FigurePath { get; init; }

    /// <summary>An empty folder for scratch files (a code file, a model folder); removed once the claim is cached.</summary>
    public required string WorkFolder { get; init; }

    /// <summary>Where stages are reported; null for none.</summary>
    public IProgress<StageProgress>? Progress { get; init; }

    /// <summary>Put before every stage name: "[3/9] probe-1000-labels: ".</summary>
    public string StagePrefix { get; init; } = "";

    /// <summary>Stops the measurement between stages and after the current training batch.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>Reports that <paramref name="stage"/> of the claim starts (or has done <paramref name="done"/> of <paramref name="total"/>).</summary>
    public void Stage(string stage, long done = 0, long total = 0)
    {
        Cancel.ThrowIfCancellationRequested();
        Progress?.Report(new StageProgress(StagePrefix + stage, Math.Min(done, total), total));
    }

    /// <summary>
    /// Where a library routine that reports its own stages (a restoration, an interpolation study) reports them: under
    /// the claim's prefix, stopping at the next report once cancelled.
    /// </summary>
    public IProgress<StageProgress> Stages => new PrefixedStages(this);

    sealed class PrefixedStages(ClaimContext context) : IProgress<StageProgress>
    {
        public void Report(StageProgress value)
        {
            context.Cancel.ThrowIfCancellationRequested();
            context.Progress?.Report(value with { Stage = context.StagePrefix + value.Stage });
        }
    }

    /// <summary>An observer that reports training as one stage whose units are batches ("training deep, 4 epochs").</summary>
    public ITrainingObserver TrainingStage(string what) => new StageTrainingObserver(this, what);

    sealed class StageTrainingObserver(ClaimContext context, string what) : ITrainingObserver
    {
        public void EpochStarted(int epoch, int epochs, int batches) => Report(epoch, epochs, 0, batches);
        public void BatchCompleted(int epoch, int batch, int batches, double? runningLoss) => Report(epoch, epochs, batch, batches);
        public void EpochCompleted(EpochRecord record, IReadOnlyList<string> events) { }

        int epochs = 1;

        void Report(int epoch, int total, int batch, int batches)
        {
            epochs = total;
            context.Progress?.Report(new StageProgress($"{context.StagePrefix}training {what}, {total} epochs",
                (long)(epoch - 1) * batches + batch, (long)total * batches));
        }
    }
}
