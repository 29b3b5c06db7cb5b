using System.Text.Json.Nodes;
using Bottleneck.Evaluation;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Applications.Compression;
using Bottleneck.IO;
using Bottleneck.Training;
using Xunit;

namespace Bottleneck.Tests.IO;

/// <summary>
/// Files written before the results were records (Fixtures/formats, from commit 5029516) read into the records and come
/// back out byte for byte: the same keys, in the same order, with the same numbers. A renamed key, a lost field, a
/// number written another way, or a null dropped instead of written would each change the text.
/// </summary>
public class FormatFixtureTests
{
    static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "formats", name));

    static JsonObject Parse(string name) => JsonNode.Parse(Fixture(name))!.AsObject();

    [Theory]
    [InlineData("basic.json")]
    [InlineData("vae.json")]
    [InlineData("vq.json")]
    [InlineData("denoise.json")]
    [InlineData("pretrained.json")]
    [InlineData("tabular-validation.json")]
    [InlineData("tabular-no-evaluation.json")]
    [InlineData("diverged.json")]
    [InlineData("demo.json")]
    [InlineData("anomaly-fit.json")]
    [InlineData("anomaly-fit-tabular.json")]
    public void Metrics_json_reads_into_its_record_and_writes_back_identically(string name)
    {
        var metrics = RunMetrics.FromJson(Parse("metrics/" + name), name);
        Assert.Equal(Fixture("metrics/" + name), metrics.Serialize(name, ResultJson.Readable));
    }

    [Fact]
    public void The_records_hold_the_files_figures_typed()
    {
        var vae = RunMetrics.FromJson(Parse("metrics/vae.json"), "vae.json");
        Assert.Equal(StopReason.Completed, vae.StopReason);
        Assert.Equal(427_344, vae.Params);
        Assert.Equal(0.07293353694993622, vae.Test!.Mse);
        Assert.Null(vae.Validation);
        Assert.Equal(["kl", "reconstruction_nats", "elbo", "nll_iw_k", "nll_iw_samples"], vae.ModelFigures.Keys);
        Assert.Equal(-247.65405544473268, vae.ModelFigures["elbo"]);
        Assert.StartsWith("nats per image", vae.Units.Figures["elbo"]);
        Assert.Equal(["samples.png"], vae.Figures);

        var tabular = RunMetrics.FromJson(Parse("metrics/tabular-validation.json"), "tabular");
        Assert.Equal("validation", tabular.EvaluatedOn);
        Assert.Null(tabular.Validation!.Bce);   // null in the file: no cross-entropy of standardised data
        Assert.Equal(30, tabular.Evaluation!.Samples);

        var diverged = RunMetrics.FromJson(Parse("metrics/diverged.json"), "diverged");
        Assert.Equal(StopReason.Diverged, diverged.StopReason);
        Assert.Equal(1.7079740257860728E+21, diverged.FinalLoss);
        Assert.Null(diverged.BestMonitoredLoss);

        var denoise = RunMetrics.FromJson(Parse("metrics/denoise.json"), "denoise");
        Assert.Equal(("gaussian:0.5", false, "denoising.png"), (denoise.Denoising!.Corruption, denoise.Denoising.FixedNoise, denoise.Denoising.Figure));
        var pretrained = RunMetrics.FromJson(Parse("metrics/pretrained.json"), "pretrained");
        Assert.Equal(["784-128-784", "128-64-128", "64-32-64"], pretrained.Pretraining!.Stages.Select(s => s.Layers));
    }

    [Fact]
    public void Train_json_on_stdout_is_the_metrics_record_on_one_line()
    {
        var metrics = RunMetrics.FromJson(Parse("metrics/basic.json"), "basic.json");
        Assert.Equal(Fixture("train-basic-stdout.json"), metrics.Serialize("--json") + "\n");
    }

    [Fact]
    public void Anomaly_fit_json_reads_into_its_report_and_writes_back_identically()
    {
        var report = AnomalyFitReport.FromJson(Parse("anomaly-fit-stdout.json"), "stdout");
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, report.Anomaly.NormalClasses);
        Assert.Equal(271, report.Metrics.Test!.Samples);
        Assert.Equal(Fixture("anomaly-fit-stdout.json"), FiniteJson.Serialize(report.ToJson(), "--json") + "\n");
    }

    [Theory]
    [InlineData("evaluate-basic-stdout.json")]
    [InlineData("evaluate-vae-stdout.json")]
    [InlineData("evaluate-denoise-stdout.json")]
    [InlineData("evaluate-tabular-stdout.json")]
    public void Evaluate_json_reads_into_its_record_and_writes_back_identically(string name)
    {
        var evaluation = ModelEvaluation.FromJson(Parse(name), name);
        Assert.Equal(Fixture(name), FiniteJson.Serialize(evaluation.ToJson(), "--json") + "\n");
    }

    [Fact]
    public void Sweep_json_reads_into_its_report_and_writes_back_identically()
    {
        var report = SweepReport.FromJson(Parse("sweep.json"), "sweep.json");
        Assert.Equal([8, 16, 32], report.Rows.Select(r => r.CodeSize));
        Assert.Equal(24.5, report.Rows[2].Ratio);
        Assert.Equal("very poor", report.Rows[0].ChapterQuality);
        Assert.Null(report.ElbowByBce);
        Assert.Equal(Fixture("sweep.json"), FiniteJson.Serialize(report.ToJson(), "sweep.json", ResultJson.Indented));
        Assert.Equal(Fixture("sweep-stdout.json"), FiniteJson.Serialize(report.ToJson(), "--json") + "\n");
    }

    [Theory]
    [InlineData("evaluation.json")]
    [InlineData("evaluation-tabular.json")]
    public void Evaluation_json_reads_into_its_report_and_writes_back_identically(string name)
    {
        var report = AnomalyEvaluationReport.FromJson(Parse(name), name);
        Assert.Equal(["Autoencoder", "PCA", "k-NN"], report.Methods.Select(m => m.Name.Split(' ')[0]));
        Assert.Equal(report.Anomalies + report.Normal, report.Samples);
        Assert.All(report.Methods, m => Assert.Equal(report.Samples, m.TruePositives + m.FalsePositives + m.FalseNegatives + m.TrueNegatives));
        Assert.Equal(Fixture(name), FiniteJson.Serialize(report.ToJson(), name, ResultJson.Indented));
    }

    [Fact]
    public void Anomaly_evaluate_json_on_stdout_is_the_report_on_one_line()
    {
        var report = AnomalyEvaluationReport.FromJson(Parse("evaluation.json"), "evaluation.json");
        Assert.Equal(Fixture("evaluation-stdout.json"), FiniteJson.Serialize(report.ToJson(), "--json") + "\n");
    }

    [Fact]
    public void A_non_finite_figure_is_written_as_null_with_a_warning_and_read_back_as_nan()
    {
        var metrics = RunMetrics.FromJson(Parse("metrics/basic.json"), "basic.json");
        metrics = metrics with { Test = metrics.Test! with { Mse = double.NaN }, ModelFigures = new Dictionary<string, double> { ["jacobian_norm"] = double.PositiveInfinity } };
        var warnings = new List<string>();
        var before = FiniteJson.Warning;
        FiniteJson.Warning = warnings.Add;
        string text;
        try { text = metrics.Serialize("metrics.json"); }
        finally { FiniteJson.Warning = before; }
        Assert.Equal(["warning: metrics.json: 'test.mse' is NaN, which JSON cannot hold; written as null",
                      "warning: metrics.json: 'jacobian_norm' is Infinity, which JSON cannot hold; written as null"], warnings);
        var json = JsonNode.Parse(text)!;
        Assert.Null(json["test"]!["mse"]);
        Assert.True(json.AsObject().ContainsKey("jacobian_norm"));
        var read = RunMetrics.FromJson(json, "metrics.json");
        Assert.True(double.IsNaN(read.Test!.Mse));
        Assert.True(double.IsNaN(read.ModelFigures["jacobian_norm"]));
    }
}
