using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Bottleneck.IO;
using Bottleneck.Models;

namespace Bottleneck.Persistence;

/// <summary>
/// Weights trained in PyTorch, as a model folder: a <c>state_dict</c> saved as safetensors, with the names of the module
/// the README documents for the spec's family (tools/pytorch/bottleneck_torch.py builds it), is checked name by name,
/// dtype by dtype and shape by shape against the model the spec builds, then saved like a trained model. Pickled
/// checkpoints (<c>torch.save</c>'s .pt/.pth) are refused, because unpickling runs code the file chooses.
/// </summary>
internal static class PyTorchImport
{
    /// <summary>Extensions of files that <c>torch.save</c> or <c>pickle</c> write.</summary>
    static readonly string[] PickleExtensions = [".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin", ".tar"];

    /// <summary>What to do instead, for the refusal of a pickle.</summary>
    const string SaveAsSafetensors =
        "save the state_dict as safetensors instead: safetensors.torch.save_file(model.state_dict(), \"model.safetensors\")";

    /// <summary>
    /// The model <paramref name="spec"/> builds (its input shape filled in), holding the weights of
    /// <paramref name="weightsPath"/>, in eval mode.
    /// </summary>
    /// <exception cref="BadInputException">The file is a pickle or not safetensors, or a tensor is unknown, missing, or of the wrong dtype or shape.</exception>
    public static Autoencoder Load(string weightsPath, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.InputShape is null) throw new ArgumentException("the spec needs an input_shape (WithInputShape)", nameof(spec));
        RefusePickle(weightsPath);
        var (tensors, _) = SafeTensorsFile.Read(weightsPath);
        var model = ModelFactory.Create(spec);
        try
        {
            ModelFolder.CopyState(model, tensors, weightsPath);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads <paramref name="weightsPath"/> into the model <paramref name="spec"/> builds and saves it as a model folder in
    /// <paramref name="directory"/>, with an "imported" entry in model.json naming the source file and its SHA-256.
    /// Everything is checked before anything is written.
    /// </summary>
    public static Autoencoder Import(string weightsPath, ModelSpec spec, string directory)
    {
        if (File.Exists(directory)) throw new OptionException("output", $"{directory} is a file (expected a folder for model.json and weights.safetensors)");
        var model = Load(weightsPath, spec);
        try
        {
            var metadata = SafeTensorsFile.Read(weightsPath).Metadata;
            var imported = new JsonObject
            {
                ["from"] = Path.GetFileName(weightsPath),
                ["sha256"] = FileHash.Sha256(weightsPath),
                ["format"] = "pytorch state_dict (safetensors)",
            };
            if (metadata.TryGetValue("producer", out var producer)) imported["producer"] = producer;
            ModelFolder.Save(model, directory, new Dictionary<string, JsonNode?> { ["imported"] = imported });
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws when <paramref name="path"/> is a pickle: by its extension, or by its first bytes (a zip archive, as
    /// torch.save writes, or a pickle protocol mark) where a safetensors file would hold an impossible header length.
    /// </summary>
    static void RefusePickle(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (PickleExtensions.Contains(extension))
            throw new BadInputException($"{path}: a {extension} file is a pickle, and loading a pickle runs code from it, so it is not read; {SaveAsSafetensors}");
        if (!File.Exists(path)) return;   // the safetensors reader names a missing file
        Span<byte> start = stackalloc byte[8];
        using (var stream = File.OpenRead(path))
            if (stream.Read(start) < 8) return;
        // torch.save writes a zip archive ("PK\x03\x04"); pickle.dump starts with 0x80 and the protocol number (2-5).
        // Both give a header length far above the safetensors limit, so no valid safetensors file is refused here.
        bool zip = start[0] == (byte)'P' && start[1] == (byte)'K' && start[2] == 3 && start[3] == 4;
        bool pickle = start[0] == 0x80 && start[1] is >= 2 and <= 5;
        if ((zip || pickle) && BinaryPrimitives.ReadUInt64LittleEndian(start) > SafeTensorsFile.MaxHeaderLength)
            throw new BadInputException($"{path}: this is a pickled PyTorch checkpoint ({(zip ? "torch.save's zip archive" : "a pickle stream")}), not safetensors; loading a pickle runs code from it, so it is not read; {SaveAsSafetensors}");
    }
}
