using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Cli;

/// <summary>The PCA, compare, pca-equivalence and probe commands, run as a user would, on small slices of MNIST.</summary>
public class PcaCommandsTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    string stderr = "";

    JsonObject Json(params string[] args)
    {
        var result = CliRunner.Run(folder.Path, args);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}, stderr: {result.Stderr}");
        stderr = result.Stderr;
        return (JsonObject)JsonNode.Parse(result.Stdout)!;
    }

    void Fails(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);

    /// <summary>A dense model 784-8-784 trained for three epochs on 3,000 digits.</summary>
    string TinyModel()
    {
        File.WriteAllText(folder["tiny.json"], """{ "name": "tiny", "bottleneck": 8 }""");
        Json("train", "--data", "mnist", "--model", "tiny.json", "--limit", "3000", "--epochs", "3", "--lr", "0.005", "--no-checkpoint", "--out", "tiny", "--json");
        return "tiny";
    }

    /// <summary>A saved model that takes 100 values, not MNIST's 784.</summary>
    string ModelForOtherData()
    {
        random.manual_seed(1);
        using var model = ModelFactory.Create(new ModelSpec { Name = "hundred", InputShape = [100], Bottleneck = 4 });
        ModelFolder.Save(model, folder["hundred"]);
        return "hundred";
    }

    [Fact]
    public void Pca_reports_its_figures_and_saves_a_model_other_commands_take()
    {
        var metrics = Json("pca", "--data", "mnist", "--limit", "600", "--components", "8", "--out", "pca8", "--json");
        CliRunner.AssertStageLines(stderr, "fitting the PCA: 600", "measuring the reconstruction error: 10,000");
        Assert.Equal(8, (int)metrics["components"]!);
        Assert.Equal(600, (int)metrics["train_samples"]!);
        Assert.Equal("covariance", (string)metrics["method"]!);
        Assert.InRange((double)metrics["explained_variance_ratio"]!, 0.2, 0.9);
        Assert.Equal(8, metrics["explained_variance_ratio_per_component"]!.AsArray().Count);
        double testMse = (double)metrics["test_mse"]!;
        Assert.InRange(testMse, 0.01, 0.1);
        Assert.Equal(10 * Math.Log10(1 / testMse), (double)metrics["test_psnr"]!, 9);
        foreach (var file in new[] { "model.json", "weights.safetensors", "pca.safetensors", "metrics.json", "explained-variance.png", "reconstructions.png" })
            Assert.True(File.Exists(Path.Combine(folder["pca8"], file)), file);

        // The saved PCA is a model: evaluate gives the same test MSE (float32 against float64 arithmetic).
        var evaluated = Json("evaluate", "--model", "pca8", "--data", "mnist", "--json");
        Assert.Equal(testMse, (double)evaluated["mse"]!, 5);

        // The exact SVD gives the same fit.
        var svd = Json("pca", "--data", "mnist", "--limit", "600", "--components", "8", "--method", "svd", "--out", "pca8-svd", "--json");
        Assert.Equal(testMse, (double)svd["test_mse"]!, 9);
    }

    [Fact]
    public void Compare_puts_pca_beside_the_model_at_its_code_size()
    {
        var model = TinyModel();
        var result = Json("compare", "--data", "mnist", "--model", model, "--out", "compare.png", "--count", "5", "--json");
        Assert.Equal(8, (int)result["code_size"]!);
        Assert.Equal(8, (int)result["pca_components"]!);
        Assert.Equal(10000, (int)result["samples"]!);
        foreach (var side in new[] { "pca", "autoencoder" })
        {
            var figures = result[side]!.AsObject();
            Assert.InRange((double)figures["mse"]!, 0.001, 0.2);
            Assert.NotNull(figures["bce"]);
        }
        Assert.Equal(8 * 784 + 784, (long)result["pca"]!["parameters"]!);
        Assert.True(File.Exists(folder["compare.png"]));
    }

    [Fact]
    public void Probe_scores_pixels_pca_codes_and_encoder_codes()
    {
        var model = TinyModel();
        var result = Json("probe", "--data", "mnist", "--model", model, "--labels", "200", "--json");
        CliRunner.AssertStageLines(stderr, "probing raw pixels (1 of 3)", "probing PCA-8 (2 of 3)", "probing encoder (tiny) (3 of 3)");
        var rows = result["results"]!.AsArray();
        Assert.Equal(["raw pixels", "PCA-8", "encoder (tiny)"], rows.Select(r => (string)r!["features"]!).ToArray());
        Assert.Equal([784, 8, 8], rows.Select(r => (int)r!["dimension"]!).ToArray());
        foreach (var row in rows)
        {
            Assert.InRange((double)row!["logistic_accuracy"]!, 0.3, 1.0);   // far above chance (0.1) even with 200 labels
            Assert.InRange((double)row["knn_accuracy"]!, 0.3, 1.0);
            Assert.True((bool)row["converged"]!);
        }
        Assert.Equal(200, result["label_counts"]!.AsArray().Sum(c => (int)c!));
        Assert.Equal(10000, (int)result["test_samples"]!);
    }

    [Fact]
    public void Pca_equivalence_writes_its_report_and_plots()
    {
        var report = Json("pca-equivalence", "--data", "mnist", "--limit", "500", "--components", "4", "--epochs", "2",
            "--variants", "linear,relu", "--out", "eq", "--json");
        var variants = report["variants"]!.AsArray();
        Assert.Equal(["linear", "relu"], variants.Select(v => (string)v!["name"]!).ToArray());
        foreach (var v in variants)
        {
            Assert.InRange((double)v!["decoder_overlap"]!, 0.0, 1.0 + 1e-9);
            Assert.True((double)v["train_mse_ratio"]! >= 1 - 1e-6, "no rank-4 reconstruction beats PCA on its training data");
            Assert.Equal(2, v["per_epoch"]!.AsArray().Count);
            Assert.Equal(4, v["decoder_cosines"]!.AsArray().Count);
        }
        foreach (var file in new[] { "equivalence.json", "overlap.png", "mse-ratio.png" })
            Assert.True(File.Exists(Path.Combine(folder["eq"], file)), file);
    }

    [Fact]
    public void Components_of_zero_are_refused() =>
        Fails("--components: expected a positive number of components, got 0", "pca", "--data", "mnist", "--components", "0", "--out", "out");

    [Fact]
    public void More_components_than_values_are_refused() =>
        Fails("--components: expected 1 to 784", "pca", "--data", "mnist", "--components", "785", "--out", "out");

    [Fact]
    public void An_unknown_pca_method_is_refused() =>
        Fails("--method: expected svd or covariance, got 'qr'", "pca", "--data", "mnist", "--method", "qr", "--out", "out");

    [Fact]
    public void Zero_labels_are_refused() =>
        Fails("--labels: expected a positive number of labelled samples, got 0", "probe", "--data", "mnist", "--labels", "0");

    [Fact]
    public void Balanced_labels_must_split_evenly() =>
        Fails("--balanced: 1005 labels do not split evenly over 10 classes", "probe", "--data", "mnist", "--labels", "1005", "--balanced");

    [Fact]
    public void Probe_refuses_a_model_trained_on_other_dimensions() =>
        Fails("but the model 'hundred' takes [100] (100 values)", "probe", "--data", "mnist", "--model", ModelForOtherData());

    [Fact]
    public void Compare_refuses_a_model_trained_on_other_dimensions() =>
        Fails("but the model 'hundred' takes [100] (100 values)", "compare", "--data", "mnist", "--model", ModelForOtherData(), "--out", "out");

    [Fact]
    public void Pca_equivalence_refuses_an_unknown_variant() =>
        Fails("--variants: unknown variant 'tanh'", "pca-equivalence", "--data", "mnist", "--variants", "linear,tanh", "--out", "out");

    [Fact]
    public void Pca_equivalence_refuses_components_beyond_the_data() =>
        Fails("--components: expected 1 to 784", "pca-equivalence", "--data", "mnist", "--components", "1000", "--limit", "2000", "--out", "out");
}
