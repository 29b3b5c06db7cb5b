using System.Text.Json.Nodes;
using Bottleneck.Training;
using Bottleneck.Models;

namespace Bottleneck.Persistence;

/// <summary>
/// Keeps the best epoch's model in a model folder, as Keras's ModelCheckpoint(save_best_only=True) of §10.5: every
/// epoch that improves the monitored loss overwrites it. <paramref name="manifest"/> gives model.json's extra fields for
/// a model saved after a given number of epochs.
/// </summary>
internal sealed class BestCheckpoint(string directory, Func<int, IReadOnlyDictionary<string, JsonNode?>> manifest) : ITrainingCallback
{
    /// <summary>The model folder the best epoch's model is saved in.</summary>
    public string Directory => directory;

    /// <inheritdoc/>
    public void Improved(Autoencoder model, EpochRecord record) => ModelFolder.Save(model, directory, manifest(record.Epoch));
}
