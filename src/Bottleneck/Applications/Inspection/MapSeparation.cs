using Bottleneck.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// How well a map keeps classes apart, in two numbers: the leave-one-out accuracy of k-nearest-neighbour voting among the
/// map's own points, and the mean silhouette (sklearn's silhouette_score with Euclidean distance).
/// </summary>
/// <param name="KnnAccuracy">Share of points whose k nearest other points vote for their own label, 0..1.</param>
/// <param name="K">Neighbours that vote.</param>
/// <param name="Silhouette">Mean of s_i = (b_i − a_i)/max(a_i, b_i) over all points, −1..1 (1: tight, well-apart classes).</param>
/// <param name="Points">Number of points measured.</param>
internal sealed record MapSeparation(double KnnAccuracy, int K, double Silhouette, int Points)
{
    /// <summary>Both measures for <paramref name="points"/> [n, F] and their labels.</summary>
    public static MapSeparation Measure(Tensor points, int[] labels, int k = 5) =>
        new(LeaveOneOutKnn(points, labels, k), k, SilhouetteScore(points, labels), labels.Length);

    /// <summary>
    /// Each point is classified by a majority vote of its <paramref name="k"/> nearest other points (itself left out, so
    /// a point never votes for itself); a tie goes to the smallest label, as <see cref="NearestNeighbours"/> breaks it.
    /// Returns the share classified correctly.
    /// </summary>
    public static double LeaveOneOutKnn(Tensor points, int[] labels, int k = 5)
    {
        Check(points, labels);
        if (k < 1 || k >= labels.Length)
            throw new BadInputException($"k-nearest neighbours: k must lie in 1 .. {labels.Length - 1} (the other points), got {k}");
        int classes = labels.Max() + 1;
        using var knn = new NearestNeighbours(points, labels, classes, k + 1);
        var neighbours = knn.Neighbours(points, Math.Clamp(5_000_000 / labels.Length, 1, 1000));   // blocks of ~40 MB of distances
        var votes = new int[classes];
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            Array.Clear(votes);
            // The point itself is normally nearest; where more than k + 1 points coincide it may be pushed out of the
            // list, and then the farthest of the k + 1 goes instead, leaving k others either way.
            var others = neighbours[i].Where(j => j != i).Take(k);
            foreach (var j in others) votes[labels[j]]++;
            int best = 0;
            for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
            if (best == labels[i]) correct++;
        }
        return correct / (double)labels.Length;
    }

    /// <summary>
    /// The mean silhouette: for each point, a = mean distance to the other points of its class, b = the smallest mean
    /// distance to the points of another class, s = (b − a)/max(a, b), and s = 0 for a point alone in its class (sklearn's
    /// convention). Needs at least two classes. Distances are computed in float64, a block of rows at a time (by default
    /// as many rows as keep a block near 5 million distances, 40 MB).
    /// </summary>
    public static double SilhouetteScore(Tensor points, int[] labels, int? blockSize = null)
    {
        Check(points, labels);
        int rows = blockSize ?? Math.Clamp(5_000_000 / labels.Length, 1, 1000);
        int classes = labels.Max() + 1;
        var present = labels.Distinct().Count();
        if (present < 2) throw new BadInputException($"silhouette: needs at least 2 classes, the labels hold {present}");
        using var scope = NewDisposeScope();
        var all = points.to_type(ScalarType.Float64);
        var labelTensor = tensor(labels.Select(l => (long)l).ToArray());
        var oneHot = nn.functional.one_hot(labelTensor, classes).to_type(ScalarType.Float64);   // [n, C]
        var counts = oneHot.sum([0]);                                                             // [C]
        double total = 0;
        foreach (var (start, m) in Batches.Of(labels.Length, rows))
        {
            using var block = NewDisposeScope();
            var distances = cdist(all.narrow(0, start, m), all);                 // [m, n]
            var sums = distances.matmul(oneHot);                                  // Σ distance to each class, [m, C]
            var own = labelTensor.narrow(0, start, m).unsqueeze(1);
            var ownCount = counts.index_select(0, own.squeeze(1));
            // a_i: the distance to itself is 0, so the sum over its class divides by the n_c − 1 others.
            var a = sums.gather(1, own).squeeze(1) / (ownCount - 1).clamp_min(1);
            // b_i: the nearest other class by mean distance; its own class and absent classes are masked out.
            var means = sums / counts.clamp_min(1);
            var excluded = oneHot.narrow(0, start, m).to_type(ScalarType.Bool) | (counts == 0).unsqueeze(0);
            var b = means.masked_fill(excluded, double.PositiveInfinity).amin([1]);
            var s = (b - a) / maximum(a, b);
            // sklearn: s = 0 for a point alone in its class; 0/0 (all points of two classes in one spot) is 0 too.
            s = s.masked_fill(ownCount <= 1, 0).nan_to_num(0);
            total += s.sum().item<double>();
        }
        return total / labels.Length;
    }

    static void Check(Tensor points, int[] labels)
    {
        if (points.dim() != 2 || points.shape[0] != labels.Length)
            throw new ArgumentException($"points must be [n, F] with one label per point; got [{string.Join(", ", points.shape)}] and {labels.Length} labels");
        if (labels.Length < 2) throw new BadInputException($"a map's separation needs at least 2 points, got {labels.Length}");
        if (labels.Any(l => l < 0)) throw new ArgumentException("labels must be 0 or more");
    }
}
