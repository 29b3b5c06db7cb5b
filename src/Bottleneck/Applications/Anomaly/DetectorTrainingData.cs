using Bottleneck.Data;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// A detector's normal training data, rebuilt exactly as `anomaly fit` selected it (same source, data options, limit,
/// normal classes and held-out fraction), so that the evaluation's baselines learn from the very samples the
/// autoencoder learned from. The counts recorded in model.json are checked: changed data is refused, not used.
/// </summary>
internal static class DetectorTrainingData
{
    /// <summary>
    /// Loads the detector's data from <paramref name="overridePath"/>, or from where model.json says it was, and selects
    /// its normal samples; the caller disposes the result (it holds only the selected samples).
    /// </summary>
    /// <exception cref="BadInputException">The data is not where it was, or no longer gives the recorded sample counts.</exception>
    public static NormalData Rebuild(AnomalySettings settings, string? overridePath = null)
    {
        var source = overridePath ?? settings.Data;
        LoadedData loaded;
        try { loaded = DataSource.Load(source, settings.DataOptions); }
        catch (BadInputException e) when (overridePath is null)
        {
            throw new BadInputException($"the baselines need the detector's normal training data, which is not where model.json says ({Mentioned(e)}); give `train_data` PATH or `no_baselines`");
        }
        // The selection is a copy or a view that holds its own reference to the storage: the rest can go now.
        using (loaded)
        {
            var normal = NormalData.Select(loaded.Train, settings.NormalClasses, settings.Limit, settings.Holdout);
            if (normal.Fit.Count == settings.TrainingSamples && normal.Holdout.Count == settings.HoldoutSamples) return normal;
            var (fit, held) = (normal.Fit.Count, normal.Holdout.Count);
            normal.Dispose();
            throw new BadInputException($"{source}: rebuilding the normal training data gives {fit:N0} + {held:N0} samples, but the detector was fitted on " +
                                        $"{settings.TrainingSamples:N0} + {settings.HoldoutSamples:N0} (has the data changed? give `train_data` or `no_baselines`)");
        }
    }

    /// <summary>The message of <paramref name="e"/> inside another, its options still marked as mentions (`data`) for a front end to name.</summary>
    static string Mentioned(BadInputException e) => e is OptionException option ? option.Describe(field => $"`{field}`") : e.Message;
}
