using System.Text.Json.Nodes;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Cli;

public class DivergenceCliTests
{
    [Fact]
    public void Train_with_lr_1e10_reports_the_divergence_in_metrics_and_on_stderr_with_advice()
    {
        using var folder = new TempFolder();
        var pixels = new byte[200 * 8 * 8];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 % 256);
        NpyFile.Write(folder["images.npy"], NumericArray.FromBytes([200, 8, 8], pixels));
        File.WriteAllText(folder["spec.json"], """{ "name": "lin", "encoder": [16], "bottleneck": 4, "output_activation": "linear" }""");
        var run = CliRunner.Run(folder.Path, "train", "--data", "images.npy", "--model", "spec.json", "--loss", "mse", "--lr", "1e10",
            "--epochs", "5", "--no-early-stopping", "--out", "run");

        Assert.True(run.ExitCode == 0, run.Stderr);   // the folder holds a usable model: the weights from before the explosion
        var metrics = JsonNode.Parse(File.ReadAllText(folder["run/metrics.json"]))!;
        Assert.Equal("diverged", (string?)metrics["stop_reason"]);
        Assert.Equal(1, (int)metrics["epochs_run"]!);
        Assert.True((bool)metrics["restored_best_weights"]!);
        Assert.Contains("training diverged in epoch 1", run.Stderr);
        Assert.Contains("Try a lower --lr (this run used 1E+10)", run.Stderr);
        // The saved model is the untrained one, not one full of infinities: evaluate gives a finite error.
        var evaluated = CliRunner.Run(folder.Path, "evaluate", "--model", "run", "--data", "images.npy", "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Stderr);
        Assert.True(double.IsFinite((double)JsonNode.Parse(evaluated.Stdout)!["mse"]!));
    }
}
