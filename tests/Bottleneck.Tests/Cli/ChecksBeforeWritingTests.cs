using Bottleneck.Models;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>Options are checked before anything is written: a refused command leaves no file and no folder behind.</summary>
public class ChecksBeforeWritingTests
{
    [Fact]
    public void Decode_with_count_0_writes_no_npy()
    {
        using var folder = new TempFolder();
        using (var model = ModelFactory.Create(new ModelSpec { Name = "tiny", InputShape = [28, 28], Encoder = [], Bottleneck = 2 }))
            ModelFolder.Save(model, folder["model"]);
        folder.Write("codes.csv", "h0,h1\n0.5,0.25\n");
        var result = CliRunner.Run(folder.Path, "decode", "--model", "model", "--codes", "codes.csv", "--out", "decoded.npy", "--png", "decoded.png", "--count", "0");
        CliRunner.AssertBadInput(result, "--count: expected at least 1, got 0");
        Assert.False(File.Exists(folder["decoded.npy"]));
        Assert.False(File.Exists(folder["decoded.png"]));
    }

    [Fact]
    public void Decode_with_a_picture_of_a_model_that_does_not_take_images_writes_no_npy()
    {
        using var folder = new TempFolder();
        using (var model = ModelFactory.Create(new ModelSpec { Name = "tabular", InputShape = [5], Encoder = [], Bottleneck = 2 }))
            ModelFolder.Save(model, folder["model"]);
        folder.Write("codes.csv", "h0,h1\n0.5,0.25\n");
        var result = CliRunner.Run(folder.Path, "decode", "--model", "model", "--codes", "codes.csv", "--out", "decoded.npy", "--png", "decoded.png");
        CliRunner.AssertBadInput(result, "--png: the model's samples (1-D, 5 values) are not images");
        Assert.False(File.Exists(folder["decoded.npy"]));
    }

    [Theory]
    [InlineData("--threads: expected 1 to", "--threads", "9999")]
    [InlineData("--threads: expected 1 to", "--threads", "0")]
    [InlineData("--momentum: expected a value in [0, 1), got -1", "--optimizer", "sgd", "--momentum", "-1")]
    [InlineData("--momentum: expected a value in [0, 1), got -1", "--momentum", "-1")]
    [InlineData("--lr: expected a positive finite learning rate, got Infinity", "--lr", "Infinity")]
    public void Train_with_a_bad_option_leaves_no_output_folder(string expected, params string[] options)
    {
        using var folder = new TempFolder();
        var result = CliRunner.Fails(folder, expected, ["train", "--data", "mnist", "--model", "basic", "--limit", "100", "--epochs", "1", "--out", "out", .. options]);
        if (options[0] == "--threads") Assert.Contains($"expected 1 to {Environment.ProcessorCount} (this machine's processors), got {options[1]}", result.Stderr);
    }
}
