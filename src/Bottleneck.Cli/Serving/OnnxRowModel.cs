using Bottleneck.Applications.Anomaly;
using Bottleneck.Export.Onnx;
using Bottleneck.Persistence;
using Bottleneck.Scoring;

namespace Bottleneck.Cli.Serving;

/// <summary>Serving with ONNX Runtime (Bottleneck.Scoring): an exported .onnx file or folder, or a model folder exported in memory.</summary>
internal sealed class OnnxRowModel(OnnxScorer scorer) : IRowModel
{
    public string Backend => "onnx";
    public ScoringModelInfo Info => scorer.Info;

    /// <summary>
    /// A model folder's encode, reconstruct and score graphs exported in memory (a detector's with its scaler and
    /// threshold); a family with no ONNX form is refused by name.
    /// </summary>
    public static OnnxRowModel FromModelFolder(string directory)
    {
        using var model = ModelSource.Trained(directory);
        var manifest = ModelFolder.ReadManifest(directory);
        var detector = manifest[AnomalySettings.Field] is null ? null : AnomalySettings.FromManifest(manifest, Path.Combine(directory, ModelFolder.ModelFile));
        var scaling = (string?)manifest["data"]?["scaling"];
        var graphs = new[] { OnnxGraphKind.Encode, OnnxGraphKind.Reconstruct, OnnxGraphKind.Score }
            .Select(kind => OnnxExport.ToBytes(model, kind, scaling: scaling, detector: detector)).ToArray();
        return new OnnxRowModel(OnnxScorer.FromBytes(graphs));
    }

    /// <summary>An exported .onnx file, or a folder of them; a file that is not a Bottleneck export is bad input.</summary>
    public static OnnxRowModel FromOnnx(string path)
    {
        try { return new OnnxRowModel(OnnxScorer.Load(path)); }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException) { throw new BadInputException($"--model: {e.Message}"); }
    }

    public bool Has(RowFunction function) => scorer.Has(function.ToString().ToLowerInvariant());

    public float[] Encode(float[] values) => scorer.Encode(values);

    public float[] Reconstruct(float[] values) => scorer.Reconstruct(values);

    public ScoredRows Score(float[] values)
    {
        if (!Info.IsDetector) return new ScoredRows(scorer.Score(values), null);
        var detection = scorer.Detect(values);
        return new ScoredRows(detection.Scores, detection.Anomalies);
    }

    public void Dispose() => scorer.Dispose();
}
