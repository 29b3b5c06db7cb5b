using Bottleneck.Applications.Anomaly;
using Bottleneck.Export.Onnx;
using Bottleneck.Persistence;
using Bottleneck.Tests.Export;
using Bottleneck.Scoring;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Scoring;

/// <summary>
/// Bottleneck.Scoring (ONNX Runtime only) gives the full library's numbers on the same exported model: a detector's
/// codes, reconstructions, scores and flags from raw rows, and a conv preset's reconstructions, each against float64.
/// </summary>
public sealed class OnnxScorerTests : IDisposable
{
    const double Tolerance = 1e-5;
    readonly TempFolder folder = new();
    readonly AnomalySettings settings;

    public OnnxScorerTests()
    {
        settings = DetectorFolder.Write(folder["detector"]);
        using var model = ModelFolder.Load(folder["detector"]);
        Directory.CreateDirectory(folder["onnx"]);
        foreach (var kind in new[] { OnnxGraphKind.Encode, OnnxGraphKind.Reconstruct, OnnxGraphKind.Score })
            OnnxExport.Save(model, Path.Combine(folder["onnx"], $"{kind.Name()}.onnx"), kind, detector: settings);
    }

    public void Dispose() => folder.Dispose();

    [Fact]
    public void ADetectorsCodesReconstructionsScoresAndFlagsMatchTheLibraryAndFloat64()
    {
        using var scope = NewDisposeScope();
        var rows = DetectorFolder.Rows(300, seed: 5);
        using var scorer = OnnxScorer.Load(folder["onnx"]);
        using var detector = AnomalyDetector.Load(folder["detector"]);
        var raw = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, DetectorFolder.Width]);

        Assert.Equal(["encode", "reconstruct", "score"], scorer.Info.Graphs);
        Assert.Equal(settings.Threshold, scorer.Info.Threshold);
        Assert.Equal(50, scorer.Info.Percentile);
        Assert.Equal(DetectorFolder.FeatureNames, scorer.Info.FeatureNames);
        Assert.Equal(12, scorer.Info.RowWidth);
        Assert.Equal(3, scorer.Info.CodeWidth);
        Assert.Equal(settings.Scaler!.Offset, scorer.Info.Scaler!.Offset);

        // The library's float32 scores and flags.
        var libraryScores = detector.Errors(raw).to_type(ScalarType.Float64).data<double>().ToArray();
        var detection = scorer.Detect(rows);
        Assert.Equal(libraryScores.Select(detector.IsAnomaly), detection.Anomalies);
        Assert.Equal(detection.Anomalies, scorer.Predict(rows));
        Assert.InRange(detection.Anomalies.Count(a => a), 50, 250);
        Assert.Equal(detection.Scores, scorer.Score(rows));

        // The float64 reference: the same weights and scaler.
        using var model64 = ModelFolder.Load(folder["detector"]);
        model64.to(ScalarType.Float64).eval();
        using var noGrad = no_grad();
        var offset = tensor(settings.Scaler.Offset).to_type(ScalarType.Float64);
        var scale = tensor(settings.Scaler.Scale).to_type(ScalarType.Float64);
        var x = (raw.to_type(ScalarType.Float64) - offset) / scale;
        var reconstruction = model64.Reconstruct(x);
        var scores64 = (reconstruction - x).square().mean([1]).data<double>().ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.True(Math.Abs(detection.Scores[i] - scores64[i]) <= Tolerance * scores64[i], $"row {i}: scorer {detection.Scores[i]:R}, float64 {scores64[i]:R}");
            Assert.True(Math.Abs(detection.Scores[i] - libraryScores[i]) <= Tolerance * libraryScores[i], $"row {i}: scorer {detection.Scores[i]:R}, library {libraryScores[i]:R}");
        }
        AssertClose(model64.Encode(x), scorer.Encode(rows), "code");
        // Reconstructions come back in the rows' own units: x̂·scale + offset.
        AssertClose(reconstruction * scale + offset, scorer.Reconstruct(rows), "reconstruction", relative: true);
    }

    [Fact]
    public void AConvPresetsReconstructionsMatchFloat64AndMissingGraphsAreNamed()
    {
        using var scope = NewDisposeScope();
        using var model = OnnxExportTests.Build("conv-blog");
        var path = folder["conv-blog.onnx"];
        OnnxExport.Save(model, path, OnnxGraphKind.Reconstruct, scaling: "x / 255");
        using var scorer = OnnxScorer.Load(path);
        using var generator = new Generator(3);
        var input = rand([40, .. model.InputShape], generator: generator);
        var rows = Enumerable.Range(0, 40).Select(i => input[i].reshape(-1).data<float>().ToArray()).ToArray();

        var reconstructions = scorer.Reconstruct(rows);
        model.to(ScalarType.Float64);
        using var noGrad = no_grad();
        AssertClose(model.Reconstruct(input.to_type(ScalarType.Float64)).reshape(40, -1), reconstructions, "reconstruction");
        Assert.Equal("x / 255", scorer.Info.Scaling);
        Assert.Equal([28L, 28], scorer.Info.InputShape);
        Assert.False(scorer.Info.IsDetector);

        var missing = Assert.Throws<InvalidOperationException>(() => scorer.Score(rows));
        Assert.Equal("conv-blog: no score graph loaded (export one with bottleneck export --graph score; loaded: reconstruct)", missing.Message);
    }

    [Fact]
    public void ConcurrentCallsGiveTheSameResultsAsOneThread()
    {
        using var scorer = OnnxScorer.Load(folder["onnx"]);
        var batches = Enumerable.Range(0, 16).Select(b => DetectorFolder.Rows(1 + 7 * b, seed: b)).ToArray();
        var alone = batches.Select(scorer.Score).ToArray();
        var together = new float[batches.Length][][];
        Parallel.For(0, batches.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            int b = k % batches.Length;
            var scores = scorer.Score(batches[b]);
            lock (together) (together[b] ??= new float[8][])[k / batches.Length] = scores;
        });
        for (int b = 0; b < batches.Length; b++)
            foreach (var scores in together[b]) Assert.Equal(alone[b], scores);
    }

    [Fact]
    public void BadRowsAndBadFilesAreNamed()
    {
        using var scorer = OnnxScorer.Load(folder["onnx"]);
        var rows = DetectorFolder.Rows(3);
        rows[1] = rows[1][..11];
        Assert.Equal("rows[1]: expected 12 values, got 11 (Parameter 'rows')", Assert.Throws<ArgumentException>(() => scorer.Score(rows)).Message);
        Assert.StartsWith("expected whole rows of 12 values ([12]), got 13 values",
            Assert.Throws<ArgumentException>(() => scorer.Score(new float[13])).Message);
        Assert.Empty(scorer.Score(Array.Empty<float[]>()));

        var notOnnx = folder.Write("notes.onnx", "not a model");
        Assert.StartsWith($"{notOnnx}: not a readable ONNX model", Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(notOnnx)).Message);
        Assert.Equal($"{folder["none.onnx"]}: no such file or folder", Assert.Throws<FileNotFoundException>(() => OnnxScorer.Load(folder["none.onnx"])).Message);

        using var other = OnnxExportTests.Build("basic");
        OnnxExport.Save(other, Path.Combine(folder["onnx"], "x-other.onnx"), OnnxGraphKind.Decode);
        Assert.Equal($"{Path.Combine(folder["onnx"], "x-other.onnx")}: a graph of another model than {Path.Combine(folder["onnx"], "encode.onnx")} (their specs differ)",
            Assert.Throws<InvalidDataException>(() => OnnxScorer.Load(folder["onnx"])).Message);
    }

    static void AssertClose(Tensor expected, float[][] actual, string what, bool relative = false)
    {
        var e = expected.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var a = actual.SelectMany(r => r).ToArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= Tolerance * (relative ? Math.Abs(e[i]) : 1), $"{what} value {i}: scorer {a[i]:R}, float64 {e[i]:R}");
    }
}
