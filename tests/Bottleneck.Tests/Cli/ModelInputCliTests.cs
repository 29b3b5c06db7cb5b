using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// Commands that feed data to a saved model see it as the model was trained on it: a detector's scaler applied by
/// evaluate, encode and decode, and data on another scale (0..255 pixels for a model trained on x / 255) refused.
/// </summary>
public class ModelInputCliTests : IClassFixture<ModelInputCliTests.Runs>
{
    /// <summary>A detector fitted on a table with columns in the thousands, and a model trained on 8-bit images.</summary>
    public sealed class Runs : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public CliRunner.Result Fit { get; }
        public CliRunner.Result Train { get; }

        public Runs()
        {
            Folder.Write("table.csv", Table(400, seed: 1, withLabel: false));
            Folder.Write("labelled.csv", Table(50, seed: 2, withLabel: true));
            Folder.Write("spec.json", """{ "name": "t", "encoder": [8], "bottleneck": 2, "output_activation": "linear" }""");
            Fit = CliRunner.Run(Folder.Path, "anomaly", "fit", "--data", "table.csv", "--model", "spec.json", "--epochs", "30", "--batch-size", "32", "--seed", "1", "--out", "detector");

            var pixels = new byte[120 * 8 * 8];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 % 256);
            NpyFile.Write(Folder["images.npy"], NumericArray.FromBytes([120, 8, 8], pixels));
            NpyFile.Write(Folder["pixels-as-floats.npy"], NumericArray.FromFloats([120, 8, 8], pixels.Select(p => (float)p).ToArray()));
            Train = CliRunner.Run(Folder.Path, "train", "--data", "images.npy", "--model", "basic", "--epochs", "1", "--seed", "1", "--out", "images");
        }

        /// <summary>Rows of four readings on very different scales: around 1,000, around 0.01, about 1, and tens.</summary>
        static string Table(int rows, int seed, bool withLabel)
        {
            var random = new Random(seed);
            var text = new StringBuilder("a,b,c,d" + (withLabel ? ",label" : "") + "\n");
            for (int i = 0; i < rows; i++)
            {
                double u = random.NextDouble(), v = random.NextDouble();
                text.Append(CultureInfo.InvariantCulture, $"{1000 + 300 * u:F3},{0.01 * v:F6},{u + v:F4},{50 * (u - v):F3}");
                if (withLabel) text.Append(CultureInfo.InvariantCulture, $",{i % 2}");
                text.Append('\n');
            }
            return text.ToString();
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly Runs runs;
    readonly TempFolder folder;

    public ModelInputCliTests(Runs runs)
    {
        this.runs = runs;
        folder = runs.Folder;
    }

    CliRunner.Result Run(params string[] args) => CliRunner.Run(folder.Path, args);

    [Fact]
    public void Evaluate_scores_a_detector_in_its_scaled_units_as_anomaly_score_does()
    {
        Assert.True(runs.Fit.ExitCode == 0, runs.Fit.Stderr);
        var evaluated = Run("evaluate", "--model", "detector", "--data", "table.csv", "--split", "train", "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Stderr);
        var figures = JsonNode.Parse(evaluated.Stdout)!;
        // The same rows scored by the detector (its own scaler path), averaged in float64: evaluate's MSE per value.
        using var detector = AnomalyDetector.Load(folder["detector"]);
        var table = CsvTable.Read(folder["table.csv"]);
        using var rows = new Dataset("rows", TorchSharp.torch.tensor(table.Features.Floats!, [400, 4]));
        double expected = detector.Scores(rows).Average();
        Assert.Equal(expected, (double)figures["mse"]!, 4);
        Assert.InRange((double)figures["mse"]!, 0, 5);   // standardised units; fed unscaled, columns in the thousands gave ~10⁵
        // Standardised data lies outside [0, 1]: no BCE, no PSNR, rather than a negative cross-entropy.
        Assert.Null(figures["bce"]);
        Assert.Null(figures["psnr"]);
    }

    [Fact]
    public void Errors_measures_the_same_scaled_errors_as_evaluate_and_every_analysis_refuses_data_on_another_scale()
    {
        Assert.True(runs.Fit.ExitCode == 0, runs.Fit.Stderr);
        var errors = Run("errors", "--model", "detector", "--data", "table.csv", "--split", "train", "--json", "--out", "errors");
        Assert.True(errors.ExitCode == 0, errors.Stderr);
        var evaluated = Run("evaluate", "--model", "detector", "--data", "table.csv", "--split", "train", "--json");
        Assert.Equal((double)JsonNode.Parse(evaluated.Stdout)!["mse"]!, (double)JsonNode.Parse(errors.Stdout)!["all"]!["mean"]!, 5);

        Assert.True(runs.Train.ExitCode == 0, runs.Train.Stderr);
        const string expected = "pixels-as-floats.npy: values span [0, 255] as read";
        CliRunner.AssertBadInput(Run("errors", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixel-errors"), expected);
        CliRunner.AssertBadInput(Run("worst", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixel-worst"), expected);
        CliRunner.AssertBadInput(Run("map", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixel-map.png"), expected);
        CliRunner.AssertBadInput(Run("compare", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixel-compare.png"), expected);
        // Diagnose splits a file without a test part in two, and names the half it checked.
        CliRunner.AssertBadInput(Run("diagnose", "--model", "images", "--data", "pixels-as-floats.npy"), "pixels-as-floats.npy[train split]: values span [0, 255] as read");
        CliRunner.AssertBadInput(Run("interpolate", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixel-path.png"), expected);
        CliRunner.AssertBadInput(Run("manifold", "--model", "images", "--dims", "0,1", "--data", "pixels-as-floats.npy", "--out", "pixel-manifold.png"),
            expected);
        CliRunner.AssertBadInput(Run("lr-find", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixel-lr"), expected);
        Assert.False(Directory.Exists(folder["pixel-lr"]));
        // probe needs labels and a test part: the same pixels as an .npz in Keras's layout.
        var npz = folder["pixels.npz"];
        if (!File.Exists(npz))
        {
            using var zip = ZipFile.Open(npz, ZipArchiveMode.Create);
            foreach (var part in new[] { "x_train", "x_test" }) zip.CreateEntryFromFile(folder["pixels-as-floats.npy"], part + ".npy");
            NpyFile.Write(folder["labels.npy"], NumericArray.FromBytes([120], Enumerable.Range(0, 120).Select(i => (byte)(i % 3)).ToArray()));
            foreach (var part in new[] { "y_train", "y_test" }) zip.CreateEntryFromFile(folder["labels.npy"], part + ".npy");
        }
        CliRunner.AssertBadInput(Run("probe", "--model", "images", "--data", "pixels.npz", "--labels", "30"), "pixels.npz");
        Assert.False(File.Exists(folder["pixel-path.png"]));
        Assert.False(File.Exists(folder["pixel-manifold.png"]));
        Assert.False(Directory.Exists(folder["pixel-errors"]));
        Assert.False(Directory.Exists(folder["pixel-worst"]));
        Assert.False(File.Exists(folder["pixel-map.png"]));
        Assert.False(File.Exists(folder["pixel-compare.png"]));
    }

    [Fact]
    public void Encode_scales_and_decode_gives_rows_back_in_the_datas_units()
    {
        Assert.True(runs.Fit.ExitCode == 0, runs.Fit.Stderr);
        var encoded = Run("encode", "--model", "detector", "--data", "table.csv", "--split", "train", "--out", "codes.npy");
        Assert.True(encoded.ExitCode == 0, encoded.Stderr);
        var decoded = Run("decode", "--model", "detector", "--codes", "codes.npy", "--out", "decoded.npy");
        Assert.True(decoded.ExitCode == 0, decoded.Stderr);
        var original = CsvTable.Read(folder["table.csv"]).Features.ToFloats();
        var restored = NpyFile.Read(folder["decoded.npy"]).ToFloats();
        // Column a is 1000..1300 in the file: un-scaled reconstructions land there too, not near 0 (standardised units).
        double meanA = Enumerable.Range(0, 400).Average(i => (double)restored[i * 4]);
        double trueMeanA = Enumerable.Range(0, 400).Average(i => (double)original[i * 4]);
        Assert.InRange(meanA, trueMeanA - 150, trueMeanA + 150);   // within half the column's spread of 300; left scaled it would be near 0
    }

    [Fact]
    public void Compress_and_decompress_measure_in_the_models_units_and_restore_the_datas()
    {
        Assert.True(runs.Fit.ExitCode == 0, runs.Fit.Stderr);
        var evaluated = JsonNode.Parse(Run("evaluate", "--model", "detector", "--data", "table.csv", "--split", "train", "--json").Stdout)!;
        var compressed = Run("compress", "--model", "detector", "--data", "table.csv", "--split", "train", "--out", "table.bnc", "--json");
        Assert.True(compressed.ExitCode == 0, compressed.Stderr);
        var restored = Run("decompress", "--model", "detector", "--codes", "table.bnc", "--data", "table.csv", "--split", "train", "--out", "restored.npy", "--json");
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        Assert.Equal((double)evaluated["mse"]!, (double)JsonNode.Parse(compressed.Stdout)!["mse"]!, 5);
        Assert.Equal((double)evaluated["mse"]!, (double)JsonNode.Parse(restored.Stdout)!["mse"]!, 5);
        var values = NpyFile.Read(folder["restored.npy"]).ToFloats();
        double meanA = Enumerable.Range(0, 400).Average(i => (double)values[i * 4]);
        Assert.InRange(meanA, 1000, 1300);   // column a's own units, not standardised ones near 0
    }

    [Fact]
    public void Decode_reads_the_label_column_that_encode_wrote_and_keeps_it()
    {
        Assert.True(runs.Fit.ExitCode == 0, runs.Fit.Stderr);
        var encoded = Run("encode", "--model", "detector", "--data", "labelled.csv", "--label-column", "label", "--split", "train", "--out", "labelled-codes.csv");
        Assert.True(encoded.ExitCode == 0, encoded.Stderr);
        Assert.Equal("h0,h1,label", File.ReadLines(folder["labelled-codes.csv"]).First());
        var decoded = Run("decode", "--model", "detector", "--codes", "labelled-codes.csv", "--out", "labelled-decoded.csv");
        Assert.True(decoded.ExitCode == 0, decoded.Stderr + decoded.Stdout);   // was: codes have shape [50, 3]
        var table = CsvTable.Read(folder["labelled-decoded.csv"], new CsvReadOptions { LabelColumn = "label" });
        Assert.Equal([50, 4], table.Features.Shape);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i % 2).ToArray(), table.Labels);
    }

    [Fact]
    public void Pixels_as_0_to_255_floats_are_refused_by_a_model_trained_on_x_over_255()
    {
        Assert.True(runs.Train.ExitCode == 0, runs.Train.Stderr);
        var manifest = JsonNode.Parse(File.ReadAllText(folder["images/model.json"]))!;
        Assert.Equal(0.0, (double)manifest["data"]!["range"]![0]!);
        Assert.Equal(1.0, (double)manifest["data"]!["range"]![1]!);
        var expected = "pixels-as-floats.npy: values span [0, 255] as read, but the model in images was trained on [0, 1] and accepts [-1, 2]";
        CliRunner.AssertBadInput(Run("evaluate", "--model", "images", "--data", "pixels-as-floats.npy"), expected);
        CliRunner.AssertBadInput(Run("encode", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixel-codes.npy"), expected);
        Assert.False(File.Exists(folder["pixel-codes.npy"]));
        CliRunner.AssertBadInput(Run("reconstruct", "--model", "images", "--data", "pixels-as-floats.npy", "--out", "pixels.png"), expected);
        Assert.False(File.Exists(folder["pixels.png"]));
        // The same pixels as bytes are what the model was trained on.
        var bytes = Run("evaluate", "--model", "images", "--data", "images.npy", "--json");
        Assert.True(bytes.ExitCode == 0, bytes.Stderr);
        Assert.NotNull(JsonNode.Parse(bytes.Stdout)!["bce"]);
    }
}
