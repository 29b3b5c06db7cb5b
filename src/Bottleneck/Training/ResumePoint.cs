using Bottleneck.Models;

namespace Bottleneck.Training;

/// <summary>
/// Where an earlier run stopped: its completed epochs, its optimiser's state (Adam's moments), and the weights of its
/// best epoch (the trainer takes ownership of that snapshot). Early stopping and the learning-rate schedule recover their counters by replaying the epochs.
/// </summary>
internal sealed record ResumePoint(IReadOnlyList<EpochRecord> Epochs, string? OptimizerStatePath, WeightSnapshot? BestWeights);
