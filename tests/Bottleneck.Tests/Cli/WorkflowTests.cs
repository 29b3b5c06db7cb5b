using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>The commands as a user runs them, on the embedded MNIST: train, evaluate, encode, decode, reconstruct, info.</summary>
public class WorkflowTests : IClassFixture<WorkflowTests.TrainedModel>
{
    /// <summary>One short training run shared by the tests of this class (train is the expensive step).</summary>
    public sealed class TrainedModel : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public CliRunner.Result Train { get; }
        public JsonObject Metrics { get; }

        public TrainedModel()
        {
            Train = CliRunner.Run(Folder.Path, "train", "--data", "mnist", "--model", "basic", "--epochs", "3", "--limit", "10000",
                "--seed", "3", "--out", "run");
            Metrics = File.Exists(Folder["run/metrics.json"]) ? JsonNode.Parse(File.ReadAllText(Folder["run/metrics.json"]))!.AsObject() : new JsonObject();
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly TrainedModel trained;

    public WorkflowTests(TrainedModel trained) => this.trained = trained;

    [Fact]
    public void Train_writes_every_promised_file()
    {
        Assert.True(trained.Train.ExitCode == 0, trained.Train.Stderr);
        foreach (var file in new[] { "model.json", "weights.safetensors", "history.csv", "metrics.json", "training-history.png", "reconstructions.png",
                     "checkpoint/model.json", "checkpoint/weights.safetensors" })
            Assert.True(File.Exists(trained.Folder["run/" + file]), file + " is missing");
        Assert.Equal(4, File.ReadAllLines(trained.Folder["run/history.csv"]).Length);   // header + 3 epochs
    }

    [Fact]
    public void Metrics_hold_the_interface_fields_with_sane_values()
    {
        var m = trained.Metrics;
        Assert.Equal(50_992, (long)m["params"]!);
        Assert.Equal(3, (int)m["epochs_run"]!);
        Assert.InRange((int)m["best_epoch"]!, 1, 3);
        var test = m["test"]!;
        Assert.Equal(10_000, (int)test["samples"]!);
        // 3 epochs on 9,000 digits: far below the 0.69 of an untrained model, short of the ~0.09 that 50 epochs reach.
        Assert.InRange((double)test["bce"]!, 0.09, 0.30);
        Assert.InRange((double)test["mse"]!, 0.01, 0.08);
        Assert.Equal(10 * Math.Log10(1 / (double)test["mse"]!), (double)test["psnr"]!, 6);
        Assert.True((double)m["train_seconds"]! > 0);
        Assert.True((double)m["samples_per_second"]! > 0);
    }

    [Fact]
    public void Evaluate_json_agrees_with_the_metrics_of_training()
    {
        var result = CliRunner.Run(trained.Folder.Path, "evaluate", "--model", "run", "--data", "mnist", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(10_000, (int)json["samples"]!);
        Assert.Equal((double)trained.Metrics["test"]!["bce"]!, (double)json["bce"]!, 6);
        Assert.Equal((double)trained.Metrics["test"]!["mse"]!, (double)json["mse"]!, 6);
        Assert.Equal((double)trained.Metrics["test"]!["psnr"]!, (double)json["psnr"]!, 4);
    }

    [Fact]
    public void Encode_then_decode_round_trips_through_files()
    {
        var encode = CliRunner.Run(trained.Folder.Path, "encode", "--model", "run", "--data", "mnist", "--limit", "50", "--out", "codes.npy");
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        var codes = NpyFile.Read(trained.Folder["codes.npy"]);
        Assert.Equal([50, 32], codes.Shape);
        Assert.All(codes.Floats!, v => Assert.True(v >= 0));   // ReLU code

        var csv = CliRunner.Run(trained.Folder.Path, "encode", "--model", "run", "--data", "mnist", "--limit", "5", "--out", "codes.csv");
        Assert.True(csv.ExitCode == 0, csv.Stderr);
        var lines = File.ReadAllLines(trained.Folder["codes.csv"]);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("h0,h1,", lines[0]);
        Assert.EndsWith(",label", lines[0]);
        Assert.EndsWith(",7", lines[1]);   // the first MNIST test digit is a 7

        var decode = CliRunner.Run(trained.Folder.Path, "decode", "--model", "run", "--codes", "codes.npy", "--out", "decoded.npy", "--png", "decoded.png");
        Assert.True(decode.ExitCode == 0, decode.Stderr);
        var decoded = NpyFile.Read(trained.Folder["decoded.npy"]);
        Assert.Equal([50, 784], decoded.Shape);
        Assert.All(decoded.Floats!, v => Assert.InRange(v, 0f, 1f));   // sigmoid output
        Assert.True(new FileInfo(trained.Folder["decoded.png"]).Length > 1000);
    }

    [Fact]
    public void Decode_rejects_codes_of_the_wrong_width()
    {
        NpyFile.Write(trained.Folder["narrow.npy"], NumericArray.FromFloats([2, 5], new float[10]));
        var result = CliRunner.Run(trained.Folder.Path, "decode", "--model", "run", "--codes", "narrow.npy", "--out", "x.npy");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the model's code has 32 values", result.Stderr);
        Assert.False(File.Exists(trained.Folder["x.npy"]));
    }

    [Fact]
    public void Reconstruct_draws_a_png()
    {
        var result = CliRunner.Run(trained.Folder.Path, "reconstruct", "--model", "run", "--data", "mnist", "--count", "8", "--out", "grid.png");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var bytes = File.ReadAllBytes(trained.Folder["grid.png"]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [Fact]
    public void Info_reads_a_trained_folder()
    {
        var result = CliRunner.Run(trained.Folder.Path, "info", "--model", "run", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(50_992, (long)json["params"]!);
        Assert.Equal(24.5, (double)json["compression_ratio"]!, 6);
    }

    [Fact]
    public void Two_runs_with_the_same_seed_write_identical_figures()
    {
        var again = CliRunner.Run(trained.Folder.Path, "train", "--data", "mnist", "--model", "basic", "--epochs", "3", "--limit", "10000",
            "--seed", "3", "--out", "run2");
        Assert.True(again.ExitCode == 0, again.Stderr);
        var second = JsonNode.Parse(File.ReadAllText(trained.Folder["run2/metrics.json"]))!;
        foreach (var key in new[] { "final_loss", "final_val_loss", "best_epoch", "mean_activation" })
            Assert.Equal(trained.Metrics[key]!.ToJsonString(), second[key]!.ToJsonString());
        Assert.Equal(trained.Metrics["test"]!.ToJsonString(), second["test"]!.ToJsonString());
        Assert.Equal(File.ReadAllBytes(trained.Folder["run/weights.safetensors"]), File.ReadAllBytes(trained.Folder["run2/weights.safetensors"]));
    }
}
