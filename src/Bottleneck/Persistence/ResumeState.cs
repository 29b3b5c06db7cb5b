using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Training;
using TorchSharp;

namespace Bottleneck.Persistence;

/// <summary>
/// The state of a run after its last completed epoch, kept in OUT/resume so that a run killed at any instant can go on.
/// Each epoch's state is written whole into a folder of its own (resume/epoch-0007: the model folder, the optimiser's
/// state optimizer.bin, the best epoch's model in best/, and state.json with the recipe and the epochs so far); one
/// atomic rename of the pointer file resume/current then makes it the resume point, and only after that is the previous
/// epoch's folder deleted. resume/recipe.json, written before training starts, lets a run killed before its first
/// epoch ended start again from its folder.
/// </summary>
internal static class ResumeState
{
    /// <summary>Folder, inside a run's output folder, that holds the state of the last completed epoch.</summary>
    public const string Folder = "resume";
    public const string StateFile = "state.json";
    public const string OptimizerFile = "optimizer.bin";
    public const string PointerFile = "current";
    public const string RecipeFile = "recipe.json";
    public const string BestFolder = "best";
    const string EpochFolderPrefix = "epoch-";

    /// <summary>
    /// Starts a fresh run's resume folder: the state of any earlier run in it goes (its pointer first, so no kill
    /// leaves it half-deleted yet pointed at), and the recipe is saved.
    /// </summary>
    public static void Start(string directory, TrainingRecipe? recipe)
    {
        DeleteIfPresent(Path.Combine(directory, PointerFile));
        DeleteIfPresent(Path.Combine(directory, RecipeFile));
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        if (recipe is not null) AtomicFile.WriteAllText(Path.Combine(directory, RecipeFile), recipe.ToJson());
    }

    /// <summary>
    /// Saves the state after an epoch beside the previous one, then switches to it. <paramref name="checkpointDirectory"/>,
    /// when given and holding a model, is copied in as the best epoch's model.
    /// </summary>
    public static void Save(string directory, Autoencoder model, torch.optim.Optimizer optimizer, TrainingRecipe? recipe,
        IReadOnlyList<EpochRecord> epochs, IReadOnlyDictionary<string, JsonNode?> manifest, string? checkpointDirectory)
    {
        var name = $"{EpochFolderPrefix}{epochs.Count:D4}";
        var epochDirectory = Path.Combine(directory, name);
        // A folder of this name can only be a kill's leftover: the pointer never names a folder still being written.
        if (Directory.Exists(epochDirectory)) Directory.Delete(epochDirectory, recursive: true);
        ModelFolder.Save(model, epochDirectory, manifest);
        if (checkpointDirectory is not null && ModelFolder.IsModelFolder(checkpointDirectory)) ModelFolder.Copy(checkpointDirectory, Path.Combine(epochDirectory, BestFolder));
        var optimizerPath = Path.Combine(epochDirectory, OptimizerFile);
        Optimizers.SaveState(optimizer, optimizerPath);
        var state = new JsonObject
        {
            ["epochs_completed"] = epochs.Count,
            ["optimizer_sha256"] = FileHash.Sha256(optimizerPath),
            ["recipe"] = recipe is null ? null : JsonNode.Parse(recipe.ToJson()),
            ["epochs"] = new JsonArray(epochs.Select(e =>
            {
                var record = new JsonObject { ["epoch"] = e.Epoch, ["loss"] = e.Loss };
                if (e.ValLoss is double valLoss) record["val_loss"] = valLoss;   // absent without validation data; null is NaN
                record["lr"] = e.LearningRate;
                record["seconds"] = e.Seconds;
                record["parts"] = new JsonObject(e.Parts.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
                return (JsonNode)record;
            }).ToArray()),
        };
        // A diverged epoch's NaN loss is stored as null and read back as NaN: the resumed run must see what the trainer saw.
        FiniteJson.ReplaceNonFinite(state);
        AtomicFile.WriteAllText(Path.Combine(epochDirectory, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(Path.Combine(directory, PointerFile), name);
        RemoveStale(directory, name);
    }

    /// <summary>True when the run in <paramref name="outputDirectory"/> has a completed epoch to go on from.</summary>
    public static bool HasEpochs(string outputDirectory) => File.Exists(Path.Combine(outputDirectory, Folder, PointerFile));

    /// <summary>The recipe saved with the run in <paramref name="outputDirectory"/>, for `train --resume`.</summary>
    public static TrainingRecipe LoadRecipe(string outputDirectory)
    {
        var directory = Path.Combine(outputDirectory, Folder);
        if (!HasEpochs(outputDirectory))
        {
            // Killed before its first epoch ended: the run starts again from the recipe saved when it began.
            var recipePath = Path.Combine(directory, RecipeFile);
            if (!File.Exists(recipePath))
                throw new BadInputException($"{directory}: holds no resume state (the run stopped before saving anything, or an older version trained it): start it again without `resume`");
            return TrainingRecipe.Parse(File.ReadAllText(recipePath), recipePath);
        }
        var path = Path.Combine(CurrentDirectory(directory), StateFile);
        var recipe = ReadState(path)["recipe"] ?? throw new BadInputException($"{path}: holds no training recipe, so the run cannot be resumed from the command line");
        return TrainingRecipe.Parse(recipe.ToJsonString(), path);
    }

    /// <summary>
    /// Loads the model at its last completed epoch and what the trainer needs to go on from there, and puts the
    /// best epoch's model saved with it back into <paramref name="checkpointDirectory"/> (a kill may have caught that
    /// folder mid-write, or after a later epoch the resumed run will redo).
    /// </summary>
    public static (Autoencoder Model, ResumePoint Resume) Load(string directory, string checkpointDirectory)
    {
        var epochDirectory = CurrentDirectory(directory);
        RemoveStale(directory, Path.GetFileName(epochDirectory));
        var path = Path.Combine(epochDirectory, StateFile);
        var state = ReadState(path);
        var optimizerPath = Path.Combine(epochDirectory, OptimizerFile);
        if (!File.Exists(optimizerPath)) throw new BadInputException($"{optimizerPath}: not found (the resume folder is incomplete)");
        if ((string?)state["optimizer_sha256"] != FileHash.Sha256(optimizerPath))
            throw new BadInputException($"{optimizerPath}: does not match {StateFile} (its SHA-256 differs): the resume folder was altered");
        var epochs = (state["epochs"] as JsonArray ?? throw new BadInputException($"{path}: field 'epochs' is missing"))
            .Select(e => new EpochRecord((int)e!["epoch"]!, (double?)e["loss"] ?? double.NaN, ValLoss(e), (double)e["lr"]!, (double)e["seconds"]!)
            {
                Parts = (e["parts"] as JsonObject)?.ToDictionary(p => p.Key, p => (double?)p.Value ?? double.NaN) ?? new Dictionary<string, double>(),
            }).ToList();
        var model = ModelFolder.Load(epochDirectory);
        var epochsRun = (int?)ModelFolder.ReadManifest(epochDirectory)["training"]?["epochs_run"];
        if (epochsRun != epochs.Count)
            throw new BadInputException($"{path}: records {epochs.Count} epochs, but the model beside it was saved after epoch {epochsRun}");
        WeightSnapshot? best = null;
        var bestDirectory = Path.Combine(epochDirectory, BestFolder);
        if (ModelFolder.IsModelFolder(bestDirectory))
        {
            using var bestModel = ModelFolder.Load(bestDirectory);
            best = WeightSnapshot.Of(bestModel);
            ModelFolder.Copy(bestDirectory, checkpointDirectory);
        }
        model.train();
        return (model, new ResumePoint(epochs, optimizerPath, best));
    }

    /// <summary>An epoch's val_loss: absent without validation data, null when it was NaN (JSON has no NaN).</summary>
    static double? ValLoss(JsonNode epoch) => epoch.AsObject().TryGetPropertyValue("val_loss", out var v) && v is null ? double.NaN : (double?)v;

    /// <summary>The epoch folder the pointer file names.</summary>
    static string CurrentDirectory(string directory)
    {
        var pointer = Path.Combine(directory, PointerFile);
        if (!File.Exists(pointer))
            throw new BadInputException($"{pointer}: not found (only a run trained by this version, stopped after at least one epoch, can be resumed)");
        var name = File.ReadAllText(pointer).Trim();
        if (!name.StartsWith(EpochFolderPrefix) || !int.TryParse(name.AsSpan(EpochFolderPrefix.Length), out _))
            throw new BadInputException($"{pointer}: expected the name of an epoch folder (epoch-0007), found '{name}'");
        return Path.Combine(directory, name);
    }

    /// <summary>Deletes the epoch folders other than <paramref name="keep"/>: an older resume point, or a newer one a kill left unfinished.</summary>
    static void RemoveStale(string directory, string keep)
    {
        foreach (var stale in Directory.GetDirectories(directory, EpochFolderPrefix + "*"))
            if (Path.GetFileName(stale) != keep) Directory.Delete(stale, recursive: true);
    }

    static void DeleteIfPresent(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    static JsonObject ReadState(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: not found (the resume folder is incomplete)");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new BadInputException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}");
        }
    }
}
