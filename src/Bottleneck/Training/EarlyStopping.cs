namespace Bottleneck.Training;

/// <summary>
/// Stops training when the monitored loss has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs, as Keras's EarlyStopping(monitor='val_loss', patience=10) in chapter §7.10.
/// </summary>
internal sealed class EarlyStopping
{
    public EarlyStopping(int patience, double minDelta = 0, bool restoreBestWeights = true)
    {
        if (patience < 1) throw new OptionException("patience", $"expected at least 1 epoch, got {patience}");
        if (!(minDelta >= 0)) throw new OptionException("min_delta", $"expected a value >= 0, got {minDelta}");
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
    }

    public int Patience { get; }
    public double MinDelta { get; }

    /// <summary>Put the best epoch's weights back at the end of training (the chapter: "always!").</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>
    /// A new count for one fit. The settings are shared (one options record may serve several fits, as in a sweep);
    /// the count is not: Keras resets its callbacks in on_train_begin for the same reason.
    /// </summary>
    public Tracker Start() => new(this);

    /// <summary>The wait and the best value of one fit.</summary>
    public sealed class Tracker(EarlyStopping settings)
    {
        int wait;
        double best = double.PositiveInfinity;

        /// <summary>Records one epoch's monitored value; returns true when training should stop.</summary>
        public bool ShouldStop(double monitored)
        {
            // Keras: an improvement is monitored < best − min_delta; otherwise the wait grows until it reaches patience.
            if (monitored < best - settings.MinDelta) { best = monitored; wait = 0; return false; }
            return ++wait >= settings.Patience;
        }
    }
}
