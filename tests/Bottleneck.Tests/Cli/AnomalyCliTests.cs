using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// anomaly fit, score and evaluate as a user runs them, on the synthetic sensor table shipped in docs/anomaly
/// (4,000 normal rows of 16 readings; a test file with 200 labelled anomalies among 2,000 rows).
/// </summary>
public class AnomalyCliTests : IClassFixture<AnomalyCliTests.FittedDetector>
{
    /// <summary>One short fit shared by the tests of this class.</summary>
    public sealed class FittedDetector : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public CliRunner.Result Fit { get; }
        public static string Docs => Path.Combine(TestData.RepositoryRoot, "docs", "anomaly");
        public static string NormalCsv => Path.Combine(Docs, "tabular-normal.csv");
        public static string TestCsv => Path.Combine(Docs, "tabular-test.csv");

        public FittedDetector()
        {
            Fit = CliRunner.Run(Folder.Path, "anomaly", "fit", "--data", NormalCsv, "--model", Path.Combine(Docs, "tabular-spec.json"),
                "--epochs", "15", "--seed", "4", "--out", "detector");
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly FittedDetector fitted;
    readonly TempFolder folder;

    public AnomalyCliTests(FittedDetector fitted)
    {
        this.fitted = fitted;
        folder = fitted.Folder;
    }

    CliRunner.Result Run(params string[] args) => CliRunner.Run(folder.Path, args);

    static void FailsWithOneLine(CliRunner.Result result, string expected) => CliRunner.AssertBadInput(result, expected);

    [Fact]
    public void Fit_sets_the_threshold_at_numpys_95th_percentile_of_the_held_out_normal_errors()
    {
        Assert.True(fitted.Fit.ExitCode == 0, fitted.Fit.Stderr);
        var manifest = JsonNode.Parse(File.ReadAllText(folder["detector/model.json"]))!;
        Assert.Equal("linear", (string?)manifest["spec"]!["output_activation"]);
        Assert.Equal(16, (int)manifest["spec"]!["input_shape"]![0]!);
        var anomaly = manifest["anomaly"]!;
        Assert.Equal("standard", (string?)anomaly["scaler"]!["kind"]);
        Assert.Equal(16, anomaly["scaler"]!["offset"]!.AsArray().Count);
        Assert.Equal("s00", (string?)anomaly["feature_names"]![0]);
        Assert.Equal(3600, (int)anomaly["training_samples"]!);
        Assert.Equal(400, (int)anomaly["holdout_samples"]!);
        Assert.Equal(20, (int)anomaly["holdout_flagged"]!);   // 5% of 400, by construction
        Assert.True(File.Exists(folder["detector/holdout-errors.png"]));
        Assert.False(Directory.Exists(folder["detector/resume"]));

        // Recompute independently: the last 400 rows of the CSV, scored by the saved detector, 95th percentile.
        using var detector = AnomalyDetector.Load(folder["detector"]);
        var table = CsvTable.Read(FittedDetector.NormalCsv);
        var rows = table.Features.Floats!.AsSpan(3600 * 16).ToArray();
        using var held = new Dataset("held", TorchSharp.torch.tensor(rows, [400, 16]));
        var scores = detector.Scores(held);
        Assert.Equal(Percentile.Of(scores, 95), (double)anomaly["threshold"]!);
        // Scaling by hand: the first held-out row's first value, standardised with the saved mean and std.
        Assert.Equal((rows[0] - detector.Settings.Scaler!.Offset[0]) / detector.Settings.Scaler.Scale[0],
            detector.Settings.Scaler.Apply(TorchSharp.torch.tensor(rows[..16], [1, 16])).data<float>()[0]);
    }

    [Fact]
    public void Score_streams_in_chunks_and_gives_the_same_scores_whatever_the_chunk_size()
    {
        var whole = Run("anomaly", "score", "--model", "detector", "--data", FittedDetector.TestCsv, "--label-column", "y", "--out", "whole.csv");
        Assert.True(whole.ExitCode == 0, whole.Stderr);
        var chunked = Run("anomaly", "score", "--model", "detector", "--data", FittedDetector.TestCsv, "--label-column", "y", "--chunk-rows", "7",
            "--out", "chunked.csv", "--json");
        Assert.True(chunked.ExitCode == 0, chunked.Stderr);
        var lines = File.ReadAllLines(folder["whole.csv"]);
        var chunkedLines = File.ReadAllLines(folder["chunked.csv"]);
        Assert.Equal(lines.Length, chunkedLines.Length);
        // A matrix product's last bit can depend on how many rows it is given, so scores agree to float32 rounding.
        for (int i = 1; i < lines.Length; i++)
        {
            var (a, b) = (lines[i].Split(','), chunkedLines[i].Split(','));
            Assert.Equal(a[0], b[0]);
            Assert.Equal(a[3], b[3]);
            Assert.Equal(double.Parse(a[1], System.Globalization.CultureInfo.InvariantCulture), double.Parse(b[1], System.Globalization.CultureInfo.InvariantCulture),
                1e-5 * double.Parse(a[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("row,score,anomaly,label", lines[0]);
        Assert.Equal(2001, lines.Length);
        var threshold = (double)JsonNode.Parse(File.ReadAllText(folder["detector/model.json"]))!["anomaly"]!["threshold"]!;
        var cells = lines[1..].Select(l => l.Split(',')).ToArray();
        Assert.All(cells, c => Assert.Equal(double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture) > threshold ? "1" : "0", c[2]));
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => i.ToString()), cells.Select(c => c[0]));
        var summary = JsonNode.Parse(chunked.Stdout)!;
        Assert.Equal(2000, (long)summary["rows"]!);
        Assert.Equal(cells.Count(c => c[2] == "1"), (long)summary["flagged"]!);
        // Most labelled anomalies are flagged, most normal rows are not.
        Assert.True(cells.Count(c => c[3] == "1" && c[2] == "1") > 120);
        Assert.True(cells.Count(c => c[3] == "0" && c[2] == "1") < 250);
    }

    [Fact]
    public void Evaluate_reports_the_autoencoder_beside_pca_and_knn_and_draws_both_figures()
    {
        var result = Run("anomaly", "evaluate", "--model", "detector", "--data", FittedDetector.TestCsv, "--label-column", "y", "--out", "eval", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        CliRunner.AssertStageLines(result.Stderr, "scoring with the autoencoder: 2,000", "fitting and scoring the PCA baseline:",
            "k-NN distances to the normal training samples:");
        var report = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(2000, (int)report["samples"]!);
        Assert.Equal(200, (int)report["anomalies"]!);
        var methods = report["methods"]!.AsArray();
        Assert.Equal(["Autoencoder", "PCA (k = 3)", "k-NN (k = 5)"], methods.Select(m => (string)m!["name"]!));
        Assert.All(methods, m => Assert.InRange((double)m!["roc_auc"]!, 0.8, 1.0));
        Assert.Equal(2, report["verdicts"]!.AsArray().Count);
        foreach (var file in new[] { "evaluation.json", "scores.csv", "error-histogram.png", "roc.png" })
            Assert.True(File.Exists(folder["eval/" + file]), file);

        // The reported AUCs are those of the scores written beside them.
        var rows = File.ReadAllLines(folder["eval/scores.csv"])[1..].Select(l => l.Split(',')).ToArray();
        Assert.Equal(200, rows.Count(r => r[2] == "1"));
        for (int m = 0; m < 3; m++)
        {
            var scores = rows.Select(r => double.Parse(r[3 + m], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal((double)methods[m]!["roc_auc"]!, RocCurve.AucOf(scores, rows.Select(r => r[2] == "1").ToArray()), 6);
        }
        // Precision and recall at the threshold agree with the counts.
        var ae = methods[0]!;
        double tp = (long)ae["true_positives"]!, fp = (long)ae["false_positives"]!, fn = (long)ae["false_negatives"]!;
        Assert.Equal(tp / (tp + fp), (double)ae["precision"]!, 12);
        Assert.Equal(tp / (tp + fn), (double)ae["recall"]!, 12);
    }

    [Fact]
    public void A_bad_row_half_way_through_a_streamed_file_leaves_no_output()
    {
        var lines = File.ReadAllLines(FittedDetector.NormalCsv).ToList();
        lines[1500] = string.Join(",", Enumerable.Repeat("1.5", 15));
        File.WriteAllLines(folder["late-bad-row.csv"], lines);
        FailsWithOneLine(Run("anomaly", "score", "--model", "detector", "--data", "late-bad-row.csv", "--chunk-rows", "100", "--out", "late.csv"),
            "late-bad-row.csv: row 1501 has 15 columns, expected 16 (as in the header)");
        Assert.False(File.Exists(folder["late.csv"]));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public void Score_refuses_malformed_csv_files_with_one_line()
    {
        var header = string.Join(",", Enumerable.Range(0, 16).Select(j => $"s{j:00}"));
        var row = string.Join(",", Enumerable.Repeat("1", 16));
        File.WriteAllText(folder["cell.csv"], $"{header}\n{row}\n{row.Replace("1,1,1", "1,oops,1")}\n");
        FailsWithOneLine(Run("anomaly", "score", "--model", "detector", "--data", "cell.csv", "--out", "s.csv"), "cell.csv: row 3, column 's01': 'oops' is not a number");
        File.WriteAllText(folder["count.csv"], $"{header}\n{row}\n{row},2\n");
        FailsWithOneLine(Run("anomaly", "score", "--model", "detector", "--data", "count.csv", "--out", "s.csv"), "count.csv: row 3 has 17 columns, expected 16");
        File.WriteAllText(folder["empty.csv"], "");
        FailsWithOneLine(Run("anomaly", "score", "--model", "detector", "--data", "empty.csv", "--out", "s.csv"), "empty.csv: the file is empty");
        File.WriteAllText(folder["narrow.csv"], "a,b,c,d,e\n1,2,3,4,5\n");
        FailsWithOneLine(Run("anomaly", "score", "--model", "detector", "--data", "narrow.csv", "--out", "s.csv"), "narrow.csv: rows have 5 values, but the detector's model 'tabular-16-3' takes 16");
        // The test file without --label-column has its label as a 17th value.
        FailsWithOneLine(Run("anomaly", "score", "--model", "detector", "--data", FittedDetector.TestCsv, "--out", "s.csv"), "rows have 17 values");
        File.WriteAllText(folder["renamed.csv"], $"{header.Replace("s03", "temp")}\n{row}\n");
        FailsWithOneLine(Run("anomaly", "score", "--model", "detector", "--data", "renamed.csv", "--out", "s.csv"), "feature column 3 is 'temp', but the detector was trained with 's03' there");
        Assert.False(File.Exists(folder["s.csv"]));
    }

    [Fact]
    public void Fit_refuses_bad_options_before_training()
    {
        string[] Fit(params string[] extra) => ["anomaly", "fit", "--data", FittedDetector.NormalCsv, "--model", Path.Combine(FittedDetector.Docs, "tabular-spec.json"), "--out", "never", .. extra];
        FailsWithOneLine(Run(Fit("--percentile", "100")), "--percentile: expected a value in (0, 100), got 100");
        FailsWithOneLine(Run(Fit("--percentile", "0")), "--percentile: expected a value in (0, 100), got 0");
        FailsWithOneLine(Run(Fit("--percentile", "-3")), "--percentile: expected a value in (0, 100), got -3");
        FailsWithOneLine(Run(Fit("--contamination", "1.5")), "--contamination: expected a rate in (0, 1), got 1.5");
        FailsWithOneLine(Run(Fit("--percentile", "99", "--contamination", "0.01")), "give one or the other");
        FailsWithOneLine(Run(Fit("--anomaly-class", "1")), "--anomaly-class: ");
        FailsWithOneLine(Run(Fit("--scaler", "robust")), "--scaler: unknown scaler 'robust'");
        FailsWithOneLine(Run(Fit("--holdout", "1.5")), "--holdout: expected a fraction in (0, 1), got 1.5");
        File.WriteAllText(folder["empty.csv"], "\n");
        FailsWithOneLine(Run("anomaly", "fit", "--data", "empty.csv", "--model", "basic", "--out", "never"), "empty.csv: the file is empty");
        File.WriteAllText(folder["sigmoid.json"], """{ "encoder": [8], "bottleneck": 3 }""");
        FailsWithOneLine(Run("anomaly", "fit", "--data", FittedDetector.NormalCsv, "--model", "sigmoid.json", "--out", "never"),
            "output_activation 'sigmoid' cannot reproduce standardised data");
        FailsWithOneLine(Run("anomaly", "fit", "--data", "mnist", "--model", "basic", "--anomaly-class", "12", "--out", "never"),
            "--anomaly-class: class 12 does not occur in the labels of mnist/train (found 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)");
        Assert.False(Directory.Exists(folder["never"]));
    }

    [Fact]
    public void Data_of_other_dimensions_and_plain_models_are_refused()
    {
        FailsWithOneLine(Run("anomaly", "evaluate", "--model", "detector", "--data", "mnist", "--limit", "50"),
            "mnist/test: samples have 784 values, but the detector's model 'tabular-16-3' takes 16");
        FailsWithOneLine(Run("anomaly", "evaluate", "--model", "detector", "--data", FittedDetector.NormalCsv),
            "evaluation needs labels");
        // A model folder without anomaly settings is a model, not a detector.
        Directory.CreateDirectory(folder["plain"]);
        foreach (var file in new[] { "weights.safetensors", "model.json" }) File.Copy(folder["detector/" + file], folder["plain/" + file], true);
        var manifest = JsonNode.Parse(File.ReadAllText(folder["plain/model.json"]))!.AsObject();
        manifest.Remove("anomaly");
        File.WriteAllText(folder["plain/model.json"], manifest.ToJsonString());
        FailsWithOneLine(Run("anomaly", "score", "--model", "plain", "--data", FittedDetector.TestCsv, "--out", "s.csv"),
            "not an anomaly detector (model.json has no 'anomaly' field; make one with 'bottleneck anomaly fit')");
    }

    [Fact]
    public void Images_one_held_out_digit_end_to_end()
    {
        var fit = Run("anomaly", "fit", "--data", "mnist", "--model", "basic", "--anomaly-class", "9", "--limit", "3000", "--epochs", "2",
            "--contamination", "0.1", "--out", "digits", "--json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var anomaly = JsonNode.Parse(fit.Stdout)!["anomaly"]!;
        Assert.Equal(Enumerable.Range(0, 9), anomaly["normal_classes"]!.AsArray().Select(c => (int)c!));
        Assert.Equal(90, (double)anomaly["percentile"]!);
        Assert.Null(anomaly["scaler"]);
        int held = (int)anomaly["holdout_samples"]!;
        Assert.Equal((int)Math.Round(held * 0.1), (int)anomaly["holdout_flagged"]!, 1.0);

        var evaluate = Run("anomaly", "evaluate", "--model", "digits", "--data", "mnist", "--limit", "600", "--knn-reference", "500", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var report = JsonNode.Parse(evaluate.Stdout)!;
        using var mnist = DataSource.Load("mnist");
        Assert.Equal(mnist.Test!.Labels!.Take(600).Count(l => l == 9), (int)report["anomalies"]!);
        Assert.Contains("random subsample of 500", report["notes"]!.ToJsonString());
        Assert.True(File.Exists(folder["digits/evaluation/roc.png"]));
    }
}
