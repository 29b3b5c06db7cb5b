using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Tests.Cli;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Export;

/// <summary>`bottleneck export` on a saved model folder: the file it writes runs in ONNX Runtime, and bad input gets one line.</summary>
public sealed class OnnxExportCliTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly Autoencoder model;

    public OnnxExportCliTests()
    {
        model = OnnxExportTests.Build("conv-blog");
        ModelFolder.Save(model, folder["model"], new Dictionary<string, JsonNode?> { ["data"] = new JsonObject { ["scaling"] = "x / 255" } });
    }

    public void Dispose()
    {
        model.Dispose();
        folder.Dispose();
    }

    [Fact]
    public void ExportWritesAFileThatOnnxRuntimeRunsAsTheModelDoes()
    {
        var result = CliRunner.Run(folder.Path, "export", "--model", "model", "--out", "conv-blog.onnx");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("wrote the reconstruct graph of conv-blog (conv, opset 17", result.Stdout);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(3);
        var input = rand([300, .. model.InputShape], generator: generator);
        using var session = new InferenceSession(folder["conv-blog.onnx"]);
        Assert.Equal("x / 255", session.ModelMetadata.CustomMetadataMap["scaling"]);
        Assert.Equal("reconstruct", session.ModelMetadata.CustomMetadataMap["graph"]);
        using var value = OrtValue.CreateTensorValueFromMemory(input.contiguous().data<float>().ToArray(), input.shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [value], ["reconstruction"]);
        var exported = tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[0].GetTensorTypeAndShape().Shape);
        var expected = model.Reconstruct(input);
        Assert.Equal(expected.shape, exported.shape);
        Assert.True((expected.to_type(ScalarType.Float64) - exported.to_type(ScalarType.Float64)).abs().max().item<double>() <= 1e-5);
    }

    [Theory]
    [InlineData("--graph: unknown graph 'decoder' (expected one of encode, decode, reconstruct, score)", "--graph", "decoder")]
    [InlineData("--opset: expected an opset from 17 to 21, got 12", "--opset", "12")]
    public void BadOptionsGetOneLineAndNoFile(string expected, string option, string value)
    {
        var result = CliRunner.Run(folder.Path, "export", "--model", "model", "--out", "model.onnx", option, value);
        CliRunner.AssertBadInput(result, $"bottleneck export: {expected}");
        Assert.False(File.Exists(folder["model.onnx"]));
        Assert.Empty(folder.TemporaryFiles());
    }

    [Fact]
    public void APresetHasNoWeightsToExport()
    {
        var result = CliRunner.Run(folder.Path, "export", "--model", "basic", "--out", "basic.onnx");
        CliRunner.AssertBadInput(result, "bottleneck export: --model: 'basic' has no trained weights");
        Assert.False(File.Exists(folder["basic.onnx"]));
    }

    [Fact]
    public void AnOutputThatIsAFolderIsRefused()
    {
        var result = CliRunner.Run(folder.Path, "export", "--model", "model", "--out", "model");
        CliRunner.AssertBadInput(result, "bottleneck export: --out: model is a folder (expected a file name such as model.onnx)");
    }
}
