using System.Globalization;
using System.Text.Json.Nodes;

namespace Bottleneck.Applications.Inspection;

/// <summary>A probe's report as `bottleneck probe --json` prints it, and the only place that knows its keys.</summary>
internal static class ProbeReportJson
{
    /// <summary>The report as one JSON object: what was probed, the label counts, the classifiers, one result per feature set.</summary>
    public static JsonObject Of(ProbeReport report)
    {
        var settings = report.Settings;
        return new JsonObject
        {
            ["data"] = report.Data,
            ["probed"] = report.Probed,
            ["transfer"] = report.Transfer,
            ["labels"] = settings.Labels,
            ["selection"] = settings.Selection == LabelSelection.First ? "first" : "balanced",
            ["label_counts"] = new JsonArray(report.LabelCounts.Select(x => (JsonNode)x).ToArray()),
            ["test_samples"] = report.TestSamples,
            ["classifiers"] = new JsonObject
            {
                ["logistic"] = $"softmax regression, L2 with C = {settings.C.ToString(CultureInfo.InvariantCulture)} on the weights, intercepts unpenalised, L-BFGS to max |gradient| <= 1e-4 (sklearn's tol) of the objective mean cross-entropy + |W|^2/(2Cn), without sklearn's 100-iteration cap",
                ["knn"] = $"{settings.Neighbours}-nearest neighbours, Euclidean, majority vote (ties to the smallest label)",
            },
            ["results"] = new JsonArray(report.Rows.Select(r => (JsonNode)new JsonObject
            {
                ["features"] = r.Features,
                ["fitted_on"] = r.FittedOn.Length == 0 ? null : r.FittedOn,
                ["dimension"] = r.Dimension,
                ["logistic_accuracy"] = r.LogisticAccuracy,
                ["knn_accuracy"] = r.KnnAccuracy,
                ["lbfgs_evaluations"] = r.Evaluations,
                ["converged"] = r.Converged,
                ["gradient_max"] = r.GradientMaxNorm,
                ["seconds"] = Math.Round(r.Seconds, 2),
            }).ToArray()),
        };
    }
}
