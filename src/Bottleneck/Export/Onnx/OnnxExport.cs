using System.Text.Json;
using Bottleneck.IO;
using Bottleneck.Models;
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
public static class OnnxExport
{
    /// <summary>The opset written unless asked otherwise.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The opsets whose operator definitions this exporter's nodes follow.</summary>
    public const int MinimumOpset = 17, MaximumOpset = 21;

    /// <summary>
    /// Exports <paramref name="model"/> to <paramref name="path"/> atomically. The whole graph is built first, so a model
    /// with a layer that has no ONNX form (a <see cref="BadInputException"/> naming it) leaves no file behind.
    /// <paramref name="scaling"/> says how raw data becomes the model's input ("x / 255"), for the metadata.
    /// </summary>
    public static void Save(Autoencoder model, string path, OnnxGraphKind kind, int opset = DefaultOpset, string? scaling = null)
    {
        var bytes = ToBytes(model, kind, opset, scaling);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The ONNX model (serialised ModelProto) of <paramref name="model"/>'s <paramref name="kind"/> graph.</summary>
    public static byte[] ToBytes(Autoencoder model, OnnxGraphKind kind, int opset = DefaultOpset, string? scaling = null) =>
        Build(model, kind, opset, scaling).ToByteArray();

    internal static ModelProto Build(Autoencoder model, OnnxGraphKind kind, int opset, string? scaling)
    {
        if (opset < MinimumOpset || opset > MaximumOpset)
            throw new BadInputException($"--opset: expected an opset from {MinimumOpset} to {MaximumOpset}, got {opset}");
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
                var reconstruction = Decode(graph, family, family.Encode(graph, input)[0], model.Output);
                graph.Output(MeanSquaredError(graph, input, reconstruction, opset), "score", DataType.Float, []);
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
        return proto;
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
