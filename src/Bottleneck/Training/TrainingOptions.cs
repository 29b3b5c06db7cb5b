using Bottleneck.Data;
using Bottleneck.Objectives;
using static TorchSharp.torch;

namespace Bottleneck.Training;

/// <summary>How to train: the chapter's defaults are Adam 1e-3, batch 256, 50 epochs, BCE, reshuffled every epoch (§10).</summary>
internal sealed record TrainingOptions
{
    public int Epochs { get; init; } = 50;
    public int BatchSize { get; init; } = 256;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>SGD momentum; ignored by Adam and RMSprop.</summary>
    public double Momentum { get; init; }

    public ReconstructionLoss Loss { get; init; } = new(LossKind.Bce);

    /// <summary>Reshuffle the training samples every epoch (Keras's shuffle=True).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seeds the shuffling; the caller seeds weight initialisation before building the model.</summary>
    public long Seed { get; init; } = 42;

    public EarlyStopping? EarlyStopping { get; init; }
    public ReduceLrOnPlateau? ReduceLr { get; init; }

    /// <summary>Corrupts a clean batch into the model's input (denoising, §3.5); null feeds the clean batch.</summary>
    public Func<Tensor, Tensor>? Corrupt { get; init; }

    /// <summary>
    /// The corruption of a denoising run (§3.5). <see cref="TrainingSession"/> pairs validation and test data with noisy
    /// copies made once (<see cref="NoisyPairs"/>) and reports the denoising figures; set <see cref="Corrupt"/> to
    /// <c>Noise.Apply</c> for fresh noise on every training batch.
    /// </summary>
    public Corruption? Noise { get; init; }

    /// <summary>Corrupt the training data once, up front, as the chapter's Keras code does, instead of every batch afresh.</summary>
    public bool FixedNoise { get; init; }

    /// <summary>How many batches between reads of the running loss for progress display (each read synchronises).</summary>
    public int ProgressEveryBatches { get; init; } = 20;

    /// <summary>
    /// Workers that share each batch, one core each (data-parallel training: <see cref="DataParallelStep"/>). One
    /// trains on the calling thread with libtorch's thread setting, as before; more split every batch into that many
    /// slices whose gradients are added in a fixed order, so a seed and a worker count repeat a run exactly.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>Checks the values a user can get wrong; throws <see cref="BadInputException"/>.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new OptionException("epochs", $"expected a positive number of epochs, got {Epochs}");
        if (BatchSize < 1) throw new OptionException("batch_size", $"expected a positive batch size, got {BatchSize}");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new OptionException("learning_rate", $"expected a positive finite learning rate, got {LearningRate}");
        // Checked here as well as where the optimiser is built, so a bad value is refused before the output folder is made.
        if (!(Momentum >= 0 && Momentum < 1)) throw new OptionException("momentum", $"expected a value in [0, 1), got {Momentum}");
        if (Workers < 1) throw new OptionException("workers", $"expected at least one worker, got {Workers}");
    }
}
