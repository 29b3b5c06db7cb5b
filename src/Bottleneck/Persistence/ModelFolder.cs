using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.IO;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Persistence;

/// <summary>
/// A saved model: <c>model.json</c> (what the model is, how its data was scaled, how it was trained) and
/// <c>weights.safetensors</c> (its tensors, named as the equivalent PyTorch module's state_dict). Both files are
/// written atomically, weights first, and model.json records the weights' SHA-256, so a folder caught half-overwritten
/// is detected on load instead of loading a mismatched pair. Loading runs nothing from either file.
/// </summary>
internal static class ModelFolder
{
    public const string ModelFile = "model.json";
    public const string WeightsFile = "weights.safetensors";
    public const string Format = "bottleneck-model";
    public const int FormatVersion = 1;

    /// <summary>True when <paramref name="path"/> is a folder holding a model.json.</summary>
    public static bool IsModelFolder(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, ModelFile));

    /// <summary>
    /// Saves <paramref name="model"/> into <paramref name="directory"/>. <paramref name="extra"/> adds top-level fields to
    /// model.json (data scaling, training metadata, an anomaly threshold, ...).
    /// </summary>
    public static void Save(Autoencoder model, string directory, IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        Directory.CreateDirectory(directory);
        var entries = new List<TensorEntry>();
        var listing = new JsonObject();
        foreach (var (name, tensor) in model.state_dict())
        {
            var entry = ToEntry(name, tensor);
            entries.Add(entry);
            listing[name] = new JsonObject { ["dtype"] = entry.DType, ["shape"] = new JsonArray(entry.Shape.Select(d => (JsonNode)d).ToArray()) };
        }
        var weightsPath = Path.Combine(directory, WeightsFile);
        SafeTensorsFile.Write(weightsPath, entries, new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "bottleneck " + LibraryInfo.Version });

        var document = new JsonObject
        {
            ["format"] = Format,
            ["format_version"] = FormatVersion,
            ["library_version"] = LibraryInfo.Version,
            ["spec"] = JsonNode.Parse(model.Spec.ToJson()),
            ["weights"] = new JsonObject
            {
                ["file"] = WeightsFile,
                ["sha256"] = FileHash.Sha256(weightsPath),
                ["tensors"] = listing,
            },
        };
        if (extra is not null)
            foreach (var (key, value) in extra) document[key] = value?.DeepClone();
        var manifestPath = Path.Combine(directory, ModelFile);
        AtomicFile.WriteAllText(manifestPath, FiniteJson.Serialize(document, manifestPath, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Copies the model folder <paramref name="source"/> to <paramref name="destination"/> the way <see cref="Save"/> writes
    /// one: the weights first, then model.json, each atomically.
    /// </summary>
    public static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in new[] { WeightsFile, ModelFile })
        {
            using var input = File.OpenRead(Path.Combine(source, file));
            AtomicFile.Write(Path.Combine(destination, file), input.CopyTo);
        }
    }

    /// <summary>Reads model.json without touching the weights (for metadata such as data scaling or thresholds).</summary>
    public static JsonObject ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ModelFile);
        if (!Directory.Exists(directory)) throw new BadInputException($"{directory}: model folder not found");
        if (!File.Exists(path)) throw new BadInputException($"{path}: not found (a model folder holds model.json and weights.safetensors)");
        JsonNode? node;
        // A key given twice is refused: which of the two a reader takes differs between JSON libraries.
        try { node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (JsonException e) { throw new BadInputException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        if (node is not JsonObject manifest) throw new BadInputException($"{path}: expected a JSON object");
        if (manifest["format"]?.GetValueKind() != JsonValueKind.String || (string?)manifest["format"] != Format)
            throw new BadInputException($"{path}: field 'format': expected \"{Format}\"");
        if (manifest["format_version"] is not JsonValue version || !version.TryGetValue<int>(out var number) || number != FormatVersion)
            throw new BadInputException($"{path}: field 'format_version': expected {FormatVersion}, found {manifest["format_version"]?.ToJsonString() ?? "nothing"}");
        return manifest;
    }

    /// <summary>
    /// The weights' SHA-256 as model.json records it (32 bytes), or 32 zero bytes when it records none: code files
    /// carry it so that codes are never decoded by a model with other weights.
    /// </summary>
    public static byte[] RecordedWeightsSha256(string directory)
    {
        var hex = (string?)ReadManifest(directory)["weights"]?["sha256"];
        return hex is { Length: 64 } ? Convert.FromHexString(hex) : new byte[32];
    }

    /// <summary>Loads a saved model, validating every tensor's name, dtype and shape against model.json and the model.</summary>
    public static Autoencoder Load(string directory)
    {
        var manifest = ReadManifest(directory);
        var manifestPath = Path.Combine(directory, ModelFile);
        var specNode = manifest["spec"] ?? throw new BadInputException($"{manifestPath}: field 'spec' is missing");
        var spec = ModelSpec.Parse(specNode.ToJsonString(), $"{manifestPath} (spec)");
        if (spec.InputShape is null) throw new BadInputException($"{manifestPath}: field 'spec.input_shape' is missing");

        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weightsPath)) throw new BadInputException($"{weightsPath}: not found (model.json names it, so the folder is incomplete)");
        // The hash is what ties the weights to this model.json: without it, another model's weights of the same shapes would load.
        var weights = manifest["weights"] as JsonObject ?? throw new BadInputException($"{manifestPath}: field 'weights': expected an object with the weights' sha256");
        if (weights["sha256"] is not JsonValue hash || hash.GetValueKind() != JsonValueKind.String || (string)hash! is not { Length: 64 } expectedHash
            || !expectedHash.All(char.IsAsciiHexDigit))
            throw new BadInputException($"{manifestPath}: field 'weights.sha256': expected the weights' SHA-256 as 64 hex digits, found {weights["sha256"]?.ToJsonString() ?? "nothing"}");
        if (!string.Equals(expectedHash, FileHash.Sha256(weightsPath), StringComparison.OrdinalIgnoreCase))
            throw new BadInputException($"{weightsPath}: does not match {ModelFile} (its SHA-256 differs from the one recorded there)");
        var listing = weights["tensors"] as JsonObject;

        // Built (its size checked against the budget) before the weights are read: both are as large as the spec says.
        var model = ModelFactory.Create(spec, $"{manifestPath} (spec)");
        try
        {
            var (tensors, _) = SafeTensorsFile.Read(weightsPath);
            CopyState(model, tensors, weightsPath);
            if (listing is not null)
                foreach (var entry in tensors)
                    if (listing[entry.Name] is JsonObject listed && listed["shape"] is JsonArray listedShape &&
                        !listedShape.Select(v => (long?)v).SequenceEqual(entry.Shape.Select(v => (long?)v)))
                        throw new BadInputException($"{manifestPath}: tensor '{entry.Name}' is listed with shape {listedShape.ToJsonString()}, but the weights hold [{string.Join(", ", entry.Shape)}]");
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies <paramref name="tensors"/> (read from <paramref name="source"/>) into <paramref name="model"/>'s state_dict and
    /// puts the model in eval mode. Every name must be one of the model's and every one of the model's must be there, with
    /// its dtype and shape; otherwise a <see cref="BadInputException"/> names the tensor and what was expected.
    /// </summary>
    internal static void CopyState(Autoencoder model, IReadOnlyList<TensorEntry> tensors, string source)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        var state = model.state_dict();
        foreach (var name in byName.Keys)
            if (!state.ContainsKey(name))
                throw new BadInputException($"{source}: tensor '{name}' is not a parameter of a '{model.Spec.Family}' model with this spec");
        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            if (!byName.TryGetValue(name, out var entry))
                throw new BadInputException($"{source}: tensor '{name}' is missing");
            var expectedDType = DTypeOf(target);
            if (entry.DType != expectedDType)
                throw new BadInputException($"{source}: tensor '{name}' has dtype {entry.DType}, expected {expectedDType}");
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new BadInputException($"{source}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}], expected [{string.Join(", ", target.shape)}]");
            using var value = FromEntry(entry);
            target.copy_(value);
        }
        model.eval();
    }

    static string DTypeOf(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Int64 => "I64",
        _ => throw new NotSupportedException($"cannot save a {t.dtype} tensor"),
    };

    static TensorEntry ToEntry(string name, Tensor tensor)
    {
        var contiguous = tensor.detach().contiguous().cpu();
        var bytes = new byte[contiguous.numel() * contiguous.ElementSize];
        contiguous.bytes.CopyTo(bytes);
        return new TensorEntry(name, DTypeOf(tensor), tensor.shape.ToArray(), bytes);
    }

    static Tensor FromEntry(TensorEntry entry)
    {
        var dtype = entry.DType == "F32" ? ScalarType.Float32 : ScalarType.Int64;
        var t = empty(entry.Shape, dtype);
        t.bytes = entry.Data;
        return t;
    }
}
