using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Export;
using Bottleneck.IO;
using Bottleneck.Models;
using TorchSharp;

namespace Bottleneck.Training;

/// <summary>
/// The state of a run after its last completed epoch, kept in OUT/resume: the model folder, the optimiser's state
/// (optimizer.bin) and state.json (the recipe and the epochs so far). state.json is written last and records the
/// optimiser file's hash, so a folder caught mid-write is refused rather than resumed wrongly.
/// </summary>
public static class ResumeState
{
    public const string StateFile = "state.json";
    public const string OptimizerFile = "optimizer.bin";

    /// <summary>Saves the state after an epoch.</summary>
    public static void Save(string directory, Autoencoder model, torch.optim.Optimizer optimizer, TrainingRecipe? recipe,
        IReadOnlyList<EpochRecord> epochs, IReadOnlyDictionary<string, JsonNode?> manifest)
    {
        ModelFolder.Save(model, directory, manifest);
        var optimizerPath = Path.Combine(directory, OptimizerFile);
        Optimizers.SaveState(optimizer, optimizerPath);
        var state = new JsonObject
        {
            ["epochs_completed"] = epochs.Count,
            ["optimizer_sha256"] = Sha256(optimizerPath),
            ["recipe"] = recipe is null ? null : JsonNode.Parse(recipe.ToJson()),
            ["epochs"] = new JsonArray(epochs.Select(e => (JsonNode)new JsonObject
            {
                ["epoch"] = e.Epoch, ["loss"] = e.Loss, ["val_loss"] = e.ValLoss, ["lr"] = e.LearningRate, ["seconds"] = e.Seconds,
                ["parts"] = new JsonObject(e.Parts.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            }).ToArray()),
        };
        AtomicFile.WriteAllText(Path.Combine(directory, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The recipe saved with a run, for `train --resume`.</summary>
    public static TrainingRecipe LoadRecipe(string outputDirectory)
    {
        var path = Path.Combine(outputDirectory, TrainingJob.ResumeFolder, StateFile);
        var state = ReadState(path);
        var recipe = state["recipe"] ?? throw new BadInputException($"{path}: holds no training recipe, so the run cannot be resumed from the command line");
        return TrainingRecipe.Parse(recipe.ToJsonString(), path);
    }

    /// <summary>Loads the model at its last completed epoch and what the trainer needs to go on from there.</summary>
    public static (Autoencoder Model, ResumePoint Resume) Load(string directory, string checkpointDirectory)
    {
        var path = Path.Combine(directory, StateFile);
        var state = ReadState(path);
        var optimizerPath = Path.Combine(directory, OptimizerFile);
        if (!File.Exists(optimizerPath)) throw new BadInputException($"{optimizerPath}: not found (the resume folder is incomplete)");
        if ((string?)state["optimizer_sha256"] != Sha256(optimizerPath))
            throw new BadInputException($"{optimizerPath}: does not match {StateFile} (its SHA-256 differs): the resume folder was caught mid-write");
        var epochs = (state["epochs"] as JsonArray ?? throw new BadInputException($"{path}: field 'epochs' is missing"))
            .Select(e => new EpochRecord((int)e!["epoch"]!, (double)e["loss"]!, (double?)e["val_loss"], (double)e["lr"]!, (double)e["seconds"]!)
            {
                Parts = (e["parts"] as JsonObject)?.ToDictionary(p => p.Key, p => (double)p.Value!) ?? new Dictionary<string, double>(),
            }).ToList();
        var model = ModelFolder.Load(directory);
        var epochsRun = (int?)ModelFolder.ReadManifest(directory)["training"]?["epochs_run"];
        if (epochsRun != epochs.Count)
            throw new BadInputException($"{path}: records {epochs.Count} epochs, but the model beside it was saved after epoch {epochsRun}");
        Dictionary<string, torch.Tensor>? best = null;
        if (ModelFolder.IsModelFolder(checkpointDirectory))
        {
            using var bestModel = ModelFolder.Load(checkpointDirectory);
            best = bestModel.state_dict().ToDictionary(p => p.Key, p => { var c = p.Value.detach().clone(); c.DetachFromDisposeScope(); return c; });
        }
        model.train();
        return (model, new ResumePoint(epochs, optimizerPath, best));
    }

    static JsonObject ReadState(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: not found (only a run trained by this version, stopped after at least one epoch, can be resumed)");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new BadInputException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}");
        }
    }

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
