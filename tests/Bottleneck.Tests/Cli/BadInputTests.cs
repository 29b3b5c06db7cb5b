using System.IO.Compression;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// Every kind of bad input the foundation issue lists gets one clear line on stderr and exit code 2 — no stack trace,
/// and no output folder left behind.
/// </summary>
public class BadInputTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    CliRunner.Result Fails(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);


    [Fact]
    public void Missing_data_file() =>
        Fails("missing.csv: no such file or folder", "train", "--data", "missing.csv", "--model", "basic", "--out", "out");

    [Fact]
    public void Wrong_idx_magic_number()
    {
        File.WriteAllBytes(folder["bad.idx"], [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 0]);
        Fails("bad.idx", "train", "--data", "bad.idx", "--model", "basic", "--out", "out");
        Assert.Contains("magic", CliRunner.Run(folder.Path, "train", "--data", "bad.idx", "--model", "basic", "--out", "out").Stderr);
    }

    [Fact]
    public void Truncated_idx_file()
    {
        // Header: ubyte, rank 3, 10 × 4 × 4 = 160 bytes promised; only 20 present.
        byte[] header = [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 4, 0, 0, 0, 4];
        File.WriteAllBytes(folder["short.idx"], [.. header, .. new byte[20]]);
        var result = Fails("short.idx", "train", "--data", "short.idx", "--model", "basic", "--out", "out");
        Assert.Contains("truncated", result.Stderr);
    }

    [Fact]
    public void Image_and_label_counts_that_differ()
    {
        var data = Directory.CreateDirectory(folder["idx"]).FullName;
        File.WriteAllBytes(Path.Combine(data, "train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 2, .. new byte[20]]);
        File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4]);
        Fails("the counts must match", "train", "--data", "idx", "--model", "basic", "--out", "out");
    }

    [Fact]
    public void Data_whose_shape_does_not_fit_the_model()
    {
        File.WriteAllText(folder["spec.json"], """{ "input_shape": [100], "encoder": [16], "bottleneck": 4 }""");
        Fails("but the model 'custom' takes [100] (100 values)", "train", "--data", "mnist", "--model", "spec.json", "--limit", "100", "--out", "out");
    }

    [Fact]
    public void Unknown_preset() => Fails("unknown preset 'huge'", "train", "--data", "mnist", "--model", "huge", "--out", "out");

    [Fact]
    public void Unknown_activation()
    {
        File.WriteAllText(folder["spec.json"], """{ "encoder": [16], "bottleneck": 4, "activation": "swish" }""");
        Fails("field 'activation': unknown activation 'swish'", "train", "--data", "mnist", "--model", "spec.json", "--out", "out");
    }

    [Fact]
    public void Unknown_loss() => Fails("unknown loss 'hinge'", "train", "--data", "mnist", "--model", "basic", "--loss", "hinge", "--out", "out");

    [Fact]
    public void Unknown_optimizer() => Fails("unknown optimizer 'adagrad'", "train", "--data", "mnist", "--model", "basic", "--optimizer", "adagrad", "--out", "out");

    [Theory]
    [InlineData("--epochs", "0", "--epochs: expected a positive number of epochs, got 0")]
    [InlineData("--batch-size", "-5", "--batch-size: expected a positive batch size, got -5")]
    [InlineData("--val-split", "1.5", "--val-split: expected a fraction in (0, 1), got 1.5")]
    [InlineData("--epochs", "many", "many")]
    public void Out_of_range_or_malformed_options(string option, string value, string expected) =>
        Fails(expected, "train", "--data", "mnist", "--model", "basic", option, value, "--out", "out");

    [Fact]
    public void Csv_cell_that_is_not_a_number_names_row_and_column()
    {
        File.WriteAllText(folder["table.csv"], "a,b,c\n0.1,0.2,0.3\n0.4,oops,0.6\n");
        Fails("row 3, column 'b': 'oops' is not a number", "train", "--data", "table.csv", "--model", "basic", "--out", "out");
    }

    [Fact]
    public void Nan_in_the_data()
    {
        // An .npy of float32 with a NaN in sample 1, value 2.
        var values = new float[] { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, float.NaN };
        Bottleneck.Data.NpyFile.Write(folder["nan.npy"], Bottleneck.Data.NumericArray.FromFloats([2, 3], values));
        Fails("value 2 of sample 1 is NaN or infinite", "train", "--data", "nan.npy", "--model", "basic", "--no-validation", "--out", "out");
    }

    [Fact]
    public void Bce_for_data_outside_zero_one_suggests_mse()
    {
        File.WriteAllText(folder["wide.csv"], "a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n13,14\n15,16\n17,18\n19,20\n");
        Fails("--loss bce needs data in [0, 1] (use --loss mse", "train", "--data", "wide.csv", "--model", "basic", "--scaler", "none", "--loss", "bce", "--out", "out");
    }

    [Fact]
    public void Model_folder_without_weights()
    {
        Directory.CreateDirectory(folder["model"]);
        File.WriteAllText(folder["model/model.json"], """{ "format": "bottleneck-model", "format_version": 1, "spec": { "input_shape": [784], "bottleneck": 32 } }""");
        Fails("weights.safetensors: not found", "evaluate", "--model", "model", "--data", "mnist");
    }

    [Fact]
    public void Unknown_command_option_is_a_usage_error() =>
        Fails("--colour", "train", "--data", "mnist", "--model", "basic", "--colour", "--out", "out");
}
