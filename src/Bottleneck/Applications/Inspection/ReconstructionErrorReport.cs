using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Objectives;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// Every sample's reconstruction error and how it is distributed (§7.3, §10.1): the whole set's summary and, when the
/// data has labels, one per class — which classes a model finds hard, and how heavy the tail is.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="Data">The dataset's name.</param>
/// <param name="Kind">The per-sample error: MSE, BCE or MAE, each a mean over the sample's values.</param>
/// <param name="SampleSize">Values per sample.</param>
/// <param name="Errors">One error per sample, in the data's order.</param>
/// <param name="All">The summary over every sample.</param>
/// <param name="Labels">The samples' labels, or null.</param>
/// <param name="ClassNames">The classes' names, or null.</param>
/// <param name="Classes">One summary per label present (label order), or null without labels.</param>
internal sealed record ReconstructionErrorReport(string Model, string Data, LossKind Kind, long SampleSize, double[] Errors, ErrorSummary All,
    int[]? Labels, IReadOnlyList<string>? ClassNames, IReadOnlyList<ClassErrors>? Classes)
{
    /// <summary>Measures <paramref name="model"/>'s <paramref name="kind"/> error on every sample of <paramref name="data"/> (as the model sees it: already prepared).</summary>
    public static ReconstructionErrorReport Measure(Autoencoder model, Dataset data, LossKind kind)
    {
        var errors = SampleErrors.Measure(model, data, kind);
        var classes = data.Labels is { } labels ? ClassBreakdown.Of(errors, labels, data.ClassNames) : null;
        return new ReconstructionErrorReport(model.Spec.Name, data.Name, kind, data.SampleSize, errors, ErrorSummary.Of(errors),
            data.Labels, data.ClassNames, classes);
    }

    /// <summary>The error's short name: "MSE", "BCE" or "MAE".</summary>
    public string ErrorName => SampleErrors.Short(Kind);
}
