using Bottleneck.Data;

namespace Bottleneck.Training;

/// <summary>
/// Where validation data comes from (§7.10): the last fraction of the training data (Keras's validation_split; the
/// default, 0.1, as in the chapter's complete template), another dataset's test part (the chapter's
/// validation_data=(x_test, x_test)), or none.
/// </summary>
internal sealed record ValidationChoice(double? Split, string? Data, bool None)
{
    public const double DefaultSplit = 0.1;

    /// <summary>
    /// Returns the data to fit on, the data to validate on, and a dataset the caller must dispose (the loaded
    /// --val-data), or throws <see cref="BadInputException"/> for conflicting choices.
    /// </summary>
    public (Dataset Fit, Dataset? Validate, LoadedData? Owned) Apply(Dataset train, DataOptions options)
    {
        int chosen = (Split is null ? 0 : 1) + (Data is null ? 0 : 1) + (None ? 1 : 0);
        if (chosen > 1) throw new OptionException(["val_split", "val_data", "no_validation"], "choose one");
        if (None) return (train, null, null);
        if (Data is not null)
        {
            var loaded = DataSource.Load(Data, options);
            return (train, loaded.Test ?? loaded.Train, loaded);
        }
        var (fit, validate) = train.SplitLast(Split ?? DefaultSplit);
        return (fit, validate, null);
    }
}
