using Bottleneck.Applications.Inspection;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

public class NearestNeighboursTests
{
    static readonly double[,] Points = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 10, 10 }, { 10, 11 }, { 11, 10 } };
    static readonly int[] Labels = [0, 0, 0, 1, 1, 1];

    [Fact]
    public void Neighbours_come_nearest_first()
    {
        using var train = tensor(Points);
        using var knn = new NearestNeighbours(train, Labels, classes: 2, k: 3);
        using var query = tensor(new double[,] { { 0, 0.9 }, { 10.6, 10.1 } });
        var neighbours = knn.Neighbours(query);
        Assert.Equal([1, 0, 2], neighbours[0]);   // distances 0.1, 0.9, √1.81
        Assert.Equal([5, 3, 4], neighbours[1]);   // squared distances 0.17, 0.37, 1.17
    }

    [Fact]
    public void The_majority_of_k_votes_and_a_tie_goes_to_the_smallest_label()
    {
        using var train = tensor(Points);
        using var knn = new NearestNeighbours(train, Labels, classes: 2, k: 3);
        using var queries = tensor(new double[,] { { 0.2, 0.2 }, { 9, 9 }, { 4, 4 } });
        Assert.Equal([0, 1, 0], knn.Predict(queries));
        Assert.Equal(2.0 / 3, knn.Accuracy(queries, [0, 1, 1]), 12);

        // Two neighbours at the same distance with different labels: one vote each, so the smaller label wins.
        using var pair = tensor(new double[,] { { 0, 0 }, { 2, 0 } });
        using var tie = new NearestNeighbours(pair, [1, 0], classes: 2, k: 2);
        using var middle = tensor(new double[,] { { 1, 0 } });
        Assert.Equal([0], tie.Predict(middle));
    }

    [Fact]
    public void More_neighbours_than_samples_is_refused()
    {
        using var train = tensor(Points);
        Assert.Throws<BadInputException>(() => new NearestNeighbours(train, Labels, classes: 2, k: 7));
    }
}
