using Bottleneck.Models;

namespace Bottleneck.Persistence;

/// <summary>
/// Resolves a --model argument: a preset name, a spec .json file, or a trained model folder. The rule: a bare preset
/// name (no '/' or '\', no ".json") always means the preset, even when a file or folder of that name sits in the working
/// directory; a path must contain a separator (<c>./basic</c>) or end in ".json", or exist and not be a preset name.
/// So what <c>--model basic</c> builds never depends on the folder the command runs in. Where only a trained model
/// makes sense (<see cref="Trained"/>), presets have no weights and the argument is always a folder.
/// </summary>
internal static class ModelSource
{
    /// <summary>The spec a --model argument names (a folder's spec for a trained model).</summary>
    public static ModelSpec Spec(string argument)
    {
        if (IsPresetName(argument)) return Presets.Get(argument);
        if (ModelFolder.IsModelFolder(argument))
        {
            var manifest = ModelFolder.ReadManifest(argument);
            return ModelSpec.Parse(manifest["spec"]?.ToJsonString() ?? "null", Path.Combine(argument, ModelFolder.ModelFile));
        }
        if (argument.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(argument)) return ModelSpec.Load(argument);
        if (Directory.Exists(argument))
            throw new BadInputException($"{argument}: not a model folder ({ModelFolder.ModelFile} is missing)");
        return Presets.Get(argument);
    }

    /// <summary>True when <paramref name="argument"/> means a preset: a preset's name, written without a path separator or ".json".</summary>
    public static bool IsPresetName(string argument) =>
        Presets.Exists(argument) && argument.IndexOfAny(['/', '\\']) < 0 && !argument.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="argument"/> means a trained model folder (a folder with a model.json that is not a preset's name).</summary>
    public static bool IsTrainedFolder(string argument) => !IsPresetName(argument) && ModelFolder.IsModelFolder(argument);

    /// <summary>A trained model loaded from a folder; presets and specs are refused because they have no weights.</summary>
    public static Autoencoder Trained(string argument) => ModelFolder.Load(TrainedFolder(argument));

    /// <summary>A trained model with its folder's scaler and training range (<see cref="TrainedModel"/>), for commands that feed it data.</summary>
    public static TrainedModel TrainedWithInput(string argument) => TrainedModel.Load(TrainedFolder(argument));

    static string TrainedFolder(string argument)
    {
        if (ModelFolder.IsModelFolder(argument) || Directory.Exists(argument)) return argument;
        if (Presets.Exists(argument) || File.Exists(argument))
            throw new OptionException("model", $"'{argument}' has no trained weights (expected a folder written by 'bottleneck train')");
        throw new BadInputException($"{argument}: model folder not found");
    }
}
