using System.Globalization;
using System.Text.Json;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Bottleneck.Export.Onnx;

/// <summary>
/// Writes a model as an ONNX file that runs without .NET or libtorch (ONNX Runtime, a browser, a phone): one graph,
/// encode, decode, reconstruct or score, with a dynamic batch dimension, the weights as initializers under their
/// state_dict names, and the model's spec and data scaling in the metadata. The graph is the model in inference form
/// (BatchNorm's running statistics, no Dropout, a VAE's μ as its code).
/// </summary>
internal static class OnnxExport
{
    /// <summary>The opset written unless asked otherwise.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The opsets whose operator definitions this exporter's nodes follow.</summary>
    public const int MinimumOpset = 17, MaximumOpset = 21;

    /// <summary>
    /// Exports <paramref name="model"/> to <paramref name="path"/> atomically. The whole graph is built first, so a model
    /// with a layer that has no ONNX form (a <see cref="BadInputException"/> naming it) leaves no file behind.
    /// <paramref name="scaling"/> says how raw data becomes the model's input ("x / 255"), for the metadata.
    /// <paramref name="detector"/>, a folder's anomaly settings, makes the score graph a detector's (<see cref="Build"/>).
    /// </summary>
    public static void Save(Autoencoder model, string path, OnnxGraphKind kind, int opset = DefaultOpset, string? scaling = null, AnomalySettings? detector = null)
    {
        var bytes = ToBytes(model, kind, opset, scaling, detector);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The ONNX model (serialised ModelProto) of <paramref name="model"/>'s <paramref name="kind"/> graph.</summary>
    public static byte[] ToBytes(Autoencoder model, OnnxGraphKind kind, int opset = DefaultOpset, string? scaling = null, AnomalySettings? detector = null) =>
        Build(model, kind, opset, scaling, detector).ToByteArray();

    /// <summary>
    /// The graph as a ModelProto. With <paramref name="detector"/>, the score graph is the anomaly detector's (§8.4): it
    /// takes raw rows, applies the detector's scaler, and outputs the score and the flag score &gt; threshold ("anomaly",
    /// bool); every graph then carries the threshold, percentile, scaler and feature names in its metadata.
    /// </summary>
    internal static ModelProto Build(Autoencoder model, OnnxGraphKind kind, int opset, string? scaling, AnomalySettings? detector = null)
    {
        if (opset < MinimumOpset || opset > MaximumOpset)
            throw new OptionException("opset", $"expected an opset from {MinimumOpset} to {MaximumOpset}, got {opset}");
        var family = OnnxFamily.For(model);
        var graph = new OnnxGraphBuilder($"{model.Spec.Name} {kind.Name()}");
        var samples = model.InputShape;
        switch (kind)
        {
            case OnnxGraphKind.Encode:
            {
                var input = graph.Input("input", DataType.Float, samples);
                foreach (var (value, code) in family.Encode(graph, input).Zip(family.Codes)) graph.Output(value, code.Name, code.Type, code.Shape);
                break;
            }
            case OnnxGraphKind.Decode:
            {
                var code = family.CodeInput;
                var reconstruction = Decode(graph, family, graph.Input(code.Name, code.Type, code.Shape), model.Output);
                graph.Output(reconstruction, "reconstruction", DataType.Float, samples);
                break;
            }
            case OnnxGraphKind.Reconstruct:
            {
                var input = graph.Input("input", DataType.Float, samples);
                graph.Output(Decode(graph, family, family.Encode(graph, input)[0], model.Output), "reconstruction", DataType.Float, samples);
                break;
            }
            case OnnxGraphKind.Score:
            {
                var input = graph.Input("input", DataType.Float, samples);
                var scaled = detector?.Scaler is { } scaler ? Scale(graph, scaler, input, samples) : input;
                var reconstruction = Decode(graph, family, family.Encode(graph, scaled)[0], model.Output);
                var score = MeanSquaredError(graph, scaled, reconstruction, opset);
                graph.Output(score, "score", DataType.Float, []);
                if (detector is not null)
                    graph.Output(graph.Node("Greater", "anomaly", [score, graph.Constant("anomaly/threshold", [ThresholdBelow(detector.Threshold)], [])]),
                        "anomaly", DataType.Bool, []);
                break;
            }
        }

        var proto = new ModelProto
        {
            IrVersion = IrVersion(opset),
            ProducerName = "Bottleneck",
            ProducerVersion = LibraryInfo.Version,
            DocString = $"{model.Spec.Name} ({model.Spec.Family}): the {kind.Name()} graph, exported by Bottleneck {LibraryInfo.Version}",
            Graph = graph.Graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = opset } },
        };
        foreach (var (key, value) in Metadata(model, kind, scaling)) proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        if (detector is not null)
            foreach (var (key, value) in DetectorMetadata(detector, kind)) proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    /// <summary>
    /// The detector's settings a scorer needs: the threshold (round-trip digits), its percentile, the scaler (kind,
    /// offset, scale) and whether this graph applies it itself, and the training columns' names.
    /// </summary>
    static IEnumerable<(string Key, string Value)> DetectorMetadata(AnomalySettings detector, OnnxGraphKind kind)
    {
        yield return ("anomaly_threshold", detector.Threshold.ToString("R", CultureInfo.InvariantCulture));
        yield return ("anomaly_percentile", detector.Percentile.ToString("R", CultureInfo.InvariantCulture));
        if (detector.Contamination is double c) yield return ("anomaly_contamination", c.ToString("R", CultureInfo.InvariantCulture));
        yield return ("scaler", detector.Scaler is { } s ? JsonSerializer.Serialize(s, CompactJson) : "none");
        yield return ("scaler_in_graph", (kind == OnnxGraphKind.Score && detector.Scaler is not null) ? "true" : "false");
        yield return ("feature_names", detector.FeatureNames is { } names ? JsonSerializer.Serialize(names) : "not recorded");
    }

    // x' = (x − offset) / scale per column (FeatureScaler.Apply), on the rows flattened to [batch, width] and back.
    static string Scale(OnnxGraphBuilder graph, FeatureScaler scaler, string input, long[] samples)
    {
        var rows = graph.Node("Flatten", "scaler", [input], OnnxGraphBuilder.Int("axis", 1));
        var centred = graph.Node("Sub", "scaler", [rows, graph.Constant("scaler/offset", scaler.Offset, [scaler.Width])]);
        var scaled = graph.Node("Div", "scaler", [centred, graph.Constant("scaler/scale", scaler.Scale, [scaler.Width])]);
        return samples.Length == 1 ? scaled : graph.Node("Reshape", "scaler", [scaled, graph.Constant("scaler/shape", [0, .. samples])]);
    }

    /// <summary>
    /// The float32 c for which every float32 score s has s &gt; c exactly when s &gt; threshold (a double): the largest
    /// float32 not above the threshold. Rounding to nearest could land just above it and miss a score equal to c.
    /// </summary>
    internal static float ThresholdBelow(double threshold)
    {
        var c = (float)threshold;
        return c > threshold ? MathF.BitDecrement(c) : c;
    }

    static readonly JsonSerializerOptions CompactJson = new(ModelSpec.Json) { WriteIndented = false };

    /// <summary>What a consumer needs to feed the graph and read its outputs, as metadata_props.</summary>
    static IEnumerable<(string Key, string Value)> Metadata(Autoencoder model, OnnxGraphKind kind, string? scaling)
    {
        yield return ("family", model.Spec.Family);
        yield return ("spec", JsonSerializer.Serialize(model.Spec, CompactJson));
        yield return ("input_shape", JsonSerializer.Serialize(model.InputShape));
        yield return ("code_shape", JsonSerializer.Serialize(model.CodeShape));
        yield return ("scaling", scaling ?? "not recorded");
        yield return ("output_activation", model.Output.Kind.Name());
        yield return ("library_version", LibraryInfo.Version);
        yield return ("graph", kind.Name());
    }

    static string Decode(OnnxGraphBuilder graph, OnnxFamily family, string code, OutputFunction output) =>
        OnnxLayers.Activation(graph, "output", output, family.DecodePreActivation(graph, code));

    // score = mean((x − x̂)², axis=1) per sample (§8.4), both flattened to [batch, features].
    static string MeanSquaredError(OnnxGraphBuilder graph, string input, string reconstruction, int opset)
    {
        var difference = graph.Node("Sub", "score", [
            graph.Node("Flatten", "score", [reconstruction], OnnxGraphBuilder.Int("axis", 1)),
            graph.Node("Flatten", "score", [input], OnnxGraphBuilder.Int("axis", 1))]);
        var squared = graph.Node("Mul", "score", [difference, difference]);
        // Opset 18 moved ReduceMean's axes from an attribute to an input.
        return opset >= 18
            ? graph.Node("ReduceMean", "score", [squared, graph.Constant("score/axes", 1)], OnnxGraphBuilder.Int("keepdims", 0))
            : graph.Node("ReduceMean", "score", [squared], OnnxGraphBuilder.Ints("axes", 1), OnnxGraphBuilder.Int("keepdims", 0));
    }

    // The IR version released with each opset (ONNX 1.12: opset 17 / IR 8, 1.13: 18 / 8, 1.14: 19 / 9, 1.15: 20 / 9, 1.16: 21 / 10).
    static long IrVersion(int opset) => opset switch { <= 18 => 8, <= 20 => 9, _ => 10 };
}
