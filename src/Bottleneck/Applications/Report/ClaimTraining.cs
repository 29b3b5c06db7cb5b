using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Report;

/// <summary>
/// How the report's claims train a model: as the README's runs did (Adam 1e-3, batch 256, the chapter's BCE unless
/// told, the weights seeded), on the first 90 % of the training set — the README's runs held the last 10 % out for
/// validation — for a fixed number of epochs, with no early stopping (none of those runs stopped early).
/// </summary>
internal static class ClaimTraining
{
    /// <summary>The share of the training set the README's runs kept for validation, and the report leaves out.</summary>
    public const double HeldOut = ValidationChoice.DefaultSplit;

    /// <summary>The first 90 % of <paramref name="train"/> (a view; the caller disposes it).</summary>
    public static Dataset TrainingPart(Dataset train) => train.Slice(0, train.Count - (int)Math.Round(train.Count * HeldOut), train.Name + "[train split]");

    /// <summary>
    /// Builds <paramref name="spec"/> for <paramref name="train"/>'s samples and trains it, reporting batches as one stage.
    /// With <paramref name="noise"/> it is a denoising run (§3.5): every batch is corrupted afresh and the model trained
    /// against the clean batch, as <c>train --noise</c> does by default.
    /// </summary>
    public static Autoencoder Fit(ClaimContext context, ModelSpec spec, Dataset train, int epochs, long seed, LossKind loss = LossKind.Bce, string? what = null,
        Corruption? noise = null)
    {
        random.manual_seed(seed);
        var model = ModelFactory.Create(spec.WithInputShape(train.SampleShape));
        try
        {
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 256, LearningRate = 1e-3, Loss = new ReconstructionLoss(loss), Seed = seed,
                Noise = noise, Corrupt = noise is null ? null : clean => noise.Apply(clean) };
            new Trainer().Fit(model, train, null, options, context.TrainingStage(what ?? spec.Name), context.Cancel);
            context.Cancel.ThrowIfCancellationRequested();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
