using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Cli.Serving;

/// <summary>
/// Serving with the full library (TorchSharp): for a model family with no ONNX form, or to compare. A detector's scaler
/// is applied to raw rows and undone on reconstructions, as the ONNX path does.
/// </summary>
internal sealed class TorchRowModel : IRowModel
{
    readonly Autoencoder model;
    readonly FeatureScaler? scaler;
    readonly double? threshold;
    readonly object gate = new();
    BatchScorer? scorer;

    TorchRowModel(Autoencoder model, AnomalySettings? detector, ScoringModelInfo info)
    {
        this.model = model;
        scaler = detector?.Scaler;
        threshold = detector?.Threshold;
        Info = info;
        model.eval();
    }

    public string Backend => "torch";
    public ScoringModelInfo Info { get; }

    /// <summary>Loads a model folder (one written by train, or by anomaly fit for a detector).</summary>
    public static TorchRowModel Load(string directory)
    {
        var model = ModelSource.Trained(directory);
        try
        {
            var manifest = ModelFolder.ReadManifest(directory);
            var detector = manifest[AnomalySettings.Field] is null ? null : AnomalySettings.FromManifest(manifest, Path.Combine(directory, ModelFolder.ModelFile));
            var info = new ScoringModelInfo
            {
                Family = model.Spec.Family,
                Name = model.Spec.Name,
                Spec = model.Spec.ToJson(),
                InputShape = model.InputShape,
                CodeShape = model.CodeShape,
                Scaling = (string?)manifest["data"]?["scaling"] ?? "not recorded",
                LibraryVersion = LibraryInfo.Version,
                Threshold = detector?.Threshold,
                Percentile = detector?.Percentile,
                Scaler = detector?.Scaler is { } s ? new RowScaler(s.Kind == ScalerKind.Standard ? "standard" : "minmax", s.Offset, s.Scale) : null,
                FeatureNames = detector?.FeatureNames,
                Graphs = ["encode", "reconstruct", "score"],
            };
            return new TorchRowModel(model, detector, info);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public bool Has(RowFunction function) => true;

    public float[] Encode(float[] values) => Run(values, x =>
    {
        var code = model.Encode(x);
        return code.dtype == ScalarType.Float32 ? code : code.to_type(ScalarType.Float32);
    });

    public float[] Reconstruct(float[] values)
    {
        var reconstruction = Run(values, model.Reconstruct);
        Info.Scaler?.Invert(reconstruction);
        return reconstruction;
    }

    public ScoredRows Score(float[] values)
    {
        var scores = new float[values.Length / Info.RowWidth];
        lock (gate)
        {
            // The scorer's input tensor is reused from batch to batch; the lock keeps it to one batch at a time.
            scorer ??= new BatchScorer(model, scaler);
            scorer.Score(scores.Length, BatchScorer.RowMajor(values, Info.RowWidth), scores);
        }
        // errors > threshold, compared in double as AnomalyDetector.IsAnomaly does.
        return new ScoredRows(scores, threshold is double t ? scores.Select(s => s > t).ToArray() : null);
    }

    float[] Run(float[] values, Func<Tensor, Tensor> function)
    {
        lock (gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = scaler is null ? values : Info.Scaler!.Apply(values);
            var result = function(tensor(input, [values.Length / Info.RowWidth, .. model.InputShape]));
            return result.contiguous().data<float>().ToArray();
        }
    }

    public void Dispose()
    {
        scorer?.Dispose();
        model.Dispose();
    }
}
