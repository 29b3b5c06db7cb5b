using Bottleneck.Applications.Anomaly;
using Bottleneck.Export.Onnx;
using Bottleneck.Persistence;
using Bottleneck.Tests.Cli;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Export;

/// <summary>
/// A folder written by anomaly fit exports as the detector (§8.4): raw rows in, its scaler applied inside the graph,
/// the per-row score and the flag out, the threshold, percentile, scaler and feature names in the metadata.
/// </summary>
public sealed class OnnxDetectorExportTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly AnomalySettings settings;

    public OnnxDetectorExportTests() => settings = DetectorFolder.Write(folder["detector"]);

    public void Dispose() => folder.Dispose();

    [Fact]
    public void TheScoreGraphGivesTheDetectorsScoresAndFlagsFromRawRows()
    {
        using var scope = NewDisposeScope();
        using var detector = AnomalyDetector.Load(folder["detector"]);
        var rows = DetectorFolder.Rows(200);
        var raw = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, DetectorFolder.Width]);
        var expected = detector.Errors(raw).to_type(ScalarType.Float64).data<double>().ToArray();

        using var session = new InferenceSession(OnnxExport.ToBytes(detector.Model, OnnxGraphKind.Score, detector: detector.Settings));
        using var value = OrtValue.CreateTensorValueFromMemory(raw.data<float>().ToArray(), raw.shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [value], ["score", "anomaly"]);
        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var flags = outputs[1].GetTensorDataAsSpan<bool>().ToArray();

        // The independent reference: the same weights and scaler in float64.
        using var model64 = ModelFolder.Load(folder["detector"]);
        model64.to(ScalarType.Float64).eval();
        using var offset = tensor(settings.Scaler!.Offset).to_type(ScalarType.Float64);
        using var scale = tensor(settings.Scaler.Scale).to_type(ScalarType.Float64);
        using var noGrad = no_grad();
        var x = (raw.to_type(ScalarType.Float64) - offset) / scale;
        var reference = (model64.Reconstruct(x) - x).square().mean([1]).data<double>().ToArray();

        Assert.Equal(rows.Length, scores.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.True(Math.Abs(scores[i] - reference[i]) <= 1e-5 * reference[i], $"row {i}: ONNX {scores[i]:R}, float64 {reference[i]:R}");
            Assert.True(Math.Abs(scores[i] - expected[i]) <= 1e-5 * expected[i], $"row {i}: ONNX {scores[i]:R}, AnomalyDetector {expected[i]:R}");
        }
        Assert.Equal(expected.Select(detector.IsAnomaly), flags);
        Assert.Equal(100, flags.Count(f => f));   // the threshold is the median of these rows' scores: a real split

        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(settings.Threshold, double.Parse(metadata["anomaly_threshold"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("50", metadata["anomaly_percentile"]);
        Assert.Equal("true", metadata["scaler_in_graph"]);
        Assert.StartsWith("{\"kind\":\"standard\",\"offset\":[100,101,", metadata["scaler"]);
        Assert.Equal("[\"sensor00\",\"sensor01\",\"sensor02\",\"sensor03\",\"sensor04\",\"sensor05\",\"sensor06\",\"sensor07\",\"sensor08\",\"sensor09\",\"sensor10\",\"sensor11\"]",
            metadata["feature_names"]);
    }

    [Theory]
    [InlineData(0.1)]                  // (float)0.1 lies above 0.1: the constant must step down one float
    [InlineData(0.3)]                  // (float)0.3 lies below 0.3
    [InlineData(0.5)]                  // exact in float32
    public void TheFloatThresholdFlagsExactlyTheFloatScoresAboveTheDoubleThreshold(double threshold)
    {
        var c = OnnxExport.ThresholdBelow(threshold);
        var near = (float)threshold;
        foreach (var s in new[] { MathF.BitDecrement(MathF.BitDecrement(near)), MathF.BitDecrement(near), near, MathF.BitIncrement(near), MathF.BitIncrement(MathF.BitIncrement(near)) })
            Assert.Equal(s > threshold, s > c);
    }

    [Fact]
    public void ExportOfADetectorFolderWritesTheScoreGraphByDefault()
    {
        var result = CliRunner.Run(folder.Path, "export", "--model", "detector", "--out", "detector.onnx");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("wrote the score graph of the anomaly detector sensors", result.Stdout);
        using var session = new InferenceSession(folder["detector.onnx"]);
        Assert.Equal(["score", "anomaly"], session.OutputNames);
        Assert.Equal("score", session.ModelMetadata.CustomMetadataMap["graph"]);
    }

    [Fact]
    public void OtherGraphsOfADetectorSayTheScalerIsLeftToTheCaller()
    {
        var result = CliRunner.Run(folder.Path, "export", "--model", "detector", "--graph", "encode", "--out", "encode.onnx");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var session = new InferenceSession(folder["encode.onnx"]);
        Assert.Equal("false", session.ModelMetadata.CustomMetadataMap["scaler_in_graph"]);
        Assert.Equal(["code"], session.OutputNames);
    }
}
