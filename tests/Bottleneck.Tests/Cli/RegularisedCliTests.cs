using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Persistence;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Cli;

/// <summary>The overcomplete, regularised, tied and contractive presets and `bottleneck diagnose`, run as a user would.</summary>
public class RegularisedCliTests
{
    [Theory]
    [InlineData("overcomplete", 1_569_784)]        // 785,000 + 784,784
    [InlineData("overcomplete-1024", 3_272_480)]   // 803,840 + 1,049,600 + 803,600 + 615,440
    [InlineData("l2", 50_992)]
    [InlineData("sparse-l1", 50_992)]
    [InlineData("sparse-kl", 50_992)]
    [InlineData("tied", 25_904)]
    [InlineData("contractive", 25_904)]
    public void Info_gives_each_presets_parameter_count(string preset, long total)
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run(folder.Path, "info", "--model", preset, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(total, (long)json["params"]!);
        Assert.Equal(preset.StartsWith("overcomplete"), json["warning"] is not null);   // the code is as large as the input
    }

    [Fact]
    public void Diagnose_calls_an_identity_model_trivial_in_one_json_object()
    {
        using var folder = new TempFolder();
        using (var model = (DenseAutoencoder)ModelFactory.Create(new ModelSpec
               { Name = "identity", InputShape = [784], Bottleneck = 784, BottleneckActivation = "linear", OutputActivation = "linear" }))
        {
            using (no_grad())
            {
                foreach (var layer in new[] { model.EncoderLayers.children().First(), model.DecoderLayers.children().First() }.Cast<Linear>())
                {
                    layer.weight!.copy_(eye(784));
                    layer.bias!.zero_();
                }
            }
            ModelFolder.Save(model, folder["identity"]);
        }
        var result = CliRunner.Run(folder.Path, "diagnose", "--model", "identity", "--data", "mnist", "--samples", "2000", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("trivial", (string?)json["verdict"]);
        Assert.Equal(0, (double)json["training_loss"]!["mse"]!, 10);
        Assert.True((bool)json["training_loss"]!["near_zero"]!);
        Assert.Equal(2000, (int)json["training_loss"]!["samples"]!);
        Assert.False((bool)json["code_copy"]!["fit_underdetermined"]!);                 // 2,000 samples for 785 unknowns per pixel
        Assert.True((bool)json["code_copy"]!["copies_input"]!);
        Assert.Equal(784, (long)json["code_copy"]!["code_values"]!);
        var noisy = json["noisy_input"]!;
        Assert.True((bool)noisy["copies_noise"]!);
        Assert.True((bool)noisy["clipped"]!);
        Assert.Equal(0.3, (double)noisy["sigma"]!);
        Assert.Equal(0, (double)noisy["mse_against_noisy"]!, 10);
        Assert.Equal(1, (double)noisy["noise_gain"]!, 5);
        // Clipped to [0, 1], MNIST's mostly black pixels keep only the positive half of the noise: about σ²/2 = 0.045.
        Assert.InRange((double)noisy["input_noise_mse"]!, 0.035, 0.06);
    }

    [Fact]
    public void A_sparse_kl_run_logs_its_penalty_and_diagnose_reads_the_folder()
    {
        using var folder = new TempFolder();
        var train = CliRunner.Run(folder.Path, "train", "--data", "mnist", "--model", "sparse-kl", "--epochs", "2", "--limit", "2000", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var history = File.ReadAllLines(folder["run/history.csv"]);
        Assert.Equal("epoch,loss,val_loss,lr,seconds,reconstruction,kl_sparsity", history[0]);
        var last = history[^1].Split(',').Select(double.Parse).ToArray();
        Assert.Equal(last[1], last[5] + last[6], 6);                               // loss = reconstruction + β·ΣKL
        var metrics = JsonNode.Parse(File.ReadAllText(folder["run/metrics.json"]))!;
        Assert.InRange((double)metrics["mean_activation"]!, 0, 1);                 // a sigmoid code
        Assert.True((double)metrics["jacobian_norm"]! > 0);

        var diagnose = CliRunner.Run(folder.Path, "diagnose", "--model", "run", "--data", "mnist", "--samples", "500");
        Assert.True(diagnose.ExitCode == 0, diagnose.Stderr);
        Assert.Contains("copies noise?", diagnose.Stdout);
        // Two epochs leave a blurry model: its output sits nearer the (brighter) clipped noisy input than the clean one,
        // but almost none of the noise passes through it, so it is no copy.
        Assert.Contains("not_trivial", diagnose.Stdout);
    }

    [Fact]
    public void A_contractive_run_reports_its_jacobian_norm()
    {
        using var folder = new TempFolder();
        var train = CliRunner.Run(folder.Path, "train", "--data", "mnist", "--model", "contractive", "--epochs", "1", "--limit", "2000", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Equal("epoch,loss,val_loss,lr,seconds,reconstruction,contractive", File.ReadAllLines(folder["run/history.csv"])[0]);
        var metrics = JsonNode.Parse(File.ReadAllText(folder["run/metrics.json"]))!;
        Assert.Equal(25_904, (long)metrics["params"]!);
        Assert.True((double)metrics["jacobian_norm"]! > 0);
        var saved = JsonNode.Parse(File.ReadAllText(folder["run/model.json"]))!;
        Assert.Equal(0.01, (double)saved["spec"]!["penalties"]!["contractive"]!);
        Assert.Equal("tied", (string?)saved["spec"]!["family"]);
    }
}
