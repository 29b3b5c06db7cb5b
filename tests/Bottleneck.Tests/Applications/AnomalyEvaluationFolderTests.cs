using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Tests.Export;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>
/// anomaly evaluate's library half: rebuilding the detector's normal data, the evaluation's stages, and the folder's
/// files (names, columns and keys pinned: files users have must stay readable).
/// </summary>
public class AnomalyEvaluationFolderTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    string Csv(string name, float[][] rows)
    {
        var lines = new List<string> { string.Join(',', DetectorFolder.FeatureNames) };
        lines.AddRange(rows.Select(r => string.Join(',', r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        File.WriteAllLines(folder[name], lines);
        return folder[name];
    }

    static Dataset Labelled(float[][] rows, int[] labels)
    {
        var t = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, DetectorFolder.Width]);
        t.DetachFromDisposeScope();
        return new Dataset("labelled rows", t, labels);
    }

    [Fact]
    public void Rebuild_gives_the_recorded_counts_in_file_order_and_refuses_changed_data()
    {
        var settings = DetectorFolder.Write(folder["detector"]);
        var rows = DetectorFolder.Rows(200);
        // 200 rows, 10 % held out: the first 180 are fitted on, the last 20 set the threshold (as anomaly fit split them).
        using (var normal = DetectorTrainingData.Rebuild(settings, Csv("rows.csv", rows)))
        {
            Assert.Equal((180, 20), (normal.Fit.Count, normal.Holdout.Count));
            Assert.Equal(rows[0], normal.Fit.Batch(0, 1).data<float>().ToArray());
            Assert.Equal(rows[180], normal.Holdout.Batch(0, 1).data<float>().ToArray());
        }
        var changed = Csv("fewer.csv", rows[..150]);
        var error = Assert.Throws<BadInputException>(() => DetectorTrainingData.Rebuild(settings, changed));
        Assert.Equal($"{changed}: rebuilding the normal training data gives 135 + 15 samples, but the detector was fitted on 180 + 20 (has the data changed? give `train_data` or `no_baselines`)", error.Message);
        // Without an override, the path recorded in model.json is read; a missing file says what to do.
        var missing = Assert.Throws<BadInputException>(() => DetectorTrainingData.Rebuild(settings with { Data = folder["gone.csv"] }));
        Assert.StartsWith("the baselines need the detector's normal training data, which is not where model.json says", missing.Message);
    }

    [Fact]
    public void Evaluation_reports_each_method_as_a_stage_and_the_folder_keeps_its_layout()
    {
        var settings = DetectorFolder.Write(folder["detector"]);
        using var detector = AnomalyDetector.Load(folder["detector"]);
        using var normal = DetectorTrainingData.Rebuild(settings, Csv("rows.csv", DetectorFolder.Rows(200)));
        // 60 fresh normal rows and 40 rows pushed 40 units off in every column: labels 0 and 1.
        var rows = DetectorFolder.Rows(100, seed: 5).Select((r, i) => i < 60 ? r : r.Select(v => v + 40).ToArray()).ToArray();
        var labels = Enumerable.Range(0, 100).Select(i => i < 60 ? 0 : 1).ToArray();
        using var data = Labelled(rows, labels);
        var truth = AnomalyEvaluation.Truth(data, settings, anomalyClass: 1, normalClasses: null);
        var log = new StageLog();
        var result = AnomalyEvaluation.Run(detector, data, truth, normal, new BaselineOptions { KnnK = 3 }, log);

        Assert.Equal(["scoring with the autoencoder", "fitting and scoring the PCA baseline", "k-NN distances to the normal training samples"], log.Stages());
        Assert.Equal(new StageProgress("scoring with the autoencoder", 100, 100), log.Last("scoring with the autoencoder"));
        Assert.Equal(new StageProgress("fitting and scoring the PCA baseline", 180 + 20 + 100, 300), log.Last("fitting and scoring the PCA baseline"));
        Assert.Equal(new StageProgress("k-NN distances to the normal training samples", 20 + 100, 120), log.Last("k-NN distances to the normal training samples"));
        Assert.True(log.Reports.Where(r => r.Stage.StartsWith("k-NN")).Select(r => r.Done).SequenceEqual(
            log.Reports.Where(r => r.Stage.StartsWith("k-NN")).Select(r => r.Done).Order()), "k-NN progress never goes back");

        AnomalyEvaluationFolder.Write(folder["eval"], result, data, "rows", settings);
        foreach (var file in new[] { "evaluation.json", "scores.csv", "error-histogram.png", "roc.png" })
            Assert.True(File.Exists(Path.Combine(folder["eval"], file)), file);
        var lines = File.ReadAllLines(Path.Combine(folder["eval"], "scores.csv"));
        Assert.Equal("row,label,is_anomaly,autoencoder,pca,knn", lines[0]);
        Assert.Equal(101, lines.Length);
        var last = lines[100].Split(',');
        Assert.Equal(["99", "1", "1"], last[..3]);
        for (int m = 0; m < 3; m++)
            Assert.Equal((float)result.Methods[m].Scores[99], float.Parse(last[3 + m], CultureInfo.InvariantCulture));

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(folder["eval"], "evaluation.json")))!.AsObject();
        Assert.Equal(["data", "evaluated", "samples", "anomalies", "normal", "methods", "best_by_roc_auc", "comparisons", "verdicts", "notes", "units"],
            report.Select(p => p.Key).ToArray());
        Assert.Equal(["name", "score", "roc_auc", "average_precision", "threshold", "precision", "recall", "f1", "false_positive_rate",
                      "true_positives", "false_positives", "false_negatives", "true_negatives"],
            report["methods"]![0]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(["baseline", "auc_minus_autoencoder_auc", "standard_error", "delong_p_value"],
            report["comparisons"]![0]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(("rows", "labelled rows", 100, 40, 60), ((string)report["data"]!, (string)report["evaluated"]!, (int)report["samples"]!, (int)report["anomalies"]!, (int)report["normal"]!));
        Assert.Equal(result.Methods[1].RocAuc, (double)report["methods"]![1]!["roc_auc"]!);
        // Rows 40 units off in every column are far from all normal rows: k-NN ranks every one above every normal row.
        Assert.Equal(1.0, result.Methods[2].RocAuc);
    }

    [Fact]
    public void The_histogram_cap_is_the_99_5th_percentile_or_1_5_thresholds_whichever_is_larger()
    {
        var scores = Enumerable.Range(1, 200).Select(i => (double)i).ToArray();
        // numpy: np.percentile(np.arange(1, 201), 99.5) = 1 + 0.995 · 199 = 199.005; one score (200) lies beyond.
        Assert.Equal((199.005, 1), Round(AnomalyEvaluationFolder.HistogramCap(scores, threshold: 100)));
        Assert.Equal((225.0, 0), Round(AnomalyEvaluationFolder.HistogramCap(scores, threshold: 150)));

        static (double, int) Round((double Cap, int Beyond) c) => (Math.Round(c.Cap, 9), c.Beyond);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 9, 9 }, new[] { false, false, true, true }, "anomaly = label 9")]
    [InlineData(new[] { 0, 1, 2, 3 }, new[] { false, true, true, true }, "normal = label 0")]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 0 }, new[] { false, true, true, true, true, true, true, true, false }, "normal = label 0")]
    [InlineData(new[] { 0, 0, 1, 2, 3, 4, 5, 6, 7 }, new[] { false, false, true, true, true, true, true, true, true }, "normal = label 0")]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, new[] { false, true, true, true, true, true, true, true, false }, "normal = labels 1, 9")]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
                new[] { false, false, false, false, false, false, false, false, true, true, true, true, true, true, true, true }, "anomaly = labels 8, 9, 10, 11, 12, 13, ...")]
    public void Labels_are_described_in_the_fewest_words(int[] labels, bool[] isAnomaly, string expected) =>
        Assert.Equal(expected, AnomalyEvaluationFolder.DescribeLabels(labels, isAnomaly));
}
