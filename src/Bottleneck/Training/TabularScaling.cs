using Bottleneck.Data;
using Bottleneck.Models;

namespace Bottleneck.Training;

/// <summary>
/// How a run puts tabular data on the model's scale, shared by train and anomaly fit: which per-column scaler to fit
/// on the training rows, and a linear output where a preset's sigmoid could not reach standardised values (§2.6).
/// </summary>
internal static class TabularScaling
{
    /// <summary>True when <paramref name="data"/> names a CSV or TSV file: a table whose columns have units of their own.</summary>
    public static bool IsTable(string data) =>
        data.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || data.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase);

    /// <summary>The scaler to fit: the requested one ("standard", "minmax", or "none" for none), or <paramref name="byDefault"/> when none was requested.</summary>
    /// <exception cref="BadInputException">An unknown scaler name (the message names --scaler).</exception>
    public static ScalerKind? Choose(string? requested, ScalerKind? byDefault) => requested?.Trim().ToLowerInvariant() switch
    {
        null => byDefault,
        "none" => null,
        var name => FeatureScaler.ParseKind(name, "scaler"),
    };

    /// <summary>
    /// <paramref name="spec"/> with a preset's sigmoid output made linear when the data is standardised (negative values,
    /// values above 1); a spec the user wrote that insists on a sigmoid is refused.
    /// </summary>
    public static ModelSpec AdaptOutput(ModelSpec spec, ScalerKind? scaler, bool specIsPreset, ICollection<string> notes)
    {
        if (scaler != ScalerKind.Standard || spec.OutputActivation != "sigmoid") return spec;
        if (!specIsPreset)
            throw new OptionException("model", $"output_activation 'sigmoid' cannot reproduce standardised data (values below 0 and above 1); use 'linear', or `scaler` minmax");
        notes.Add($"the preset's sigmoid output is replaced by a linear one, since standardised data spans negative values and values above 1 (§2.6)");
        return spec with { OutputActivation = "linear" };
    }

    /// <summary>Each dataset scaled by <paramref name="scaler"/> into a float32 copy of its own (null stays null); the caller disposes them.</summary>
    public static Dataset? Apply(FeatureScaler scaler, Dataset? data) => data is null ? null : scaler.Transform(data, data.Name);
}
