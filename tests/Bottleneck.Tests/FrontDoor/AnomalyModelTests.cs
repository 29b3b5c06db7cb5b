using Xunit;
using Bottleneck.Evaluation;

namespace Bottleneck.Tests.FrontDoor;

/// <summary>Anomaly detection through the front door: PyOD's fit / decision_function / predict / threshold_ on float rows.</summary>
public class AnomalyModelTests
{
    // Normal rows: 8 correlated features on a 2-dimensional plane plus a little noise, in units far from [0, 1].
    static float[][] Normal(int count, int seed)
    {
        var random = new Random(seed);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, count).Select(_ =>
        {
            double a = Gauss(), b = Gauss();
            return Enumerable.Range(0, 8).Select(j => (float)(100 + 20 * (j % 2 == 0 ? a + 0.5 * b : b - 0.3 * a) + Gauss())).ToArray();
        }).ToArray();
    }

    static readonly AnomalyOptions Options = new() { Training = new FitOptions { Epochs = 40, BatchSize = 32, LearningRate = 3e-3 } };

    [Fact]
    public void The_exported_detector_scores_and_flags_raw_rows_in_onnx_runtime_as_the_model_does()
    {
        using var folder = new TempFolder();
        var spec = folder["plane.json"];
        File.WriteAllText(spec, """{ "name": "plane", "encoder": [16], "bottleneck": 2, "bottleneck_activation": "linear", "output_activation": "linear" }""");
        using var detector = AnomalyModel.Fit(Normal(600, 1), spec, Options with { Training = Options.Training with { Epochs = 10 } });
        // Half fresh normal rows, half pushed off the plane: both sides of the threshold.
        var rows = Normal(40, 2).Select((r, i) => i % 2 == 0 ? r : r.Select((v, j) => j == 3 ? v + 15 : v).ToArray()).ToArray();
        detector.ExportOnnx(folder["detector.onnx"]);
        detector.Save(folder["detector"]);

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(folder["detector.onnx"]);
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, 8]);
        using var runOptions = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [input], ["score", "anomaly"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var flags = outputs[1].GetTensorDataAsSpan<bool>().ToArray();

        // The independent reference: the saved weights and scaler in float64, x' = (x − offset) / scale, mean((x' − x̂')²).
        var settings = Bottleneck.Applications.Anomaly.AnomalyDetector.Load(folder["detector"]).Settings;
        using var model64 = Bottleneck.Persistence.ModelFolder.Load(folder["detector"]);
        TorchSharp.ModuleExtensionMethods.to(model64, TorchSharp.torch.ScalarType.Float64).eval();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var noGrad = TorchSharp.torch.no_grad();
        var raw = TorchSharp.torch.tensor(rows.SelectMany(r => r).Select(v => (double)v).ToArray(), [rows.Length, 8]);
        var x = (raw - TorchSharp.torch.tensor(settings.Scaler!.Offset).to_type(TorchSharp.torch.ScalarType.Float64))
                / TorchSharp.torch.tensor(settings.Scaler.Scale).to_type(TorchSharp.torch.ScalarType.Float64);
        var reference = (model64.Reconstruct(x) - x).square().mean([1]).data<double>().ToArray();

        var front = detector.Score(rows);
        for (int i = 0; i < rows.Length; i++)
        {
            // float32 against float64: 1e-4 relative on a mean of squares is float32 rounding through the scaler and net.
            Assert.True(Math.Abs(scores[i] - reference[i]) <= 1e-4 * reference[i], $"row {i}: ONNX {scores[i]:R}, float64 {reference[i]:R}");
            Assert.True(Math.Abs(front[i] - reference[i]) <= 1e-4 * reference[i], $"row {i}: Score {front[i]:R}, float64 {reference[i]:R}");
        }
        Assert.Equal(detector.Predict(rows), flags);
        Assert.Contains(true, flags);
        Assert.Contains(false, flags);
    }

    [Fact]
    public void The_threshold_is_the_95th_percentile_of_the_held_out_normal_scores_and_outliers_are_flagged()
    {
        // A code of 2 for data on a plane: the model cannot copy what lies off it (basic's code of 32 > 8 could).
        using var folder = new TempFolder();
        var spec = folder["plane.json"];
        File.WriteAllText(spec, """{ "name": "plane", "encoder": [16], "bottleneck": 2, "bottleneck_activation": "linear", "output_activation": "linear" }""");
        var rows = Normal(1000, 1);
        using var detector = AnomalyModel.Fit(rows, spec, Options);
        // The held-out part is the last 10 % of the rows; its scores' 95th percentile by linear interpolation (numpy's default), by hand.
        var holdout = detector.Score(rows[900..]).Order().ToArray();
        double rank = 0.95 * (holdout.Length - 1);
        int below = (int)Math.Floor(rank);
        double expected = holdout[below] + (rank - below) * (holdout[below + 1] - holdout[below]);
        Assert.Equal(expected, detector.Threshold, 6);
        // Off the plane by 15 standard deviations of the noise: every one is flagged; fresh normal rows mostly are not.
        var outliers = Normal(50, 2).Select(r => r.Select((v, j) => j == 3 ? v + 15 : v).ToArray()).ToArray();
        Assert.True(detector.Predict(outliers).All(f => f), $"threshold {detector.Threshold}, outlier scores {string.Join(", ", detector.Score(outliers).Take(8))}, normal {string.Join(", ", holdout.Take(8))}");
        double flagged = detector.Predict(Normal(1000, 3)).Count(f => f) / 1000.0;
        Assert.InRange(flagged, 0.01, 0.15);
    }

    [Fact]
    public void A_saved_detector_loads_with_the_same_scores_and_concurrent_scoring_agrees()
    {
        using var folder = new TempFolder();
        var rows = Normal(600, 4);
        using var detector = AnomalyModel.Fit(rows, "basic", Options with { Training = Options.Training with { Epochs = 5 } });
        detector.Save(folder["det"]);
        using var loaded = AnomalyModel.Load(folder["det"]);
        var probe = Normal(100, 5);
        var scores = detector.Score(probe);
        Assert.Equal(scores, loaded.Score(probe));
        Assert.Equal(detector.Threshold, loaded.Threshold);
        var results = new double[8][];
        Parallel.For(0, results.Length, i => results[i] = loaded.Score(probe));
        Assert.All(results, r => Assert.Equal(scores, r));

        // The command line scores the same rows from a CSV with the saved folder, to float32's precision.
        File.WriteAllLines(folder["probe.csv"], probe.Select(r => string.Join(",", r.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
        var run = Cli.CliRunner.Run(folder.Path, "anomaly", "score", "--model", "det", "--data", "probe.csv", "--out", "scores.csv");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var cli = File.ReadAllLines(folder["scores.csv"]).Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(scores.Length, cli.Length);
        for (int i = 0; i < cli.Length; i++) Assert.Equal(scores[i], cli[i], 6);
    }

    [Fact]
    public void Scores_of_1_64_1024_and_2500_rows_equal_a_float64_reference_and_concurrent_callers_get_their_own()
    {
        // The tabular example detector of Fixtures/scoring (standard scaler, 16 columns); 2,500 rows are 1,024 + 1,024 + 452.
        var folder = Applications.BatchScorerTests.Fixture("tabular-detector");
        var test = Applications.BatchScorerTests.TestRows("tabular-detector");
        var rows = test.Concat(test[..500]).ToArray();
        var reference = Applications.BatchScorerTests.Reference(folder, rows);
        using var detector = AnomalyModel.Load(folder);
        foreach (var count in new[] { 1, 64, 1024, 2500 })
            Applications.BatchScorerTests.AssertNearReference(reference[..count], detector.Score(rows[..count]), $"{count} rows");
        // Calls of different sizes from many threads at once: each gets the scores of its own rows, as alone.
        int[] counts = [1, 7, 64, 300, 1024, 2500, 3, 1500];
        var alone = counts.Select(c => detector.Score(rows[^c..])).ToArray();
        var together = new double[counts.Length][];
        Parallel.For(0, 4 * counts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => together[i % counts.Length] = detector.Score(rows[^counts[i % counts.Length]..]));
        for (int k = 0; k < counts.Length; k++) Assert.Equal(alone[k], together[k]);
    }

    [Fact]
    public void Bad_options_and_rows_are_refused_with_the_argument_named()
    {
        Assert.StartsWith("options.Holdout", Assert.Throws<BadInputException>(() => AnomalyModel.Fit(Normal(100, 1), "basic", Options with { Holdout = 1.5 })).Message);
        Assert.StartsWith("options.Percentile", Assert.Throws<BadInputException>(() => AnomalyModel.Fit(Normal(100, 1), "basic", Options with { Percentile = 100 })).Message);
        var ragged = Normal(100, 1);
        ragged[7] = [1, 2];
        Assert.Equal("normalRows[7]: expected 8 values, got 2", Assert.Throws<BadInputException>(() => AnomalyModel.Fit(ragged, "basic", Options)).Message);

        // Scoring checks the rows it is given as it copies them in, in every batch, with the same messages.
        using var detector = AnomalyModel.Load(Applications.BatchScorerTests.Fixture("tabular-detector"));
        var rows = Enumerable.Range(0, 1500).Select(_ => new float[16]).ToArray();
        Assert.Equal("rows: expected rows, got null", Assert.Throws<BadInputException>(() => detector.Score(null!)).Message);
        Assert.Equal("rows: expected at least one row, got none", Assert.Throws<BadInputException>(() => detector.Score([])).Message);
        rows[1200] = new float[15];
        Assert.Equal("rows[1200]: expected 16 values, got 15", Assert.Throws<BadInputException>(() => detector.Score(rows)).Message);
        rows[1200] = new float[16];
        rows[3][5] = float.NaN;
        Assert.Equal("rows[3][5]: expected a finite number, got NaN", Assert.Throws<BadInputException>(() => detector.Score(rows)).Message);
        rows[3] = null!;
        Assert.Equal("rows[3]: expected a row of 16 values, got null", Assert.Throws<BadInputException>(() => detector.Score(rows)).Message);
        // After refusals half way through, the detector still scores right.
        rows[3] = Enumerable.Range(0, 16).Select(j => (float)j).ToArray();
        var reference = Applications.BatchScorerTests.Reference(Applications.BatchScorerTests.Fixture("tabular-detector"), rows);
        Applications.BatchScorerTests.AssertNearReference(reference, detector.Score(rows), "after refusals");
    }
}
