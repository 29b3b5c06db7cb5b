using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.Models;

namespace Bottleneck.Applications.Restoration;

/// <summary>
/// The images of one restoration: the clean references (null when there are none), the input the model saw (the clean
/// images corrupted, or the source as given), the restored images, and the figures measured on them. Disposing frees
/// what the run made (the corrupted copy and the restored images), not the caller's source.
/// </summary>
internal sealed record RestorationResult(Dataset? Clean, Dataset Input, Dataset Restored, RestorationReport Report, Corruption? Corruption) : IDisposable
{
    /// <summary>Frees the corrupted copy and the restored images.</summary>
    public void Dispose()
    {
        if (Corruption is not null) Input.Dispose();
        Restored.Dispose();
    }
}

/// <summary>
/// Restoring images with a trained model (§8.3): with a corruption, the source is the clean reference and the model
/// restores a corrupted copy of it, measured before and after; without one, the source is taken as already degraded and
/// only how far the model moved it is measured.
/// </summary>
internal static class RestorationRun
{
    /// <summary>The name of the stage that corrupts the clean images.</summary>
    public const string CorruptingStage = "corrupting the clean images";

    /// <summary>
    /// Checks that <paramref name="source"/> fits <paramref name="model"/> and holds images in [0, 1], corrupts it with
    /// <paramref name="corruption"/> (drawing from <paramref name="seed"/>) when one is given, restores, and measures
    /// MSE, PSNR and SSIM. Bad data is refused before any stage is reported to <paramref name="progress"/>.
    /// </summary>
    public static RestorationResult Run(Autoencoder model, Dataset source, ImageLayout layout, Corruption? corruption, long seed,
        IProgress<StageProgress>? progress = null)
    {
        Check(model, source);
        var input = source;
        Dataset? restored = null;
        try
        {
            if (corruption is not null)
            {
                StageProgress.Start(progress, CorruptingStage, source.Count);
                input = corruption.CorruptedCopy(source, seed);
                StageProgress.Advance(progress, CorruptingStage, source.Count, source.Count);
            }
            restored = ImageRestorer.Restore(model, input, progress: progress);
            var clean = corruption is null ? null : source;
            return new RestorationResult(clean, input, restored, RestorationReport.Measure(clean, input, restored, layout, progress), corruption);
        }
        catch
        {
            restored?.Dispose();
            if (!ReferenceEquals(input, source)) input.Dispose();
            throw;
        }
    }

    /// <summary>Refuses a <paramref name="source"/> that does not fit <paramref name="model"/> or whose values leave [0, 1].</summary>
    public static void Check(Autoencoder model, Dataset source)
    {
        Training.DataFit.Check(model, source);
        if (source.Range() is var (min, max) && (min < 0 || max > 1))
            throw new BadInputException($"{source.Name} spans [{min:G4}, {max:G4}], but restoration measures images scaled to [0, 1]");
    }
}
