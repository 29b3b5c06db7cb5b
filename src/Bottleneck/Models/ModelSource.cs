using Bottleneck.Export;

namespace Bottleneck.Models;

/// <summary>Resolves a --model argument: a trained model folder, a spec .json file, or a preset name.</summary>
public static class ModelSource
{
    /// <summary>The spec a --model argument names (a folder's spec for a trained model).</summary>
    public static ModelSpec Spec(string argument)
    {
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

    /// <summary>A trained model loaded from a folder; presets and specs are refused because they have no weights.</summary>
    public static Autoencoder Trained(string argument) => ModelFolder.Load(TrainedFolder(argument));

    /// <summary>A trained model with its folder's scaler and training range (<see cref="TrainedModel"/>), for commands that feed it data.</summary>
    public static TrainedModel TrainedWithInput(string argument) => TrainedModel.Load(TrainedFolder(argument));

    static string TrainedFolder(string argument)
    {
        if (ModelFolder.IsModelFolder(argument) || Directory.Exists(argument)) return argument;
        if (Presets.Exists(argument) || File.Exists(argument))
            throw new BadInputException($"--model: '{argument}' has no trained weights (expected a folder written by 'bottleneck train')");
        throw new BadInputException($"{argument}: model folder not found");
    }
}
