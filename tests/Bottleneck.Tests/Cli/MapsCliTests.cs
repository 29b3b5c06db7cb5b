using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>map, filters, worst and errors as a user runs them, on the embedded MNIST with small models trained here.</summary>
public class MapsCliTests : IClassFixture<MapsCliTests.TrainedModels>
{
    /// <summary>A 784-32-2 model, a 784-8 model (1,000 digits, 2 epochs) and a model of 6-column CSV rows.</summary>
    public sealed class TrainedModels : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public CliRunner.Result[] Runs { get; }

        public TrainedModels()
        {
            File.WriteAllText(Folder["tiny2d.json"], """{ "name": "tiny2d", "encoder": [32], "bottleneck": 2, "bottleneck_activation": "linear" }""");
            File.WriteAllText(Folder["tiny8.json"], """{ "name": "tiny8", "bottleneck": 8 }""");
            var rows = string.Join('\n', Enumerable.Range(0, 40).Select(i => string.Join(',', Enumerable.Range(0, 6).Select(j => ((i * 7 + j * 3) % 10 / 10.0).ToString(CultureInfo.InvariantCulture)))));
            File.WriteAllText(Folder["rows.csv"], "a,b,c,d,e,f\n" + rows + "\n");
            File.WriteAllText(Folder["rows.json"], """{ "name": "rows", "bottleneck": 2 }""");
            Runs =
            [
                CliRunner.Run(Folder.Path, "train", "--data", "mnist", "--model", "tiny2d.json", "--limit", "1000", "--epochs", "2", "--no-checkpoint", "--out", "tiny2d"),
                CliRunner.Run(Folder.Path, "train", "--data", "mnist", "--model", "tiny8.json", "--limit", "1000", "--epochs", "2", "--no-checkpoint", "--out", "tiny8"),
                CliRunner.Run(Folder.Path, "train", "--data", "rows.csv", "--model", "rows.json", "--epochs", "1", "--no-checkpoint", "--out", "rows"),
            ];
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly TempFolder folder;

    public MapsCliTests(TrainedModels trained)
    {
        foreach (var run in trained.Runs) Assert.True(run.ExitCode == 0, run.Stderr);
        folder = trained.Folder;
    }

    JsonNode Json(params string[] args)
    {
        var result = CliRunner.Run(folder.Path, [.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonNode.Parse(result.Stdout)!;
    }

    string[][] Csv(string name) =>
        File.ReadAllLines(folder[name]).Skip(1).Select(line => line.Split(',')).ToArray();

    static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void A_2d_models_map_is_its_codes_beside_pcas_map()
    {
        var map = Json("map", "--model", "tiny2d", "--data", "mnist", "--limit", "300", "--pca", "--points", "points.csv", "--out", "map.png");
        Assert.Equal(300, (int)map["samples"]!);
        Assert.Equal("none", (string)map["autoencoder"]!["projection"]!);
        Assert.Equal(2, (int)map["autoencoder"]!["dimension"]!);
        Assert.Equal(784, (int)map["pca"]!["dimension"]!);
        Assert.Equal(2, map["pca"]!["explained_variance_ratio"]!.AsArray().Count);
        foreach (var panel in new[] { "autoencoder", "pca" })
        {
            Assert.InRange((double)map[panel]!["knn_accuracy"]!, 0.1, 1);    // ten classes: chance is about 0.1
            Assert.InRange((double)map[panel]!["silhouette"]!, -1, 1);
        }
        using (var image = Bottleneck.Tests.Reporting.RenderedImage.Load(folder["map.png"])) Assert.Equal(1800, image.Width);   // two panels

        // The coordinates are the encoder's own codes, as 'bottleneck encode' writes them.
        var encode = CliRunner.Run(folder.Path, "encode", "--model", "tiny2d", "--data", "mnist", "--limit", "300", "--out", "codes.npy");
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        var codes = ArrayFiles.Read(folder["codes.npy"]).ToFloats();
        var points = Csv("points.csv");
        Assert.Equal(300, points.Length);
        var labels = DataSource.Load("mnist", new DataOptions()).Test!.Labels!;
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal(labels[i], int.Parse(points[i][1], CultureInfo.InvariantCulture));
            Assert.Equal(codes[2 * i], D(points[i][2]), 5);
            Assert.Equal(codes[2 * i + 1], D(points[i][3]), 5);
        }
    }

    [Fact]
    public void A_larger_code_is_mapped_by_its_principal_components()
    {
        var map = Json("map", "--model", "tiny8", "--data", "mnist", "--limit", "200", "--out", "map8.png");
        Assert.StartsWith("pca-2", (string)map["autoencoder"]!["projection"]!);
        Assert.Equal(8, (int)map["autoencoder"]!["dimension"]!);
        var ratio = map["autoencoder"]!["explained_variance_ratio"]!.AsArray().Select(r => (double)r!).ToArray();
        Assert.True(ratio[0] >= ratio[1] && ratio[1] > 0 && ratio.Sum() <= 1 + 1e-9, string.Join(", ", ratio));
        Assert.Null(map["pca"]);
    }

    [Fact]
    public void Unlabelled_rows_are_mapped_without_a_separation_measure()
    {
        var map = Json("map", "--model", "rows", "--data", "rows.csv", "--out", "rows-map.png");
        Assert.Equal(40, (int)map["samples"]!);
        Assert.Null(map["autoencoder"]!["knn_accuracy"]);
        Assert.Null(map["autoencoder"]!["silhouette"]);
        Assert.True(File.Exists(folder["rows-map.png"]));
        CliRunner.AssertBadInput(CliRunner.Run(folder.Path, "map", "--model", "rows", "--data", "rows.csv", "--limit", "1", "--out", "one.png"),
            "a map needs at least 2 samples, got 1");
    }

    [Fact]
    public void Errors_agree_with_evaluate_and_the_class_means_with_the_per_sample_file()
    {
        var report = Json("errors", "--model", "tiny8", "--data", "mnist", "--limit", "500", "--out", "err");
        var evaluate = Json("evaluate", "--model", "tiny8", "--data", "mnist", "--limit", "500");
        var samples = Csv("err/errors.csv");
        Assert.Equal(500, samples.Length);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => i.ToString(CultureInfo.InvariantCulture)), samples.Select(r => r[0]));
        var errors = samples.Select(r => D(r[3])).ToArray();
        Assert.Equal((double)evaluate["mse"]!, errors.Average(), 6);
        Assert.Equal(errors.Average(), (double)report["all"]!["mean"]!, 12);

        var classes = Csv("err/classes.csv");
        Assert.Equal(10, classes.Length);
        foreach (var row in classes)
        {
            var mine = samples.Where(s => s[1] == row[0]).Select(s => D(s[3])).ToArray();
            Assert.Equal(mine.Length, int.Parse(row[2], CultureInfo.InvariantCulture));
            Assert.Equal(mine.Average(), D(row[3]), 12);
        }
        Assert.Equal(10, report["classes"]!.AsArray().Count);
        foreach (var png in new[] { "err/errors.png", "err/errors-by-class.png" }) Assert.True(File.Exists(folder[png]), png);
    }

    [Fact]
    public void Worst_lists_the_largest_errors_largest_first_and_best_the_smallest()
    {
        Json("errors", "--model", "tiny8", "--data", "mnist", "--limit", "400", "--out", "err400");
        var errors = Csv("err400/errors.csv").Select(r => (Index: int.Parse(r[0], CultureInfo.InvariantCulture), Error: D(r[3]))).ToArray();
        var report = Json("worst", "--model", "tiny8", "--data", "mnist", "--limit", "400", "--count", "7", "--best", "--out", "w");
        var rows = Csv("w/worst.csv");
        Assert.Equal(14, rows.Length);
        var worst = errors.OrderByDescending(e => e.Error).ThenBy(e => e.Index).Take(7).ToArray();
        var best = errors.OrderBy(e => e.Error).ThenBy(e => e.Index).Take(7).ToArray();
        for (int r = 0; r < 7; r++)
        {
            Assert.Equal(["worst", worst[r].Index.ToString(CultureInfo.InvariantCulture)], rows[r][1..3]);
            Assert.Equal(worst[r].Error, D(rows[r][5]), 12);
            Assert.Equal(["best", best[r].Index.ToString(CultureInfo.InvariantCulture)], rows[7 + r][1..3]);
        }
        Assert.Equal(worst[0].Index, (int)report["worst"]![0]!["index"]!);
        Assert.True(File.Exists(folder["w/worst.png"]));
    }

    [Fact]
    public void Filters_are_the_first_layers_weight_rows()
    {
        var report = Json("filters", "--model", "tiny8", "--count", "5", "--out", "filters.png");
        Assert.Equal(("encoder.0", "dense", 5, 8), ((string)report["layer"]!, (string)report["kind"]!, (int)report["tiles"]!, (int)report["total"]!));
        Assert.Equal([28, 28, 1], report["tile_shape"]!.AsArray().Select(d => (int)d!));
        var weight = SafeTensorsFile.Read(folder["tiny8/weights.safetensors"]).Tensors.Single(t => t.Name == "encoder.0.weight").ToFloat32();
        var scales = report["max_abs_weight"]!.AsArray().Select(s => (double)s!).ToArray();
        for (int u = 0; u < 5; u++)
            Assert.Equal(weight.Skip(784 * u).Take(784).Max(MathF.Abs), scales[u], 6);
        Assert.True(File.Exists(folder["filters.png"]));
    }

    [Theory]
    [InlineData("takes 6 values, which do not form an image", "filters", "--model", "rows")]
    [InlineData("--count: expected at least 1 filter, got 0", "filters", "--model", "tiny8", "--count", "0")]
    [InlineData("--columns: expected at least 1, got 0", "filters", "--model", "tiny8", "--columns", "0")]
    [InlineData("--count: expected at least 1, got 0", "worst", "--model", "tiny8", "--data", "mnist", "--count", "0", "--out", "out")]
    [InlineData("--count: expected at least 1, got -4", "worst", "--model", "tiny8", "--data", "mnist", "--count", "-4", "--out", "out")]
    [InlineData("--error: unknown error 'huber' (expected mse, bce or mae)", "worst", "--model", "tiny8", "--data", "mnist", "--error", "huber", "--out", "out")]
    [InlineData("--bins: expected at least 1, got 0", "errors", "--model", "tiny8", "--data", "mnist", "--bins", "0", "--out", "out")]
    [InlineData("--k: expected at least 1 neighbour, got 0", "map", "--model", "tiny8", "--data", "mnist", "--k", "0", "--out", "out")]
    [InlineData("nosuch: no such file or folder, and not a built-in dataset", "map", "--model", "tiny8", "--data", "nosuch", "--out", "out")]
    [InlineData("nosuch: no such file or folder, and not a built-in dataset", "errors", "--model", "tiny8", "--data", "nosuch", "--out", "out")]
    [InlineData("nosuch: no such file or folder, and not a built-in dataset", "worst", "--model", "tiny8", "--data", "nosuch", "--out", "out")]
    [InlineData("samples have shape [6] (6 values), but the model 'tiny8' takes [784]", "errors", "--model", "tiny8", "--data", "rows.csv", "--out", "out")]
    [InlineData("--model: 'basic' has no trained weights", "map", "--model", "basic", "--data", "mnist", "--out", "out")]
    public void Bad_input_is_one_line_and_exit_code_2(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);
}
