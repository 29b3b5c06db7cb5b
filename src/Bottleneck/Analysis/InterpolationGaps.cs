using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Analysis;

/// <summary>
/// One path's distance from the data, averaged over many pairs of inputs: at each step t, the mean over pairs of the
/// per-pixel MSE from the decoded image to its nearest reference image (<see cref="NearestImageDistance"/>).
/// </summary>
/// <param name="Name">"pixel cross-fade", or the model's name.</param>
/// <param name="Distance">Mean distance at each t_i = i/(steps − 1).</param>
public sealed record GapProfile(string Name, double[] Distance)
{
    /// <summary>Mean distance of the two ends (t = 0 and 1): the reconstructions, or for the cross-fade the inputs themselves.</summary>
    public double Ends => (Distance[0] + Distance[^1]) / 2;

    /// <summary>Mean distance of the steps strictly between the ends.</summary>
    public double Interior => Distance[1..^1].Average();

    /// <summary>The largest mean distance along the path and the t where it lies.</summary>
    public (double Distance, double T) Peak
    {
        get
        {
            int i = Array.IndexOf(Distance, Distance.Max());
            return (Distance[i], (double)i / (Distance.Length - 1));
        }
    }

    /// <summary>Interior / Ends: how much further from the data the path's middle lies than its own ends (1 = no gap).</summary>
    public double Ratio => Interior / Ends;
}

/// <summary>
/// The "gaps in the latent space" of §8.6 measured: for random pairs of inputs, walk from one code to the other, decode
/// each step, and ask how far every decode lies from the nearest reference image, beside the same for the pixel
/// cross-fade (1 − t)·x₀ + t·x₁. A path through a gap decodes to images unlike any real one, so its middle lies
/// further from the data than its ends; a continuous latent space keeps the middle as close as the ends.
/// </summary>
public static class InterpolationGaps
{
    /// <summary>The name of the pixel-space reference row.</summary>
    public const string CrossFade = "pixel cross-fade";

    /// <summary><paramref name="pairs"/> pairs of distinct indices below <paramref name="count"/>, drawn with a seeded generator.</summary>
    public static (int From, int To)[] RandomPairs(int count, int pairs, long seed)
    {
        if (count < 2) throw new BadInputException($"--pairs: random pairs need at least 2 samples, the split has {count}");
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
    /// with <paramref name="steps"/> steps from end to end.
    /// </summary>
    public static IReadOnlyList<GapProfile> Measure(IReadOnlyList<(string Name, Autoencoder Model)> models, Dataset data,
        NearestImageDistance reference, IReadOnlyList<(int From, int To)> pairs, int steps, bool spherical, int batchSize = 100)
    {
        if (pairs.Count == 0) throw new ArgumentException("no pairs to measure", nameof(pairs));
        var rows = new List<(string Name, Func<Tensor, Tensor, Tensor> Walk)> { (CrossFade, (x0, x1) => LatentInterpolation.CrossFade(x0, x1, steps)) };
        rows.AddRange(models.Select(m => (m.Name, (Func<Tensor, Tensor, Tensor>)((x0, x1) => LatentInterpolation.Decode(m.Model, x0, x1, steps, spherical)))));
        var sums = rows.Select(_ => new double[steps]).ToArray();
        for (int start = 0; start < pairs.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = pairs.Skip(start).Take(batchSize).ToArray();
            var x0 = data.Batch(tensor(chunk.Select(p => (long)p.From).ToArray()));
            var x1 = data.Batch(tensor(chunk.Select(p => (long)p.To).ToArray()));
            for (int r = 0; r < rows.Count; r++)
            {
                var distances = reference.Measure(rows[r].Walk(x0, x1).reshape(chunk.Length * steps, -1));
                for (int i = 0; i < distances.Length; i++) sums[r][i % steps] += distances[i];
            }
        }
        return rows.Select((row, r) => new GapProfile(row.Name, sums[r].Select(s => s / pairs.Count).ToArray())).ToArray();
    }
}
