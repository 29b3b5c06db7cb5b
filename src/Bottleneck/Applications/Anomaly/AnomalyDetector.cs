using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// A trained autoencoder with its threshold and scaler (§8.4): it scores a sample by its reconstruction error and
/// flags it when the error exceeds the threshold set on held-out normal data.
/// </summary>
internal sealed class AnomalyDetector : IDisposable
{
    AnomalyDetector(Autoencoder model, AnomalySettings settings, string directory)
    {
        Model = model;
        Settings = settings;
        Directory = directory;
    }

    public Autoencoder Model { get; }
    public AnomalySettings Settings { get; }

    /// <summary>The model folder the detector was loaded from.</summary>
    public string Directory { get; }

    /// <summary>Number of values in one sample, as the model takes it.</summary>
    public long InputSize => Model.InputShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Loads a folder written by anomaly fit.</summary>
    /// <exception cref="BadInputException">The folder is not a model folder, or its model has no anomaly settings.</exception>
    public static AnomalyDetector Load(string directory)
    {
        var manifest = ModelFolder.ReadManifest(directory);
        var settings = AnomalySettings.FromManifest(manifest, Path.Combine(directory, ModelFolder.ModelFile));
        var model = ModelFolder.Load(directory);
        if (settings.Scaler is { } scaler && scaler.Width != model.InputShape.Aggregate(1L, (a, b) => a * b))
        {
            model.Dispose();
            throw new BadInputException($"{Path.Combine(directory, ModelFolder.ModelFile)}: the scaler has {scaler.Width} columns but the model takes {string.Join("×", model.InputShape)} values");
        }
        return new AnomalyDetector(model, settings, directory);
    }

    /// <summary>Throws the one-line message for data whose samples do not have the model's number of values.</summary>
    public void CheckWidth(long values, string source, string what = "samples have")
    {
        if (values != InputSize)
            throw new BadInputException($"{source}: {what} {values} values, but the detector's model '{Model.Spec.Name}' takes {InputSize} ([{string.Join(", ", Model.InputShape)}])");
    }

    /// <summary>
    /// Per-sample scores of a batch in the data's own scale ([N, ...], images already x / 255): the scaler is applied,
    /// then each sample's mean squared reconstruction error is taken (float32, [N]).
    /// </summary>
    public Tensor Errors(Tensor batch) => ErrorsOf(Model, Settings.Scaler, batch);

    /// <summary>Per-sample scores of <paramref name="batch"/> under <paramref name="model"/> and <paramref name="scaler"/>: what <see cref="Errors"/> computes, before a detector exists.</summary>
    public static Tensor ErrorsOf(Autoencoder model, FeatureScaler? scaler, Tensor batch)
    {
        if (model.training) model.eval();
        using var noGrad = no_grad();
        // The caller's batch is left as it is: the scaler makes a new tensor, and the errors overwrite only the reconstruction.
        var input = scaler is not null ? scaler.Apply(batch) : batch;
        return BatchScorer.ErrorsInPlace(model, input);
    }

    /// <summary>The score of every sample of <paramref name="data"/> under <paramref name="model"/> and <paramref name="scaler"/>, <paramref name="batchSize"/> samples a model call.</summary>
    public static double[] ScoresOf(Autoencoder model, FeatureScaler? scaler, Dataset data, int batchSize = 1000)
    {
        var scores = new double[data.Count];
        using var scorer = new BatchScorer(model, scaler, batchSize);
        scorer.Score(data, scores);
        return scores;
    }

    /// <summary>The score of every sample of <paramref name="data"/>.</summary>
    public double[] Scores(Dataset data, int batchSize = 1000)
    {
        CheckWidth(data.SampleSize, data.Name);
        return ScoresOf(Model, Settings.Scaler, data, batchSize);
    }

    /// <summary>True when <paramref name="score"/> exceeds the threshold (errors &gt; threshold, as in the chapter).</summary>
    public bool IsAnomaly(double score) => score > Settings.Threshold;

    public void Dispose() => Model.Dispose();
}
