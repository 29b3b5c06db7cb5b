using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck.Persistence;

/// <summary>
/// A model folder's model together with the transformation its training data went through: the per-column scaler of
/// tabular data and the range the scaled training data spanned. Every command that feeds data to a saved model goes
/// through <see cref="Prepare"/>, so new data reaches the model exactly as the training data did.
/// </summary>
internal sealed class TrainedModel : IDisposable
{
    internal TrainedModel(Autoencoder model, FeatureScaler? scaler, TrainingRange? range, string scaling, string directory)
    {
        Model = model;
        Scaler = scaler;
        Range = range;
        Scaling = scaling;
        Directory = directory;
    }

    public Autoencoder Model { get; }

    /// <summary>The scaler fitted on the training rows (data.scaler, or anomaly.scaler in a detector folder), or null.</summary>
    public FeatureScaler? Scaler { get; }

    /// <summary>The training data's range after scaling, or null for folders written before it was recorded.</summary>
    public TrainingRange? Range { get; }

    /// <summary>How the training data was scaled, in words (model.json's data.scaling).</summary>
    public string Scaling { get; }

    /// <summary>The folder the model was loaded from.</summary>
    public string Directory { get; }

    /// <summary>Name of the field, inside model.json's "data" object, that holds the scaler of a training run.</summary>
    public const string ScalerField = "scaler";

    /// <summary>Name of the model.json field that anomaly fit writes a detector's settings into (threshold, scaler, ...).</summary>
    public const string DetectorField = "anomaly";

    /// <summary>Loads the model, its scaler and its training range from <paramref name="directory"/>.</summary>
    /// <exception cref="BadInputException">The folder is not a valid model folder, or its scaler does not fit its model.</exception>
    public static TrainedModel Load(string directory)
    {
        var manifest = ModelFolder.ReadManifest(directory);
        var source = Path.Combine(directory, ModelFolder.ModelFile);
        // A training run keeps its scaler under data; anomaly fit has always kept it with the threshold.
        var scaler = manifest["data"]?[ScalerField] is { } own ? FeatureScaler.FromJson(own, source, "data." + ScalerField)
            : manifest[DetectorField]?["scaler"] is JsonObject detector ? FeatureScaler.FromJson(detector, source, DetectorField + ".scaler")
            : null;
        var range = TrainingRange.FromManifest(manifest, source);
        var scaling = (string?)(manifest["data"]?["scaling"] as JsonValue) ?? "none";
        var model = ModelFolder.Load(directory);
        long inputSize = model.InputShape.Aggregate(1L, (a, b) => a * b);
        if (scaler is not null && scaler.Width != inputSize)
        {
            model.Dispose();
            throw new BadInputException($"{source}: the scaler has {scaler.Width} columns but the model takes {string.Join("×", model.InputShape)} values");
        }
        return new TrainedModel(model, scaler, range, scaling, directory);
    }

    /// <summary>
    /// <paramref name="data"/> as the model takes it: checked against the model's input size, scaled by the folder's
    /// scaler, and refused when its values leave the training range. The caller disposes the result.
    /// </summary>
    public Dataset Prepare(Dataset data)
    {
        DataFit.Check(Model, data);
        var prepared = Scaler?.Transform(data, data.Name) ?? data.Slice(0, data.Count);
        try
        {
            Range?.Check(prepared, Directory, Stage(data.IsBytes), Scaling);
            return prepared;
        }
        catch
        {
            prepared.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What <see cref="Prepare"/> refuses, for float rows named <paramref name="name"/> scaled elsewhere (a batch at a
    /// time) whose values span [<paramref name="min"/>, <paramref name="max"/>] after the scaler: the same message.
    /// </summary>
    internal void CheckRange(double min, double max, string name) => Range?.Check(min, max, name, Directory, Stage(bytes: false), Scaling);

    // Where the range was measured, for the message.
    string Stage(bool bytes) => Scaler is { } s ? $"after the folder's {s.Kind.ToString().ToLowerInvariant()} scaler" : bytes ? "as read (bytes as x / 255)" : "as read";

    /// <summary>Model outputs (reconstructions) back in the data's own units: the scaler undone, or unchanged without one.</summary>
    public NumericArray Unscale(NumericArray outputs)
    {
        if (Scaler is null) return outputs;
        using var scope = NewDisposeScope();
        var restored = Scaler.Invert(tensor(outputs.ToFloats(), [outputs.Count, outputs.SampleLength]));
        return NumericArray.FromFloats(outputs.Shape, restored.contiguous().data<float>().ToArray());
    }

    public void Dispose() => Model.Dispose();
}
