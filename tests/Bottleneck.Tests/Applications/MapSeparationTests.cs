using Bottleneck.Applications.Inspection;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>How well a map separates classes: leave-one-out k-NN and the silhouette, against hand computations.</summary>
public class MapSeparationTests
{
    // Class 0 at the corners of a 2×2 square, class 1 in a far corner, and one class-1 intruder in the square's middle.
    static readonly double[,] Points = { { 0, 0 }, { 0, 2 }, { 2, 0 }, { 2, 2 }, { 10, 10 }, { 10, 12 }, { 12, 10 }, { 1, 1 } };
    static readonly int[] Labels = [0, 0, 0, 0, 1, 1, 1, 1];

    [Fact]
    public void Leave_one_out_knn_matches_the_hand_count()
    {
        using var points = tensor(Points);
        // k = 3: each corner's three nearest others are the intruder (√2) and two corners (2): class 0 wins, right.
        // The intruder's nearest are four corners at √2: class 0, wrong. Each far point has its two classmates and
        // the square's corner (2, 2): class 1, right. 7 of 8.
        Assert.Equal(7 / 8.0, MapSeparation.LeaveOneOutKnn(points, Labels, k: 3), 12);
        // k = 1: every corner's nearest other is the intruder (wrong), the intruder's is a corner (wrong); the far
        // points' nearest are classmates (right). 3 of 8.
        Assert.Equal(3 / 8.0, MapSeparation.LeaveOneOutKnn(points, Labels, k: 1), 12);
    }

    [Fact]
    public void A_point_never_votes_for_itself()
    {
        // Two far-apart pairs, each of two classes: with itself counted, every point would be right at k = 1.
        using var points = tensor(new double[,] { { 0, 0 }, { 0, 1 }, { 9, 9 }, { 9, 10 } });
        Assert.Equal(0.0, MapSeparation.LeaveOneOutKnn(points, [0, 1, 0, 1], k: 1), 12);
    }

    [Fact]
    public void Silhouette_matches_the_hand_computation()
    {
        // Class 0 at 0 and 1, class 1 at 4 and 5: a = 1 for every point; b = 4.5 for the outer points, 3.5 for the
        // inner ones; s = 3.5/4.5 = 7/9 and 2.5/3.5 = 5/7.
        using var line = tensor(new double[,] { { 0, 0 }, { 1, 0 }, { 4, 0 }, { 5, 0 } });
        Assert.Equal((7 / 9.0 + 5 / 7.0) / 2, MapSeparation.SilhouetteScore(line, [0, 0, 1, 1]), 12);

        // A class of one point scores 0 (sklearn's convention), and being far away it changes no other point's b.
        using var withSingleton = tensor(new double[,] { { 0, 0 }, { 1, 0 }, { 4, 0 }, { 5, 0 }, { 100, 0 } });
        Assert.Equal((2 * 7 / 9.0 + 2 * 5 / 7.0) / 5, MapSeparation.SilhouetteScore(withSingleton, [0, 0, 1, 1, 2]), 12);
    }

    [Fact]
    public void Silhouette_in_blocks_equals_the_definition_computed_point_by_point()
    {
        using var generator = new Generator(11);
        using var points = randn([37, 2], ScalarType.Float64, generator: generator);
        var labels = Enumerable.Range(0, 37).Select(i => i % 4 == 3 ? 2 : i % 3).ToArray();
        var p = points.data<double>().ToArray();
        double Distance(int i, int j) => Math.Sqrt(Math.Pow(p[2 * i] - p[2 * j], 2) + Math.Pow(p[2 * i + 1] - p[2 * j + 1], 2));
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var mine = Enumerable.Range(0, labels.Length).Where(j => j != i && labels[j] == labels[i]).ToArray();
            if (mine.Length == 0) continue;
            double a = mine.Average(j => Distance(i, j));
            double b = labels.Distinct().Where(c => c != labels[i])
                .Min(c => Enumerable.Range(0, labels.Length).Where(j => labels[j] == c).Average(j => Distance(i, j)));
            sum += (b - a) / Math.Max(a, b);
        }
        Assert.Equal(sum / labels.Length, MapSeparation.SilhouetteScore(points, labels, blockSize: 5), 10);
        Assert.Equal(sum / labels.Length, MapSeparation.SilhouetteScore(points, labels), 10);
    }

    [Fact]
    public void One_class_and_too_many_neighbours_are_refused()
    {
        using var points = tensor(Points);
        Assert.Throws<BadInputException>(() => MapSeparation.SilhouetteScore(points, [0, 0, 0, 0, 0, 0, 0, 0]));
        Assert.Throws<BadInputException>(() => MapSeparation.LeaveOneOutKnn(points, Labels, k: 8));
    }
}
