using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Evaluation;

namespace Bottleneck.Applications.Anomaly;

/// <summary>How one scoring method did on labelled data: ranking quality (ROC AUC, average precision) and the flags of its threshold.</summary>
/// <param name="Key">"autoencoder", "pca" or "knn": the method's name in files (scores.csv's columns).</param>
/// <param name="Name">"Autoencoder", "PCA (k = 32)", "k-NN (k = 5)".</param>
/// <param name="ScoreUnit">What a score is, for axis labels and reports.</param>
/// <param name="Scores">One score per evaluated sample; larger is more anomalous.</param>
/// <param name="Threshold">The method's threshold: the same percentile of its own held-out normal scores.</param>
internal sealed record MethodResult(string Key, string Name, string ScoreUnit, double[] Scores, double Threshold, double RocAuc, double AveragePrecision,
    DetectionCounts AtThreshold, RocCurve Curve);

/// <summary>A baseline's ROC AUC against the autoencoder's on the same samples, with DeLong's test of the difference.</summary>
internal sealed record Comparison(string Baseline, DeLongTest.Result Test)
{
    /// <summary>The baseline ranks anomalies better than the autoencoder, beyond sampling noise (DeLong p &lt; <see cref="AnomalyEvaluation.SignificanceLevel"/>).</summary>
    public bool BaselineWins => Test.PValue < AnomalyEvaluation.SignificanceLevel && Test.Difference > 0;
}

/// <summary>An evaluation: the autoencoder first, then each baseline, and what the comparison says.</summary>
internal sealed record AnomalyEvaluationResult(IReadOnlyList<MethodResult> Methods, bool[] IsAnomaly, IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<string> Verdicts, IReadOnlyList<string> Notes)
{
    public int Anomalies => IsAnomaly.Count(a => a);
    public int Normal => IsAnomaly.Length - Anomalies;
}

/// <summary>Which baselines to compute beside the autoencoder, and how.</summary>
internal sealed record BaselineOptions
{
    /// <summary>Neighbours of the k-NN baseline.</summary>
    public int KnnK { get; init; } = KnnBaseline.DefaultK;

    /// <summary>At most this many normal training samples as k-NN's reference set (a seeded random subsample); null keeps all.</summary>
    public int? KnnReference { get; init; }

    public long Seed { get; init; } = 42;
}

/// <summary>
/// Evaluates a detector on labelled data (§8.4): ROC AUC, average precision, and precision, recall and F1 at
/// the threshold, for the autoencoder and — because autoencoders do not dominate simple methods on anomaly benchmarks —
/// for PCA reconstruction error with as many components as the code has values, and k-nearest-neighbour distance,
/// both fitted on the very same normal training samples. The verdicts say plainly which method ranks anomalies best,
/// and whether the difference is more than the test set's sampling noise (DeLong's test).
/// </summary>
internal static class AnomalyEvaluation
{
    /// <summary>
    /// Which samples are anomalies: label = <paramref name="anomalyClass"/>; else a label outside
    /// <paramref name="normalClasses"/>; else outside the detector's own normal classes; else (a 0/1 label column,
    /// as the chapter's y_test) any label other than 0.
    /// </summary>
    /// <exception cref="BadInputException">The data has no labels.</exception>
    public static bool[] Truth(Dataset data, AnomalySettings settings, int? anomalyClass, int[]? normalClasses)
    {
        if (anomalyClass is not null && normalClasses is not null)
            throw new OptionException(["normal_classes", "anomaly_class"], "give one or the other");
        var labels = data.Labels ?? throw new BadInputException(
            $"{data.Name}: evaluation needs labels (mnist and fashion-mnist have them; for a CSV name the label column with `label_column`)");
        if (anomalyClass is int a) return labels.Select(l => l == a).ToArray();
        var normal = normalClasses ?? settings.NormalClasses;
        if (normal is not null)
        {
            var set = new HashSet<int>(normal);
            return labels.Select(l => !set.Contains(l)).ToArray();
        }
        return labels.Select(l => l != 0).ToArray();
    }

    /// <summary>
    /// Scores <paramref name="data"/> with the detector and, when <paramref name="normal"/> is given (the detector's own
    /// normal training data, as <see cref="NormalData.Select"/> rebuilds it), with the two baselines too. Each method is
    /// a stage of <paramref name="progress"/>, counted in samples scored.
    /// </summary>
    public static AnomalyEvaluationResult Run(AnomalyDetector detector, Dataset data, bool[] isAnomaly, NormalData? normal, BaselineOptions? options = null,
        IProgress<StageProgress>? progress = null)
    {
        options ??= new BaselineOptions();
        detector.CheckWidth(data.SampleSize, data.Name);
        if (normal is not null) KnnBaseline.Check(normal.Fit.Count, options.KnnK, options.KnnReference);   // before any stage starts
        var notes = new List<string>();
        const string scoring = "scoring with the autoencoder";
        StageProgress.Start(progress, scoring, data.Count);
        var methods = new List<MethodResult>
        {
            Measure("autoencoder", "Autoencoder", "reconstruction error (MSE per value)", detector.Scores(data), detector.Settings.Threshold, isAnomaly),
        };
        StageProgress.Advance(progress, scoring, data.Count, data.Count);
        var scaler = detector.Settings.Scaler;
        double percentile = detector.Settings.Percentile;
        if (normal is not null)
        {
            int codeSize = (int)detector.Model.CodeShape.Aggregate(1L, (a, b) => a * b);
            int components = (int)Math.Min(codeSize, Math.Min(data.SampleSize, normal.Fit.Count));
            if (components < codeSize)
                notes.Add($"PCA keeps {components} components, not the code's {codeSize}: no more exist in {data.SampleSize}-value data");
            const string pcaStage = "fitting and scoring the PCA baseline";
            long pcaWork = normal.Fit.Count + normal.Holdout.Count + data.Count;
            StageProgress.Start(progress, pcaStage, pcaWork);
            using (var pca = PcaBaseline.Fit(normal.Fit, scaler, components))
            {
                StageProgress.Advance(progress, pcaStage, normal.Fit.Count, pcaWork);
                var threshold = Percentile.Of(pca.Scores(normal.Holdout, scaler), percentile);
                StageProgress.Advance(progress, pcaStage, normal.Fit.Count + normal.Holdout.Count, pcaWork);
                methods.Add(Measure("pca", $"PCA (k = {components})", "reconstruction error (MSE per value)", pca.Scores(data, scaler), threshold, isAnomaly));
                StageProgress.Advance(progress, pcaStage, pcaWork, pcaWork);
                notes.Add($"PCA: {components} components fitted on the {normal.Fit.Count:N0} normal training samples keep " +
                          $"{100 * pca.ExplainedVarianceRatio:F1}% of their variance");
            }
            using (var knn = KnnBaseline.Fit(normal.Fit, scaler, options.KnnK, options.KnnReference, options.Seed))
            {
                // The slow one: every sample's distance to every reference sample; progress per batch of samples.
                const string knnStage = "k-NN distances to the normal training samples";
                long knnWork = normal.Holdout.Count + data.Count;
                StageProgress.Start(progress, knnStage, knnWork);
                var threshold = Percentile.Of(knn.Scores(normal.Holdout, scaler, done: n => StageProgress.Advance(progress, knnStage, n, knnWork)), percentile);
                var knnScores = knn.Scores(data, scaler, done: n => StageProgress.Advance(progress, knnStage, normal.Holdout.Count + n, knnWork));
                methods.Add(Measure("knn", $"k-NN (k = {knn.K})", $"distance to the {Ordinal(knn.K)} nearest normal sample", knnScores, threshold, isAnomaly));
                notes.Add(knn.ReferenceCount < normal.Fit.Count
                    ? $"k-NN: distances to a random subsample of {knn.ReferenceCount:N0} of the {normal.Fit.Count:N0} normal training samples (seed {options.Seed})"
                    : $"k-NN: distances to all {knn.ReferenceCount:N0} normal training samples");
            }
            notes.Add($"every method's threshold is the {percentile.ToString("0.###", CultureInfo.InvariantCulture)}th percentile of its own scores on the " +
                      $"{normal.Holdout.Count:N0} held-out normal samples");
        }
        var comparisons = methods.Skip(1).Select(m => new Comparison(m.Name, DeLongTest.Compare(m.Scores, methods[0].Scores, isAnomaly))).ToList();
        return new AnomalyEvaluationResult(methods, isAnomaly, comparisons, Verdicts(methods, comparisons), notes);
    }

    static MethodResult Measure(string key, string name, string unit, double[] scores, double threshold, bool[] isAnomaly)
    {
        var curve = RocCurve.Of(scores, isAnomaly);
        return new MethodResult(key, name, unit, scores, threshold, curve.Auc, AveragePrecision.Of(scores, isAnomaly),
            DetectionCounts.At(scores, isAnomaly, threshold), curve);
    }

    /// <summary>The significance level below which a difference of AUCs is called a win.</summary>
    public const double SignificanceLevel = 0.05;

    /// <summary>
    /// One sentence per baseline: which ranks anomalies better by ROC AUC — a win only when DeLong's test says the
    /// difference is larger than the test set's sampling noise (p &lt; 0.05), "alike" otherwise.
    /// </summary>
    static List<string> Verdicts(List<MethodResult> methods, List<Comparison> comparisons)
    {
        var ae = methods[0];
        var verdicts = new List<string>();
        foreach (var (baseline, comparison) in methods.Skip(1).Zip(comparisons))
        {
            string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
            var test = comparison.Test;
            string p = "DeLong p " + (test.PValue < 1e-4 ? "< 0.0001" : "= " + test.PValue.ToString("F4", CultureInfo.InvariantCulture));
            if (test.PValue >= SignificanceLevel)
                verdicts.Add($"{baseline.Name} and the autoencoder rank anomalies alike, within sampling noise: ROC AUC {F(baseline.RocAuc)} against {F(ae.RocAuc)} ({p}).");
            else if (test.Difference > 0)
                verdicts.Add($"{baseline.Name} BEATS the autoencoder: ROC AUC {F(baseline.RocAuc)} against {F(ae.RocAuc)} ({p}; " +
                             $"average precision {F(baseline.AveragePrecision)} against {F(ae.AveragePrecision)}).");
            else
                verdicts.Add($"The autoencoder beats {baseline.Name}: ROC AUC {F(ae.RocAuc)} against {F(baseline.RocAuc)} ({p}; " +
                             $"average precision {F(ae.AveragePrecision)} against {F(baseline.AveragePrecision)}).");
        }
        return verdicts;
    }

    static string Ordinal(int k) => k + ((k % 100) is 11 or 12 or 13 ? "th" : (k % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}
