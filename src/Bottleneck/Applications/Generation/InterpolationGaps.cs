using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Generation;

/// <summary>
/// One path's realism, averaged over many pairs of inputs: at each step t, the mean over pairs of the classifier's
/// confidence in the decoded image (<see cref="ClassifierConfidence"/>).
/// </summary>
/// <param name="Name">"pixel cross-fade", or the model's name.</param>
/// <param name="Confidence">Mean confidence at each t_i = i/(steps − 1).</param>
/// <param name="PairInteriors">Each pair's mean confidence strictly between the ends, in the order of the pairs.</param>
internal sealed record GapProfile(string Name, double[] Confidence, double[] PairInteriors)
{
    /// <summary>The standard error of <see cref="Interior"/> over the pairs (0 for one pair).</summary>
    public double InteriorStandardError => StandardError(PairInteriors);

    /// <summary>
    /// The mean of this path's interior confidence minus <paramref name="other"/>'s over the same pairs, and its standard
    /// error from the pair-by-pair differences: tighter than the two errors apart, because hard pairs are hard for both.
    /// </summary>
    public (double Difference, double StandardError) PairedDifference(GapProfile other)
    {
        if (other.PairInteriors.Length != PairInteriors.Length)
            throw new ArgumentException($"{Name} and {other.Name} were measured over different pairs");
        var differences = PairInteriors.Zip(other.PairInteriors, (a, b) => a - b).ToArray();
        return (differences.Average(), StandardError(differences));
    }

    // s/√n with the unbiased variance s² = Σ(x − x̄)²/(n − 1)
    static double StandardError(double[] values)
    {
        if (values.Length < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1) / values.Length);
    }

    /// <summary>Mean confidence at the two ends (t = 0 and 1): in the reconstructions, or for the cross-fade the inputs themselves.</summary>
    public double Ends => (Confidence[0] + Confidence[^1]) / 2;

    /// <summary>Mean confidence at the steps strictly between the ends.</summary>
    public double Interior => Confidence[1..^1].Average();

    /// <summary>The lowest mean confidence along the path and the t where it lies.</summary>
    public (double Confidence, double T) Lowest
    {
        get
        {
            int i = Array.IndexOf(Confidence, Confidence.Min());
            return (Confidence[i], (double)i / (Confidence.Length - 1));
        }
    }

    /// <summary>Interior / Ends: how recognisable the middle of the path is against its own ends (1 = no gap; lower = a gap).</summary>
    public double Ratio => Interior / Ends;
}

/// <summary>
/// The "gaps in the latent space" of §8.6 measured: for random pairs of inputs, walk from one code to the other, decode
/// each step, and ask a classifier fitted to real images how sure it is that each decode is a sample of some class,
/// beside the same for the pixel cross-fade (1 − t)·x₀ + t·x₁. A path through a gap decodes to images that look like no
/// class (broken, faded or doubled strokes), so the confidence dips in the middle; a continuous latent space keeps the
/// middle as recognisable as the ends, changing class somewhere along the way.
/// </summary>
internal static class InterpolationGaps
{
    /// <summary>The name of the pixel-space reference row.</summary>
    public const string CrossFade = "pixel cross-fade";

    /// <summary><paramref name="pairs"/> pairs of distinct indices below <paramref name="count"/>, drawn with a seeded generator.</summary>
    public static (int From, int To)[] RandomPairs(int count, int pairs, long seed)
    {
        if (count < 2) throw new OptionException("pairs", $"random pairs need at least 2 samples, the split has {count}");
        var random = new Random(unchecked((int)seed));
        return Enumerable.Range(0, pairs).Select(_ =>
        {
            int a = random.Next(count);
            int b = random.Next(count - 1);
            return (a, b >= a ? b + 1 : b);   // uniform over the other count − 1 indices
        }).ToArray();
    }

    /// <summary>
    /// The cross-fade's profile first, then each model's, over the same <paramref name="pairs"/> of <paramref name="data"/>,
    /// with <paramref name="steps"/> steps from end to end. <paramref name="progress"/> hears of every batch of pairs as
    /// the stage <paramref name="stage"/>.
    /// </summary>
    public static IReadOnlyList<GapProfile> Measure(IReadOnlyList<(string Name, Autoencoder Model)> models, Dataset data,
        ClassifierConfidence judge, IReadOnlyList<(int From, int To)> pairs, int steps, bool spherical, int batchSize = 100,
        IProgress<StageProgress>? progress = null, string stage = "walking between random pairs")
    {
        if (pairs.Count == 0) throw new ArgumentException("no pairs to measure", nameof(pairs));
        var rows = new List<(string Name, Func<Tensor, Tensor, Tensor> Walk)> { (CrossFade, (x0, x1) => LatentInterpolation.CrossFade(x0, x1, steps)) };
        rows.AddRange(models.Select(m => (m.Name, (Func<Tensor, Tensor, Tensor>)((x0, x1) => LatentInterpolation.Decode(m.Model, x0, x1, steps, spherical)))));
        var sums = rows.Select(_ => new double[steps]).ToArray();
        var interiors = rows.Select(_ => new double[pairs.Count]).ToArray();
        StageProgress.Start(progress, stage, pairs.Count);
        foreach (var (start, count) in Batches.Of(pairs.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var chunk = pairs.Skip(start).Take(count).ToArray();
            var x0 = data.Batch(tensor(chunk.Select(p => (long)p.From).ToArray()));
            var x1 = data.Batch(tensor(chunk.Select(p => (long)p.To).ToArray()));
            for (int r = 0; r < rows.Count; r++)
            {
                var (_, confidence) = judge.Measure(rows[r].Walk(x0, x1).reshape(chunk.Length * steps, -1));
                for (int i = 0; i < confidence.Length; i++) sums[r][i % steps] += confidence[i];
                for (int p = 0; p < chunk.Length; p++) interiors[r][start + p] = confidence.AsSpan(p * steps + 1, steps - 2).ToArray().Average();
            }
            StageProgress.Advance(progress, stage, start + count, pairs.Count);
        }
        return rows.Select((row, r) => new GapProfile(row.Name, sums[r].Select(s => s / pairs.Count).ToArray(), interiors[r])).ToArray();
    }
}
