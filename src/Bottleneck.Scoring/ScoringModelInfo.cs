using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bottleneck.Scoring;

/// <summary>
/// What an exported Bottleneck model says about itself in its ONNX metadata: the shapes a row and a code have, how
/// raw data is scaled, and, for an anomaly detector, its threshold and the training columns' names.
/// </summary>
public sealed record ScoringModelInfo
{
    /// <summary>The model family ("dense", "conv", "vae", ...).</summary>
    public required string Family { get; init; }

    /// <summary>The model's name from its spec.</summary>
    public required string Name { get; init; }

    /// <summary>The model's spec, as the JSON of model.json's "spec".</summary>
    public required string Spec { get; init; }

    /// <summary>One sample's shape as the model takes it ([16], [1, 28, 28], ...).</summary>
    public required long[] InputShape { get; init; }

    /// <summary>One code's shape.</summary>
    public required long[] CodeShape { get; init; }

    /// <summary>How raw data becomes the model's input ("x / 255", a detector's scaler, "none").</summary>
    public required string Scaling { get; init; }

    /// <summary>The library version that exported the model.</summary>
    public required string LibraryVersion { get; init; }

    /// <summary>The anomaly threshold (scores greater than it are anomalies); null when the model is not a detector.</summary>
    public double? Threshold { get; init; }

    /// <summary>The percentile of held-out normal scores the threshold sits at; null when the model is not a detector.</summary>
    public double? Percentile { get; init; }

    /// <summary>The detector's per-column scaler; null when there is none.</summary>
    public RowScaler? Scaler { get; init; }

    /// <summary>The feature columns' names the detector was trained with; null when not recorded.</summary>
    public string[]? FeatureNames { get; init; }

    /// <summary>The graphs loaded: "encode", "decode", "reconstruct", "score".</summary>
    public required IReadOnlyList<string> Graphs { get; init; }

    /// <summary>Values in one row: the product of <see cref="InputShape"/>.</summary>
    public int RowWidth => checked((int)InputShape.Aggregate(1L, (a, b) => a * b));

    /// <summary>Values in one code: the product of <see cref="CodeShape"/>.</summary>
    public int CodeWidth => checked((int)CodeShape.Aggregate(1L, (a, b) => a * b));

    /// <summary>True when the model flags anomalies (it was exported from a folder written by anomaly fit).</summary>
    public bool IsDetector => Threshold is not null;

    /// <summary>Reads the metadata Bottleneck's exporter writes; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="InvalidDataException">A field is missing or malformed (the file was not exported by Bottleneck).</exception>
    internal static ScoringModelInfo Parse(IReadOnlyDictionary<string, string> metadata, string source, IReadOnlyList<string> graphs)
    {
        string Field(string key) => metadata.TryGetValue(key, out var value) ? value
            : throw new InvalidDataException($"{source}: metadata field '{key}' is missing (expected a model exported by bottleneck export)");
        T Json<T>(string key)
        {
            try { return JsonSerializer.Deserialize<T>(Field(key)) ?? throw new JsonException("null"); }
            catch (JsonException) { throw new InvalidDataException($"{source}: metadata field '{key}' is not the JSON expected ({typeof(T).Name})"); }
        }
        double? Number(string key) => metadata.TryGetValue(key, out var text)
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
                : throw new InvalidDataException($"{source}: metadata field '{key}' is '{text}' (expected a finite number)")
            : null;

        var spec = Field("spec");
        var inputShape = Json<long[]>("input_shape");
        if (inputShape.Length == 0 || inputShape.Any(d => d <= 0))
            throw new InvalidDataException($"{source}: metadata field 'input_shape' must list positive sizes");
        return new ScoringModelInfo
        {
            Family = Field("family"),
            Name = (string?)JsonNode.Parse(spec)?["name"] ?? "model",
            Spec = spec,
            InputShape = inputShape,
            CodeShape = Json<long[]>("code_shape"),
            Scaling = Field("scaling"),
            LibraryVersion = Field("library_version"),
            Threshold = Number("anomaly_threshold"),
            Percentile = Number("anomaly_percentile"),
            Scaler = metadata.TryGetValue("scaler", out var scaler) && scaler != "none" ? ParseScaler(scaler, source, inputShape) : null,
            FeatureNames = metadata.TryGetValue("feature_names", out var names) && names != "not recorded" ? Json<string[]>("feature_names") : null,
            Graphs = graphs,
        };
    }

    static RowScaler ParseScaler(string json, string source, long[] inputShape)
    {
        try
        {
            var node = JsonNode.Parse(json)!;
            var scaler = new RowScaler((string)node["kind"]!, node["offset"]!.Deserialize<float[]>()!, node["scale"]!.Deserialize<float[]>()!);
            if (scaler.Offset.Length == scaler.Scale.Length && scaler.Width == inputShape.Aggregate(1L, (a, b) => a * b)
                && scaler.Scale.All(s => s > 0 && float.IsFinite(s)) && scaler.Offset.All(float.IsFinite))
                return scaler;
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException) { }
        throw new InvalidDataException($"{source}: metadata field 'scaler': expected kind, offset and scale, one positive finite scale per input value");
    }
}
