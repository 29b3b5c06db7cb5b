using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>The PCA and k-NN baselines against answers known in closed form.</summary>
public class BaselineTests
{
    static Dataset Rows(double[][] rows, string name = "rows")
    {
        var t = tensor(rows.SelectMany(r => r.Select(v => (float)v)).ToArray(), [rows.Length, rows[0].Length]);
        t.DetachFromDisposeScope();
        return new Dataset(name, t);
    }

    [Fact]
    public void Pca_reconstructs_a_plane_exactly_and_scores_the_distance_off_it()
    {
        // Points on the plane z = 0 in 4-D (last two coordinates 0) around a centre (1, 2, 0, 0).
        var random = new Random(3);
        var plane = Enumerable.Range(0, 200).Select(_ => new[] { 1 + random.NextDouble() * 4, 2 + random.NextDouble(), 0, 0 }).ToArray();
        using var train = Rows(plane);
        using var pca = PcaBaseline.Fit(train, null, 2);
        Assert.Equal(1.0, pca.ExplainedVarianceRatio, 9);
        // A point 3 off the plane in z: x̂ is its foot on the plane, error = 3² / 4 values.
        using var test = Rows([[2, 2.5, 3, 0], [4, 2.2, 0, 0]]);
        var scores = pca.Scores(test, null);
        Assert.Equal(9.0 / 4, scores[0], 5);
        Assert.Equal(0.0, scores[1], 5);
    }

    [Fact]
    public void Pca_applies_the_detectors_scaler_first()
    {
        using var train = Rows([[0, 0], [2, 4], [4, 8]]);   // on the line y = 2x
        var scaler = new FeatureScaler(ScalerKind.Standard, [0f, 0f], [1f, 2f]);   // y/2: the line becomes y = x
        using var pca = PcaBaseline.Fit(train, scaler, 1);
        using var test = Rows([[1, 4]]);   // scaled (1, 2): distance to y = x is 1/√2, squared ½, over 2 values = ¼
        Assert.Equal(0.25, pca.Scores(test, scaler)[0], 5);
    }

    [Fact]
    public void Knn_scores_the_distance_to_the_kth_nearest_reference_sample()
    {
        using var reference = Rows([[0], [1], [2], [3], [4], [10]]);
        using var knn = KnnBaseline.Fit(reference, null, k: 2);
        using var queries = Rows([[5], [0], [10]]);
        // 5: nearest 4 (1), then 3 (2). 0: itself (0), then 1. 10: itself, then 4 (6).
        Assert.Equal([2.0, 1.0, 6.0], knn.Scores(queries, null));
    }

    [Fact]
    public void Knn_in_two_dimensions_and_with_a_subsampled_reference()
    {
        using var reference = Rows([[0, 0], [3, 4], [6, 8], [0, 1]]);
        using var knn = KnnBaseline.Fit(reference, null, k: 3);
        using var query = Rows([[0, 0]]);
        Assert.Equal(5.0, knn.Scores(query, null)[0], 5);   // distances 0, 1, 5, 10
        using var sub = KnnBaseline.Fit(reference, null, k: 1, maxReference: 2, seed: 1);
        Assert.Equal(2, sub.ReferenceCount);
        Assert.Throws<BadInputException>(() => KnnBaseline.Fit(reference, null, k: 5));
    }
}
