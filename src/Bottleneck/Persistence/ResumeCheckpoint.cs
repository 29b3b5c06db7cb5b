using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck.Persistence;

/// <summary>
/// Saves the state after every completed epoch into a resume folder (<see cref="ResumeState"/>), so that a run killed
/// at any instant goes on from its last completed epoch. <paramref name="recipe"/>, when given, is saved with it so the
/// run can be resumed from its folder alone; <paramref name="bestDirectory"/>, when given, is the
/// <see cref="BestCheckpoint"/> folder whose model is kept with each state as the best epoch's.
/// </summary>
internal sealed class ResumeCheckpoint(string directory, TrainingRecipe? recipe, Func<int, IReadOnlyDictionary<string, JsonNode?>> manifest,
    string? bestDirectory) : ITrainingCallback
{
    /// <inheritdoc/>
    public void EpochEnded(Autoencoder model, IReadOnlyList<EpochRecord> epochs, optim.Optimizer optimizer) =>
        ResumeState.Save(directory, model, optimizer, recipe, epochs, manifest(epochs.Count), bestDirectory);
}
