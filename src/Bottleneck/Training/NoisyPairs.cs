using Bottleneck.Data;

namespace Bottleneck.Training;

/// <summary>
/// The data of a denoising run (§3.5) as (noisy input, clean target) pairs. Validation and test data are corrupted once,
/// up front, as the chapter's x_test_noisy is, so that val_loss compares like with like from epoch to epoch and the test
/// figures repeat. Training data is corrupted once too with <see cref="TrainingOptions.FixedNoise"/> (the chapter's
/// Keras code) or when the corruption has no randomness (JPEG); otherwise the trainer corrupts each batch afresh.
/// </summary>
internal sealed class NoisyPairs : IDisposable
{
    readonly List<Dataset> owned = [];

    /// <summary>Pairs the datasets for <paramref name="noise"/>; without noise they are passed through unchanged.</summary>
    public NoisyPairs(Corruption? noise, bool fixedNoise, long seed, Dataset train, Dataset? validation, Dataset? test)
    {
        (Train, Validation, Test) = (train, validation, test);
        if (noise is null) return;
        try
        {
            if (test is not null) Test = Pair(test, noise, TestSeed(seed));
            if (validation is not null) Validation = Pair(validation, noise, seed + 1);
            if (fixedNoise || !noise.IsRandom) Train = Pair(train, noise, seed + 2);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// The generator seed of the noisy test copy: the run's seed itself, so <c>bottleneck evaluate --noise ... --seed S</c>
    /// scores any model on exactly the noisy test images a run with seed S was scored on.
    /// </summary>
    public static long TestSeed(long seed) => seed;

    public Dataset Train { get; }
    public Dataset? Validation { get; }
    public Dataset? Test { get; }

    Dataset Pair(Dataset clean, Corruption noise, long seed)
    {
        var paired = clean.WithInputs(noise.CorruptedCopy(clean, seed));
        owned.Add(paired);
        return paired;
    }

    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
        owned.Clear();
    }
}
