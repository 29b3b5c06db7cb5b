using System.Text.Json.Nodes;
using Bottleneck.IO;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// evaluation.json of `anomaly evaluate` (and its --json): each method's ROC AUC, average precision and counts at its
/// threshold, DeLong's comparison of each baseline with the autoencoder, and the verdicts. The keys are those of every
/// earlier version.
/// </summary>
internal sealed record AnomalyEvaluationReport
{
    /// <summary>The data argument's name.</summary>
    public required string Data { get; init; }

    /// <summary>The part evaluated ("mnist/test", a file path).</summary>
    public required string Evaluated { get; init; }

    /// <summary>Samples evaluated.</summary>
    public required int Samples { get; init; }

    /// <summary>How many of them are anomalies.</summary>
    public required int Anomalies { get; init; }

    /// <summary>How many of them are normal.</summary>
    public required int Normal { get; init; }

    /// <summary>The autoencoder first, then the baselines.</summary>
    public required IReadOnlyList<AnomalyMethodFigures> Methods { get; init; }

    /// <summary>The method with the highest ROC AUC.</summary>
    public required string BestByRocAuc { get; init; }

    /// <summary>Each baseline against the autoencoder.</summary>
    public required IReadOnlyList<AnomalyComparisonFigures> Comparisons { get; init; }

    /// <summary>Which method wins, in words.</summary>
    public required IReadOnlyList<string> Verdicts { get; init; }

    /// <summary>How the baselines were fitted.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>What the figures mean.</summary>
    public AnomalyEvaluationUnits Units { get; init; } = new();

    /// <summary>The report of <paramref name="result"/> on <paramref name="evaluated"/>, part of the data named <paramref name="data"/>.</summary>
    public static AnomalyEvaluationReport Of(AnomalyEvaluationResult result, string data, string evaluated) => new()
    {
        Data = data,
        Evaluated = evaluated,
        Samples = result.IsAnomaly.Length,
        Anomalies = result.Anomalies,
        Normal = result.Normal,
        Methods = result.Methods.Select(m => new AnomalyMethodFigures
        {
            Name = m.Name, Score = m.ScoreUnit, RocAuc = m.RocAuc, AveragePrecision = m.AveragePrecision, Threshold = m.Threshold,
            Precision = m.AtThreshold.Precision, Recall = m.AtThreshold.Recall, F1 = m.AtThreshold.F1,
            FalsePositiveRate = m.AtThreshold.FalsePositiveRate, TruePositives = m.AtThreshold.TruePositives,
            FalsePositives = m.AtThreshold.FalsePositives, FalseNegatives = m.AtThreshold.FalseNegatives, TrueNegatives = m.AtThreshold.TrueNegatives,
        }).ToArray(),
        BestByRocAuc = result.Methods.MaxBy(m => m.RocAuc)!.Name,
        Comparisons = result.Comparisons.Select(c => new AnomalyComparisonFigures
        {
            Baseline = c.Baseline, AucMinusAutoencoderAuc = c.Test.Difference, StandardError = c.Test.StandardError, DelongPValue = c.Test.PValue,
        }).ToArray(),
        Verdicts = result.Verdicts,
        Notes = result.Notes,
    };

    /// <summary>The report as a JSON tree; a non-finite number in it is written as null by <see cref="FiniteJson"/>.</summary>
    public JsonObject ToJson() => ResultJson.ToNode(this).AsObject();

    /// <summary>Reads a report from its JSON tree; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="BadInputException">The JSON is not such a report.</exception>
    public static AnomalyEvaluationReport FromJson(JsonNode json, string source) => ResultJson.Read<AnomalyEvaluationReport>(json, source);
}

/// <summary>One method's figures in evaluation.json.</summary>
internal sealed record AnomalyMethodFigures
{
    /// <summary>"Autoencoder", "PCA (k = 32)", "k-NN (k = 5)".</summary>
    public required string Name { get; init; }

    /// <summary>What the method's score is.</summary>
    public required string Score { get; init; }

    /// <summary>Area under the ROC curve, ties counted half.</summary>
    public required double RocAuc { get; init; }

    /// <summary>scikit-learn's average precision.</summary>
    public required double AveragePrecision { get; init; }

    /// <summary>The method's threshold: a score above it is flagged.</summary>
    public required double Threshold { get; init; }

    /// <summary>Precision at the threshold.</summary>
    public required double Precision { get; init; }

    /// <summary>Recall at the threshold.</summary>
    public required double Recall { get; init; }

    /// <summary>F1 at the threshold.</summary>
    public required double F1 { get; init; }

    /// <summary>False positive rate at the threshold.</summary>
    public required double FalsePositiveRate { get; init; }

    /// <summary>Anomalies flagged.</summary>
    public required long TruePositives { get; init; }

    /// <summary>Normal samples flagged.</summary>
    public required long FalsePositives { get; init; }

    /// <summary>Anomalies missed.</summary>
    public required long FalseNegatives { get; init; }

    /// <summary>Normal samples passed.</summary>
    public required long TrueNegatives { get; init; }
}

/// <summary>One baseline against the autoencoder in evaluation.json (DeLong's test on the same samples).</summary>
internal sealed record AnomalyComparisonFigures
{
    /// <summary>The baseline's name.</summary>
    public required string Baseline { get; init; }

    /// <summary>The baseline's ROC AUC minus the autoencoder's.</summary>
    public required double AucMinusAutoencoderAuc { get; init; }

    /// <summary>DeLong's standard error of that difference.</summary>
    public required double StandardError { get; init; }

    /// <summary>Two-sided p-value that the two AUCs are equal.</summary>
    public required double DelongPValue { get; init; }
}

/// <summary>evaluation.json's units: what each figure means.</summary>
internal sealed record AnomalyEvaluationUnits
{
    /// <summary>What ROC AUC means here.</summary>
    public string RocAuc { get; init; } = "area under the ROC curve, trapezoidal, tied scores counted half (scikit-learn's roc_auc_score)";

    /// <summary>What average precision means here.</summary>
    public string AveragePrecision { get; init; } = "scikit-learn's average_precision_score: Σ (Rn − Rn−1)·Pn, no interpolation";

    /// <summary>What precision, recall and F1 are measured at.</summary>
    public string PrecisionRecallF1 { get; init; } = "at the threshold: score > threshold is flagged; anomalies are the positives";

    /// <summary>What the p-value tests.</summary>
    public string DelongPValue { get; init; } = "two-sided p-value of DeLong's test that the baseline's and the autoencoder's AUCs on these samples are equal";
}
