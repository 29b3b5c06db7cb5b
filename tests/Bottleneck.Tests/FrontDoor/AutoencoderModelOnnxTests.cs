using Bottleneck.Persistence;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.FrontDoor;

/// <summary>
/// <see cref="AutoencoderModel.ExportOnnx"/> writes a file ONNX Runtime runs to the model's own numbers: each graph is
/// compared with the front door's answer and with the same weights evaluated in float64.
/// </summary>
public class AutoencoderModelOnnxTests
{
    // Rows in [0, 1] near a 3-dimensional subspace of 24 values.
    static float[][] Rows(int count, int seed)
    {
        var random = new Random(seed);
        var basis = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 24).Select(_ => random.NextDouble()).ToArray()).ToArray();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var w = Enumerable.Range(0, 3).Select(_ => random.NextDouble()).ToArray();
            return Enumerable.Range(0, 24).Select(j => (float)(Enumerable.Range(0, 3).Sum(k => w[k] * basis[k][j]) / 3)).ToArray();
        }).ToArray();
    }

    static float[] Run(string file, string input, float[][] rows, string output)
    {
        using var session = new InferenceSession(file);
        using var value = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [input], [value], [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void Each_exported_graph_computes_what_the_model_computes_in_onnx_runtime()
    {
        using var folder = new TempFolder();
        using var model = AutoencoderModel.Create("deep", [24]);
        var all = Rows(300, 5);
        model.Fit(all, new FitOptions { Epochs = 4, BatchSize = 32 });
        var rows = all[..40];
        foreach (var graph in new[] { "reconstruct", "encode", "decode", "score" })
            model.ExportOnnx(Path.Combine(folder.Path, graph + ".onnx"), graph);

        // The independent reference: the saved weights evaluated in float64.
        model.Save(Path.Combine(folder.Path, "model"));
        using var model64 = ModelFolder.Load(Path.Combine(folder.Path, "model"));
        model64.to(ScalarType.Float64).eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(rows.SelectMany(r => r).Select(v => (double)v).ToArray(), [rows.Length, 24]);
        var codes64 = model64.Encode(x).data<double>().ToArray();
        var reconstructions64 = model64.Reconstruct(x).data<double>().ToArray();
        var scores64 = (model64.Reconstruct(x) - x).square().mean([1]).data<double>().ToArray();

        // float32 through a 24-128-64-32-64-128-24 network: agreement to 1e-5 absolute on values of order 1 (codes,
        // sigmoid outputs) and 1e-5 relative on squared errors is float32's rounding, not a different function.
        var codes = Run(Path.Combine(folder.Path, "encode.onnx"), "input", rows, "code");
        AssertClose(codes64, codes, 1e-5, "encode (ONNX)");
        AssertClose(codes64, model.Encode(rows).SelectMany(c => c).ToArray(), 1e-5, "Encode");
        AssertClose(reconstructions64, Run(Path.Combine(folder.Path, "reconstruct.onnx"), "input", rows, "reconstruction"), 1e-5, "reconstruct (ONNX)");
        AssertClose(reconstructions64, model.Reconstruct(rows).SelectMany(r => r).ToArray(), 1e-5, "Reconstruct");
        var codeRows = codes.Chunk(model.CodeSize).ToArray();
        AssertClose(reconstructions64, Run(Path.Combine(folder.Path, "decode.onnx"), "code", codeRows, "reconstruction"), 1e-5, "decode (ONNX)");
        var scores = Run(Path.Combine(folder.Path, "score.onnx"), "input", rows, "score");
        for (int i = 0; i < rows.Length; i++)
            Assert.True(Math.Abs(scores[i] - scores64[i]) <= 1e-5 * scores64[i], $"score row {i}: ONNX {scores[i]:R}, float64 {scores64[i]:R}");
    }

    [Fact]
    public void An_unknown_graph_is_refused_with_one_line_and_no_file()
    {
        using var folder = new TempFolder();
        using var model = AutoencoderModel.Create("basic", [8]);
        var path = Path.Combine(folder.Path, "model.onnx");
        var e = Assert.Throws<OptionException>(() => model.ExportOnnx(path, "sample"));
        Assert.Equal("graph: unknown graph 'sample' (expected one of encode, decode, reconstruct, score)", e.Message);
        Assert.False(File.Exists(path));
    }

    static void AssertClose(double[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance, $"{what} [{i}]: {actual[i]:R}, float64 {expected[i]:R}");
    }
}
