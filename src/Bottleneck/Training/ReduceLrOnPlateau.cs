namespace Bottleneck.Training;

/// <summary>
/// Multiplies the learning rate by <see cref="Factor"/> when the monitored loss has not improved for
/// <see cref="Patience"/> epochs, never below <see cref="MinLearningRate"/>: Keras's ReduceLROnPlateau(factor=0.5,
/// patience=5, min_lr=1e-7) of chapter §7.4 and §10.2.
/// </summary>
internal sealed class ReduceLrOnPlateau
{
    /// <summary>Keras's default threshold for what counts as an improvement.</summary>
    public const double DefaultMinDelta = 1e-4;

    public ReduceLrOnPlateau(double factor = 0.5, int patience = 5, double minLearningRate = 1e-7, double minDelta = DefaultMinDelta)
    {
        if (!(factor > 0 && factor < 1)) throw new OptionException("lr_factor", $"expected a factor in (0, 1), got {factor}");
        if (patience < 1) throw new OptionException("lr_patience", $"expected at least 1 epoch, got {patience}");
        if (!(minLearningRate >= 0)) throw new OptionException("min_lr", $"expected a value >= 0, got {minLearningRate}");
        Factor = factor;
        Patience = patience;
        MinLearningRate = minLearningRate;
        MinDelta = minDelta;
    }

    public double Factor { get; }
    public int Patience { get; }
    public double MinLearningRate { get; }
    public double MinDelta { get; }

    /// <summary>A new schedule for one fit (the settings may serve several fits; the wait and best value may not).</summary>
    public Schedule Start() => new(this);

    /// <summary>The wait and the best value of one fit.</summary>
    public sealed class Schedule(ReduceLrOnPlateau settings)
    {
        int wait;
        double best = double.PositiveInfinity;

        /// <summary>Records one epoch's monitored value and returns the learning rate to use from the next epoch on.</summary>
        public double Next(double monitored, double learningRate)
        {
            if (monitored < best - settings.MinDelta) { best = monitored; wait = 0; return learningRate; }
            if (++wait < settings.Patience || learningRate <= settings.MinLearningRate) return learningRate;
            wait = 0;
            return Math.Max(learningRate * settings.Factor, settings.MinLearningRate);
        }
    }
}
