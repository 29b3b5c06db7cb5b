using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Persistence;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// What makes a trained autoencoder an anomaly detector, saved as the "anomaly" object of model.json: the threshold
/// and the rule that set it, the scaler fitted on the training rows, and where the normal data came from (so that
/// evaluation can rebuild exactly the same normal training set for its baselines).
/// </summary>
internal sealed record AnomalySettings
{
    /// <summary>Name of model.json's field that holds these settings.</summary>
    public const string Field = TrainedModel.DetectorField;

    /// <summary>What a score is: the mean squared reconstruction error per value of a sample, after scaling (§8.4).</summary>
    public string Score { get; init; } = "mse";

    /// <summary>Samples whose score is greater than this are anomalies.</summary>
    public required double Threshold { get; init; }

    /// <summary>The percentile of held-out normal errors the threshold sits at.</summary>
    public required double Percentile { get; init; }

    /// <summary>The contamination rate the percentile came from, when it was given that way.</summary>
    public double? Contamination { get; init; }

    /// <summary>The --data argument the detector was fitted on (a built-in name or a path).</summary>
    public required string Data { get; init; }

    /// <summary>How that data was read (CSV header, label column, Fashion-MNIST's folder).</summary>
    public DataOptions DataOptions { get; init; } = new();

    /// <summary>Only the first N training samples were considered, when set.</summary>
    public int? Limit { get; init; }

    /// <summary>The classes taken as normal; null when every training sample was normal.</summary>
    public int[]? NormalClasses { get; init; }

    /// <summary>The fraction of the normal samples held out to set the threshold (the last ones, before any shuffling).</summary>
    public required double Holdout { get; init; }

    /// <summary>Normal samples the model trained on (its own validation split included).</summary>
    public required int TrainingSamples { get; init; }

    /// <summary>Held-out normal samples whose errors set the threshold.</summary>
    public required int HoldoutSamples { get; init; }

    /// <summary>How many held-out normal samples score above the threshold (about (100 − percentile)% of them).</summary>
    public required int HoldoutFlagged { get; init; }

    /// <summary>The per-column scaling of tabular data, or null for images (already x / 255) and unscaled data.</summary>
    public FeatureScaler? Scaler { get; init; }

    /// <summary>The feature columns' names when the training CSV had a header.</summary>
    public string[]? FeatureNames { get; init; }

    /// <summary>The settings as a JSON node for model.json.</summary>
    public JsonNode ToJson() => JsonSerializer.SerializeToNode(this, ModelSpec.Json)!;

    /// <summary>Reads the settings from a model.json; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="BadInputException">The field is missing (the model is not a detector) or malformed.</exception>
    public static AnomalySettings FromManifest(JsonObject manifest, string source)
    {
        var node = manifest[Field] ?? throw new BadInputException(
            $"{source}: not an anomaly detector (model.json has no '{Field}' field; make one with 'bottleneck anomaly fit')");
        AnomalySettings? settings;
        try { settings = node.Deserialize<AnomalySettings>(ModelSpec.Json); }
        catch (JsonException e) { throw new BadInputException($"{source}: field '{Field}' is malformed: {e.Message.Split('\n')[0]}"); }
        if (settings is null || !double.IsFinite(settings.Threshold))
            throw new BadInputException($"{source}: field '{Field}.threshold' is missing or not a finite number");
        if (settings.Scaler is { } s && (s.Offset.Length != s.Scale.Length || s.Scale.Any(v => !(v > 0) || !float.IsFinite(v)) || s.Offset.Any(v => !float.IsFinite(v))))
            throw new BadInputException($"{source}: field '{Field}.scaler': expected offset and scale of equal length, scales positive and finite");
        return settings;
    }
}
