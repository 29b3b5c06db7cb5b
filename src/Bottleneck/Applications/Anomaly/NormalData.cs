using System.Globalization;
using Bottleneck.Data;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// The normal data a detector learns from (§8.4 step 1: x_train[y_train != anomaly_class]): the training samples
/// (optionally only the first N), restricted to the normal classes when labels say which those are, then split into
/// the part the autoencoder trains on and the last fraction, held out, whose errors set the threshold. The chapter's
/// x_val is never defined; held-out normal data is what its step 2 needs.
/// </summary>
internal sealed class NormalData : IDisposable
{
    NormalData(Dataset fit, Dataset holdout, int[]? normalClasses)
    {
        Fit = fit;
        Holdout = holdout;
        NormalClasses = normalClasses;
    }

    /// <summary>Normal samples the model (and the baselines) learn from.</summary>
    public Dataset Fit { get; }

    /// <summary>Normal samples never trained on, whose reconstruction errors set the threshold.</summary>
    public Dataset Holdout { get; }

    /// <summary>The classes taken as normal, or null when every sample is (a CSV of normal rows).</summary>
    public int[]? NormalClasses { get; }

    /// <summary>The default held-out fraction, as Keras's validation_split in the chapter's template.</summary>
    public const double DefaultHoldout = 0.1;

    /// <summary>
    /// Resolves --normal-classes / --anomaly-class against the labels of <paramref name="train"/>: the normal classes,
    /// or null when neither is given (every sample is normal).
    /// </summary>
    /// <exception cref="BadInputException">Both are given, the data has no labels, or a class does not occur in it.</exception>
    public static int[]? ResolveClasses(Dataset train, int[]? normalClasses, int? anomalyClass)
    {
        if (normalClasses is not null && anomalyClass is not null)
            throw new OptionException(["normal_classes", "anomaly_class"], "give one or the other");
        if (normalClasses is null && anomalyClass is null) return null;
        var field = normalClasses is not null ? "normal_classes" : "anomaly_class";
        var labels = train.Labels ?? throw new OptionException(field, $"{train.Name} has no labels (for a CSV, name its label column with `label_column`)");
        var present = labels.Distinct().Order().ToArray();
        string Found() => string.Join(", ", present.Take(20).Select(c => c.ToString(CultureInfo.InvariantCulture))) + (present.Length > 20 ? ", ..." : "");
        foreach (var c in normalClasses ?? [anomalyClass!.Value])
            if (Array.BinarySearch(present, c) < 0)
                throw new OptionException(field, $"class {c} does not occur in the labels of {train.Name} (found {Found()})");
        var normal = normalClasses is not null ? normalClasses.Distinct().Order().ToArray() : present.Where(c => c != anomalyClass).ToArray();
        if (normal.Length == 0)
            throw new OptionException("anomaly_class", $"every sample of {train.Name} is of class {anomalyClass}, so no normal data is left to learn from");
        return normal;
    }

    /// <summary>
    /// Selects the normal samples of <paramref name="train"/> (first <paramref name="limit"/> samples, then the
    /// <paramref name="normalClasses"/>) and holds out their last <paramref name="holdout"/> fraction.
    /// </summary>
    /// <exception cref="BadInputException">The fraction is outside (0, 1) or leaves either part empty.</exception>
    public static NormalData Select(Dataset train, int[]? normalClasses, int? limit, double holdout)
    {
        if (!(holdout > 0 && holdout < 1))
            throw new OptionException("holdout", $"expected a fraction in (0, 1), got {holdout.ToString(CultureInfo.InvariantCulture)}");
        if (limit is < 1) throw new OptionException("limit", $"expected a positive number of samples, got {limit}");
        int available = Math.Min(limit ?? int.MaxValue, train.Count);
        Dataset normal;
        if (normalClasses is not null)
        {
            var keep = new HashSet<int>(normalClasses);
            var indices = Enumerable.Range(0, available).Where(i => keep.Contains(train.Labels![i])).ToArray();
            if (indices.Length == 0)
                throw new BadInputException($"{train.Name}: none of the first {available} samples is of a normal class ({string.Join(", ", normalClasses)})");
            normal = train.Select(indices, train.Name + "[normal]");
        }
        else normal = train.Slice(0, available, train.Name + "[normal]");

        using (normal)
        {
            int held = (int)Math.Round(normal.Count * holdout);
            if (held < 1 || held >= normal.Count)
                throw new OptionException("holdout", $"{holdout.ToString(CultureInfo.InvariantCulture)} of {normal.Count} normal samples leaves no samples to train on or none to set the threshold with");
            // Select copies and Slice shares memory: either way the views below keep the storage alive on their own.
            return new NormalData(normal.Slice(0, normal.Count - held, normal.Name + "[fit]"),
                normal.Slice(normal.Count - held, held, normal.Name + "[held out]"), normalClasses);
        }
    }

    public void Dispose()
    {
        Fit.Dispose();
        Holdout.Dispose();
    }
}
