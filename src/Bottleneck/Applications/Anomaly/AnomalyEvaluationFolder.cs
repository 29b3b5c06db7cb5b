using System.Globalization;
using System.Text;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// The folder `anomaly evaluate` writes, and the only place that knows its file names and keys: evaluation.json (the
/// figures of every method, DeLong's comparisons, the verdicts), scores.csv (every sample's score by every method),
/// error-histogram.png (the autoencoder's errors, normal against anomalous) and roc.png (one curve per method).
/// </summary>
internal static class AnomalyEvaluationFolder
{
    /// <summary>The report's file name.</summary>
    public const string ReportFile = "evaluation.json";

    /// <summary>The per-sample scores' file name.</summary>
    public const string ScoresFile = "scores.csv";

    /// <summary>The histogram's file name.</summary>
    public const string HistogramFile = "error-histogram.png";

    /// <summary>The ROC curves' file name.</summary>
    public const string RocFile = "roc.png";

    /// <summary>
    /// Writes the four files of <paramref name="result"/> into <paramref name="directory"/> (created if needed).
    /// <paramref name="data"/> is the evaluated dataset (its labels go into scores.csv), <paramref name="dataName"/> the
    /// name the user gave it, <paramref name="settings"/> the detector's (its percentile labels the threshold line).
    /// </summary>
    public static void Write(string directory, AnomalyEvaluationResult result, Dataset data, string dataName, AnomalySettings settings)
    {
        Directory.CreateDirectory(directory);
        var reportPath = Path.Combine(directory, ReportFile);
        AtomicFile.WriteAllText(reportPath, FiniteJson.Serialize(Report(result, data.Name, dataName).ToJson(), reportPath, ResultJson.Indented));
        WriteScores(Path.Combine(directory, ScoresFile), result, data.Labels);
        var caption = $"{(File.Exists(data.Name) ? Path.GetFileName(data.Name) : data.Name)}, {DescribeLabels(data.Labels!, result.IsAnomaly)}";
        DrawFigures(directory, result, settings, caption);
    }

    /// <summary>evaluation.json's content: <paramref name="evaluated"/> is the dataset's own name, <paramref name="dataName"/> the name the user gave.</summary>
    public static AnomalyEvaluationReport Report(AnomalyEvaluationResult result, string evaluated, string dataName) =>
        AnomalyEvaluationReport.Of(result, dataName, evaluated);

    /// <summary>scores.csv: row, label (when there are labels), is_anomaly (0/1), then one column per method, scores as float32 round-trip text.</summary>
    static void WriteScores(string path, AnomalyEvaluationResult result, int[]? labels)
    {
        var text = new StringBuilder("row,");
        if (labels is not null) text.Append("label,");
        text.Append("is_anomaly,").AppendJoin(',', result.Methods.Select(m => m.Key)).Append('\n');
        for (int i = 0; i < result.IsAnomaly.Length; i++)
        {
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',');
            if (labels is not null) text.Append(labels[i].ToString(CultureInfo.InvariantCulture)).Append(',');
            text.Append(result.IsAnomaly[i] ? '1' : '0');
            foreach (var m in result.Methods) text.Append(',').Append(((float)m.Scores[i]).ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    static void DrawFigures(string directory, AnomalyEvaluationResult result, AnomalySettings settings, string caption)
    {
        var ae = result.Methods[0];
        var (cap, beyond) = HistogramCap(ae.Scores, ae.Threshold);
        double[] Clip(bool anomalous) => ae.Scores.Where((_, i) => result.IsAnomaly[i] == anomalous).Select(v => Math.Min(v, cap)).ToArray();
        HistogramPlot.SavePng(Path.Combine(directory, HistogramFile),
            $"Reconstruction error ({caption})",
            "Reconstruction error (MSE per value)" + (beyond > 0 ? $"; the {beyond:N0} above {cap.ToString("G3", CultureInfo.InvariantCulture)} are in the last bin" : ""),
            [($"Normal ({result.Normal:N0})", Clip(false)), ($"Anomaly ({result.Anomalies:N0})", Clip(true))],
            bins: 50, thresholdLine: ae.Threshold,
            thresholdLabel: $"Threshold = {ae.Threshold.ToString("G4", CultureInfo.InvariantCulture)} ({settings.Percentile.ToString("0.###", CultureInfo.InvariantCulture)}th pct. of held-out normal)",
            normalize: true);
        RocPlot.SavePng(Path.Combine(directory, RocFile), $"ROC curves: {caption}",
            result.Methods.Select(m =>
            {
                var curve = m.Curve.WithoutCollinearPoints();
                return new RocSeries(m.Name, curve.FalsePositiveRate, curve.TruePositiveRate, m.RocAuc,
                    (m.AtThreshold.FalsePositiveRate, m.AtThreshold.Recall));
            }).ToList());
    }

    /// <summary>
    /// Where the error histogram's last bin starts, and how many scores lie beyond it. Reconstruction errors have long
    /// tails: a few huge ones would squeeze everything else into one bar, so values beyond the 99.5th percentile (and
    /// beyond 1.5 × the threshold) are counted in the last bin, and the axis says so.
    /// </summary>
    public static (double Cap, int Beyond) HistogramCap(double[] scores, double threshold)
    {
        double cap = Math.Max(Percentile.Of(scores, 99.5), 1.5 * threshold);
        return (cap, scores.Count(v => v > cap));
    }

    /// <summary>Which labels are which, in the fewest words: "anomaly = label 9", "normal = label 0", "anomaly = labels 1, 2".</summary>
    public static string DescribeLabels(int[] labels, bool[] isAnomaly)
    {
        string List(IEnumerable<int> set)
        {
            var sorted = set.Distinct().Order().ToArray();
            return sorted.Length == 1 ? $"label {sorted[0]}" : $"labels {string.Join(", ", sorted.Take(6))}{(sorted.Length > 6 ? ", ..." : "")}";
        }
        var anomalous = labels.Where((_, i) => isAnomaly[i]).Distinct().ToArray();
        var normal = labels.Where((_, i) => !isAnomaly[i]).Distinct().ToArray();
        return normal.Length < anomalous.Length ? $"normal = {List(normal)}" : $"anomaly = {List(anomalous)}";
    }
}
