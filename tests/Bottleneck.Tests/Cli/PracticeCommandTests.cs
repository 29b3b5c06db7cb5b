using System.Text.Json.Nodes;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>`bottleneck lr-find` and `train --pretrain layerwise` as a user runs them, and their bad input.</summary>
public class PracticeCommandTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    void Fails(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);

    [Fact]
    public void Lr_find_prints_a_suggestion_and_writes_the_plot_and_the_sweep()
    {
        var result = CliRunner.Run(folder.Path, "lr-find", "--data", "mnist", "--model", "basic", "--limit", "3000", "--steps", "60",
            "--batch-size", "64", "--out", "out", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!.AsObject();
        var suggested = (double)json["suggested_lr"]!;
        Assert.InRange(suggested, 1e-7, 10);
        Assert.True(suggested < (double)json["lowest_loss_lr"]!);
        Assert.True((double)json["lowest_smoothed_loss"]! < (double)json["first_smoothed_loss"]!);
        Assert.Equal("mean per element", (string)json["loss_unit"]!);
        Assert.True(File.Exists(folder["out/lr-find.png"]));
        var rows = File.ReadAllLines(folder["out/lr-find.csv"]);
        Assert.Equal("step,lr,loss,smoothed_loss", rows[0]);
        Assert.Equal((int)json["steps_run"]! + 1, rows.Length);
    }

    [Fact]
    public void Train_with_layerwise_pretraining_writes_each_stages_history()
    {
        var result = CliRunner.Run(folder.Path, "train", "--data", "mnist", "--model", "deep", "--limit", "2000", "--pretrain", "layerwise",
            "--pretrain-epochs", "2", "--epochs", "1", "--out", "out", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = File.ReadAllLines(folder["out/pretraining.csv"]);
        Assert.Equal(1 + 3 * 2, rows.Length);
        Assert.StartsWith("1,784-128-784,bce,1,", rows[1]);
        Assert.StartsWith("2,128-64-128,mse,1,", rows[3]);
        Assert.StartsWith("3,64-32-64,mse,2,", rows[6]);
        var metrics = JsonNode.Parse(File.ReadAllText(folder["out/metrics.json"]))!;
        Assert.Equal(3, metrics["pretraining"]!["stages"]!.AsArray().Count);
        // The stacked pairs, before fine-tuning, already reconstruct better than an untrained model's 0.69.
        Assert.InRange((double)metrics["pretraining"]!["val_loss_before_fine_tuning"]!, 0.05, 0.6);
        Assert.Equal(1, (int)metrics["epochs_run"]!);   // --epochs counts the fine-tuning epochs only
        var manifest = JsonNode.Parse(File.ReadAllText(folder["out/model.json"]))!;
        Assert.Equal(2, (int)manifest["training"]!["pretrain"]!["epochs_per_stage"]!);
    }

    [Fact]
    public void Lr_find_min_lr_of_zero() => Fails("--min-lr: expected a positive learning rate", "lr-find", "--data", "mnist", "--model", "basic", "--min-lr", "0", "--out", "out");

    [Fact]
    public void Lr_find_bounds_that_do_not_rise() =>
        Fails("the sweep must rise", "lr-find", "--data", "mnist", "--model", "basic", "--min-lr", "1", "--max-lr", "0.1", "--out", "out");

    [Fact]
    public void Lr_find_negative_max_lr() => Fails("--max-lr: expected a positive learning rate", "lr-find", "--data", "mnist", "--model", "basic", "--max-lr", "-1", "--out", "out");

    [Fact]
    public void Lr_find_too_few_steps() => Fails("--steps: expected at least 5", "lr-find", "--data", "mnist", "--model", "basic", "--steps", "2", "--out", "out");

    [Fact]
    public void Lr_find_even_smoothing_window() => Fails("--smoothing: expected an odd number", "lr-find", "--data", "mnist", "--model", "basic", "--smoothing", "4", "--out", "out");

    [Fact]
    public void Lr_find_stop_factor_of_one() => Fails("--stop-factor: expected a factor above 1", "lr-find", "--data", "mnist", "--model", "basic", "--stop-factor", "1", "--out", "out");

    [Fact]
    public void Pretraining_a_model_with_one_encoder_layer() =>
        Fails("single encoder layer", "train", "--data", "mnist", "--model", "basic", "--pretrain", "layerwise", "--out", "out");

    [Fact]
    public void Unknown_pretraining_method() =>
        Fails("--pretrain: unknown method 'greedy' (expected layerwise)", "train", "--data", "mnist", "--model", "deep", "--pretrain", "greedy", "--out", "out");

    [Fact]
    public void Pretrain_epochs_without_pretraining() =>
        Fails("--pretrain-epochs: only used with --pretrain layerwise", "train", "--data", "mnist", "--model", "deep", "--pretrain-epochs", "3", "--out", "out");

    [Fact]
    public void Zero_pretrain_epochs() =>
        Fails("--pretrain-epochs: expected at least 1", "train", "--data", "mnist", "--model", "deep", "--pretrain", "layerwise", "--pretrain-epochs", "0", "--out", "out");

    [Fact]
    public void Pretraining_a_decoder_that_does_not_mirror_the_encoder()
    {
        File.WriteAllText(folder["spec.json"], """{ "encoder": [128, 64], "bottleneck": 32, "decoder": [64, 256] }""");
        Fails("does not mirror", "train", "--data", "mnist", "--model", "spec.json", "--pretrain", "layerwise", "--out", "out");
    }
}
