using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>compress, decompress and sweep as a user runs them, on the embedded MNIST with a briefly trained model.</summary>
public class CompressionCliTests : IClassFixture<CompressionCliTests.TrainedModel>
{
    public sealed class TrainedModel : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public CliRunner.Result Train { get; }

        public TrainedModel()
        {
            Train = CliRunner.Run(Folder.Path, "train", "--data", "mnist", "--model", "basic", "--epochs", "2", "--limit", "3000", "--seed", "5", "--out", "model");
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly TempFolder folder;

    public CompressionCliTests(TrainedModel trained)
    {
        Assert.True(trained.Train.ExitCode == 0, trained.Train.Stderr);
        folder = trained.Folder;
    }

    CliRunner.Result Run(params string[] args) => CliRunner.Run(folder.Path, args);

    JsonNode Json(params string[] args)
    {
        var result = Run([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonNode.Parse(result.Stdout)!;
    }

    static void FailsWithOneLine(CliRunner.Result result, string expected) => CliRunner.AssertBadInput(result, expected);

    [Theory]
    [InlineData("float32", 4, 56)]
    [InlineData("float16", 2, 56)]
    [InlineData("uint8", 1, 56 + 32 * 8)]
    public void Compress_then_decompress_reports_exact_sizes_and_the_same_psnr(string precision, int bytesPerValue, int header)
    {
        var file = $"codes-{precision}.bnc";
        var compressed = Json("compress", "--model", "model", "--data", "mnist", "--limit", "300", "--precision", precision, "--out", file);
        long expectedBytes = header + 300L * 32 * bytesPerValue;
        Assert.Equal(expectedBytes, new FileInfo(folder[file]).Length);
        Assert.Equal(expectedBytes, (long)compressed["file_bytes"]!);
        Assert.Equal(300L * 784 * 4, (long)compressed["raw_float32_bytes"]!);
        Assert.Equal(300.0 * 784 * 4 / expectedBytes, (double)compressed["ratio_to_float32"]!, 12);
        Assert.Equal(300.0 * 784 / expectedBytes, (double)compressed["ratio_to_uint8"]!, 12);
        Assert.Equal(24.5, (double)compressed["code_ratio"]!);
        double psnr = (double)compressed["psnr"]!;
        Assert.InRange(psnr, 8, 40);
        Assert.Equal(10 * Math.Log10(1 / (double)compressed["mse"]!), psnr, 9);
        if (precision == "float32") Assert.Equal(0, (double)compressed["max_code_error"]!);
        else
        {
            Assert.True((double)compressed["max_code_error"]! > 0);
            // Rounding the codes costs little next to what the model itself loses.
            Assert.InRange(psnr, (double)compressed["float32_codes_psnr"]! - 0.5, (double)compressed["float32_codes_psnr"]! + 0.5);
        }

        var restored = Json("decompress", "--model", "model", "--codes", file, "--out", $"restored-{precision}.npy", "--png", $"restored-{precision}.png",
            "--data", "mnist", "--limit", "300");
        Assert.Equal(psnr, (double)restored["psnr"]!, 9);
        Assert.Equal(expectedBytes, (long)restored["file_bytes"]!);
        var decoded = NpyFile.Read(folder[$"restored-{precision}.npy"]);
        Assert.Equal([300, 784], decoded.Shape);
        Assert.All(decoded.Floats!, v => Assert.InRange(v, 0f, 1f));
        Assert.True(new FileInfo(folder[$"restored-{precision}.png"]).Length > 1000);
    }

    [Fact]
    public void Decompress_refuses_damaged_files_other_models_and_mismatched_originals()
    {
        Json("compress", "--model", "model", "--data", "mnist", "--limit", "50", "--out", "small.bnc");
        var bytes = File.ReadAllBytes(folder["small.bnc"]);
        File.WriteAllBytes(folder["truncated.bnc"], bytes[..^10]);
        FailsWithOneLine(Run("decompress", "--model", "model", "--codes", "truncated.bnc", "--out", "x.npy"), "truncated.bnc: truncated: the header promises 50 codes");
        File.WriteAllBytes(folder["magic.bnc"], [.. "NOTCODES"u8.ToArray(), .. bytes[8..]]);
        FailsWithOneLine(Run("decompress", "--model", "model", "--codes", "magic.bnc", "--out", "x.npy"), "magic.bnc: not a Bottleneck code file (bad magic");
        FailsWithOneLine(Run("decompress", "--model", "model", "--codes", "small.bnc", "--out", "x.npy", "--data", "mnist", "--limit", "60"),
            "has 60 samples, but small.bnc holds 50 codes");
        FailsWithOneLine(Run("compress", "--model", "model", "--data", "mnist", "--precision", "int4", "--out", "x.bnc"), "unknown precision 'int4'");
        Assert.False(File.Exists(folder["x.npy"]));

        // The same architecture with other weights would decode garbage: the file names the model that wrote it.
        var other = Run("train", "--data", "mnist", "--model", "basic", "--epochs", "1", "--limit", "500", "--seed", "9", "--out", "other");
        Assert.True(other.ExitCode == 0, other.Stderr);
        FailsWithOneLine(Run("decompress", "--model", "other", "--codes", "small.bnc", "--out", "x.npy"), "written by a model with other weights");
    }

    [Fact]
    public void Sweep_trains_one_model_per_code_size_and_tabulates_exact_ratios()
    {
        var run = Run("sweep", "--data", "mnist", "--bottleneck", "16,8", "--epochs", "1", "--limit", "1500", "--out", "sweep", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        CliRunner.AssertStageLines(run.Stderr, "training k = 8 (model 1 of 2; batches):", "training k = 16 (model 2 of 2; batches):");
        var report = JsonNode.Parse(run.Stdout)!;
        var rows = report["rows"]!.AsArray();
        Assert.Equal([8, 16], rows.Select(r => (int)r!["code_size"]!));
        Assert.Equal([98.0, 49.0], rows.Select(r => (double)r!["ratio"]!));
        Assert.All(rows, r => Assert.Equal(1, (int)r!["epochs_run"]!));
        Assert.Equal(0.20, (double)rows[0]!["chapter_typical_loss"]!);
        // Test losses are measured on the 10,000 test digits, as a model's own metrics.json says.
        var metrics = JsonNode.Parse(File.ReadAllText(folder["sweep/k8/metrics.json"]))!;
        Assert.Equal((double)metrics["test"]!["bce"]!, (double)rows[0]!["test_bce"]!, 12);
        Assert.Equal(10_000, (int)metrics["test"]!["samples"]!);
        var csv = File.ReadAllLines(folder["sweep/sweep.csv"]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("8,98,", csv[1]);
        Assert.True(File.Exists(folder["sweep/elbow.png"]));

        FailsWithOneLine(Run("sweep", "--data", "mnist", "--bottleneck", "8,x", "--out", "bad"), "--bottleneck: 'x' is not a positive whole number");
        FailsWithOneLine(Run("sweep", "--data", "mnist", "--bottleneck", "784", "--limit", "100", "--out", "bad"), "a code of 784 values is not smaller than the 784-value samples");
        Assert.False(Directory.Exists(folder["bad"]));
    }
}
