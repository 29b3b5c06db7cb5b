using Bottleneck.Models;
using static TorchSharp.torch;

namespace Bottleneck.Training;

/// <summary>
/// Work done at the end of epochs, beside the training itself: saving the best epoch's model, saving a resumable state,
/// measuring something. The trainer calls it as Keras calls its callbacks. Create one for each fit: whatever state it
/// keeps then belongs to that fit alone, which a callback shared by several fits could not promise.
/// </summary>
internal interface ITrainingCallback
{
    /// <summary>The monitored loss of <paramref name="record"/>'s epoch is the best so far; <paramref name="model"/> holds that epoch's weights.</summary>
    void Improved(Autoencoder model, EpochRecord record) { }

    /// <summary>
    /// An epoch completed: not cut short by a cancel, and not diverged. <paramref name="epochs"/> holds every epoch of the
    /// run so far (a resumed run's earlier ones included), the latest last; <paramref name="optimizer"/> takes the next step.
    /// </summary>
    void EpochEnded(Autoencoder model, IReadOnlyList<EpochRecord> epochs, optim.Optimizer optimizer) { }
}
