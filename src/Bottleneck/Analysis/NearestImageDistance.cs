using Bottleneck.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Analysis;

/// <summary>
/// How far an image lies from the data: the per-pixel MSE to the closest image of a reference set, min_j (1/d)‖x − r_j‖².
/// It turns §8.6's "gaps between data points may not decode to valid outputs" into a number: a decode that looks like
/// no training image is far from all of them. MSE favours blur, so compare a path with its own ends, not models' levels.
/// </summary>
public sealed class NearestImageDistance : IDisposable
{
    readonly Tensor reference, squaredNorms;   // r_j [n, d] float32 and ‖r_j‖² [n]

    /// <summary>Keeps the first <paramref name="count"/> samples of <paramref name="data"/> (all of them when it has fewer) as the reference set.</summary>
    public NearestImageDistance(Dataset data, int count)
    {
        if (count < 1) throw new BadInputException($"--reference: expected a positive number of reference images, got {count}");
        Count = Math.Min(count, data.Count);
        using var scope = NewDisposeScope();
        reference = data.Batch(0, Count).reshape(Count, -1).contiguous().MoveToOuterDisposeScope().DetachFromDisposeScope();
        squaredNorms = reference.square().sum([1]).MoveToOuterDisposeScope().DetachFromDisposeScope();
        Source = data.Name;
    }

    /// <summary>Number of reference images.</summary>
    public int Count { get; }

    /// <summary>Values per image d.</summary>
    public long SampleSize => reference.shape[1];

    /// <summary>Where the reference images came from ("mnist/train").</summary>
    public string Source { get; }

    /// <summary>min_j (1/d)‖x_i − r_j‖² for each row x_i of <paramref name="images"/> [m, ...], as float64 [m].</summary>
    public double[] Measure(Tensor images, int batchSize = 500)
    {
        long m = images.shape[0];
        var flat = images.reshape(m, -1);
        if (flat.shape[1] != SampleSize)
            throw new BadInputException($"nearest image: images have {flat.shape[1]} values, the reference images from {Source} have {SampleSize}");
        var result = new double[m];
        for (long start = 0; start < m; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(batchSize, m - start);
            var x = flat.narrow(0, start, n).to_type(ScalarType.Float32);
            // ‖x − r‖² = ‖x‖² − 2x·r + ‖r‖², minimised over r; float32 rounding can push a tiny distance below 0.
            var squared = x.square().sum([1], keepdim: true) - 2 * x.matmul(reference.T) + squaredNorms.unsqueeze(0);
            var nearest = squared.amin([1]).clamp_min(0).to_type(ScalarType.Float64) / SampleSize;
            nearest.data<double>().CopyTo(result, (int)start);
        }
        return result;
    }

    public void Dispose()
    {
        reference.Dispose();
        squaredNorms.Dispose();
    }
}
