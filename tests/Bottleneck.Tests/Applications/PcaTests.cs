using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Persistence;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

public class PcaTests
{
    /// <summary>
    /// Eight points x = μ + t·u + s·v on a full grid t ∈ {−3, −1, 1, 3}, s ∈ {−1, 1}, with u = (0.6, 0.8), v = (0.8, −0.6)
    /// and μ = (5, 7): the variances are Σt²/7 = 40/7 along u and Σs²/7 = 8/7 along v, and t, s are uncorrelated.
    /// </summary>
    static Dataset Plane()
    {
        var points = new List<float>();
        foreach (var t in new[] { -3.0, -1, 1, 3 })
            foreach (var s in new[] { -1.0, 1 })
            {
                points.Add((float)(5 + 0.6 * t + 0.8 * s));
                points.Add((float)(7 + 0.8 * t - 0.6 * s));
            }
        var storage = tensor(points.ToArray(), [8, 2]);
        storage.DetachFromDisposeScope();
        return new Dataset("plane", storage);
    }

    static double[] Row(Tensor t, int i) => t[i].data<double>().ToArray();

    [Theory]
    [InlineData(nameof(PcaMethod.Svd))]
    [InlineData(nameof(PcaMethod.Covariance))]
    public void A_hand_made_plane_gives_its_known_axes_and_variances(string methodName)
    {
        // The enum is internal: a public theory takes its name.
        var method = Enum.Parse<PcaMethod>(methodName);
        using var data = Plane();
        using var pca = PrincipalComponents.Fit(data, 2, method);
        using var components = pca.Components;
        using var mean = pca.Mean;
        // Signs as sklearn's svd_flip: the largest |entry| of each row is positive.
        AssertClose([0.6, 0.8], Row(components, 0), 1e-6);
        AssertClose([0.8, -0.6], Row(components, 1), 1e-6);
        AssertClose([5, 7], mean.data<double>().ToArray(), 1e-6);
        AssertClose([40.0 / 7, 8.0 / 7], pca.ExplainedVariance, 1e-5);
        AssertClose([40.0 / 48, 8.0 / 48], pca.ExplainedVarianceRatio, 1e-6);
        Assert.Equal(8, pca.Samples);
    }

    [Fact]
    public void With_one_component_the_error_is_the_discarded_variance()
    {
        using var data = Plane();
        using var pca = PrincipalComponents.FitSvd(data, 1);
        // Each point is off the u axis by s = ±1, so the squared error is 1 a point, 1/2 per element.
        Assert.Equal(0.5, pca.TrainingMse, 6);
        Assert.Equal(0.5, pca.Mse(data), 6);
        Assert.Equal(40.0 / 48, pca.ExplainedVarianceRatioTotal, 6);
        using var codes = pca.Encode(data.Batch(0, 8));
        // Codes are the t values: the coordinates along u after centring.
        AssertClose([-3, -3, -1, -1, 1, 1, 3, 3], codes.to_type(ScalarType.Float64).data<double>().ToArray(), 1e-5);
    }

    [Fact]
    public void A_rotated_box_gives_the_rotation_as_components()
    {
        // x = R·(3a, 2b, c) for a, b, c ∈ {−1, 1}: variances 9·8/7, 4·8/7, 8/7 along R's columns.
        double angle = Math.PI / 6, cos = Math.Cos(angle), sin = Math.Sin(angle);
        double[,] rotation = { { cos, -sin, 0 }, { sin, cos, 0 }, { 0, 0, 1 } };
        var points = new List<float>();
        foreach (var a in new[] { -1.0, 1 }) foreach (var b in new[] { -1.0, 1 }) foreach (var c in new[] { -1.0, 1 })
        {
            var local = new[] { 3 * a, 2 * b, c };
            for (int i = 0; i < 3; i++) points.Add((float)(rotation[i, 0] * local[0] + rotation[i, 1] * local[1] + rotation[i, 2] * local[2]));
        }
        var storage = tensor(points.ToArray(), [8, 3]);
        storage.DetachFromDisposeScope();
        using var data = new Dataset("box", storage);
        using var pca = PrincipalComponents.FitCovariance(data, 3);
        using var components = pca.Components;
        AssertClose([cos, sin, 0], Row(components, 0), 1e-6);
        AssertClose([-sin, cos, 0], Row(components, 1), 1e-6);   // R's column, its largest entry (cos) already positive
        AssertClose([0, 0, 1], Row(components, 2), 1e-6);
        AssertClose([9.0 * 8 / 7, 4.0 * 8 / 7, 8.0 / 7], pca.ExplainedVariance, 1e-5);
        AssertClose([9.0 / 14, 4.0 / 14, 1.0 / 14], pca.ExplainedVarianceRatio, 1e-6);
    }

    [Fact]
    public void Svd_and_the_streaming_covariance_pass_agree_to_1e_6()
    {
        using var data = TestData.LowRank(count: 300, size: 40, rank: 6);
        using var exact = PrincipalComponents.FitSvd(data, 5);
        using var streamed = PrincipalComponents.FitCovariance(data, 5, batchSize: 37);   // uneven batches exercise the merge
        using (var a = exact.Components) using (var b = streamed.Components)
            Assert.True((a - b).abs().max().item<double>() < 1e-6, "components differ");
        using (var a = exact.Mean) using (var b = streamed.Mean)
            Assert.True((a - b).abs().max().item<double>() < 1e-6, "means differ");
        AssertClose(exact.Spectrum.Take(10).ToArray(), streamed.Spectrum.Take(10).ToArray(), 1e-6);
        Assert.Equal(exact.TotalVariance, streamed.TotalVariance, 6);
        Assert.Equal(exact.TrainingMse, streamed.TrainingMse, 8);
    }

    [Fact]
    public void The_training_error_formula_matches_the_measured_error_and_components_are_orthonormal()
    {
        using var data = TestData.LowRank(count: 200, size: 30, rank: 8);
        using var pca = PrincipalComponents.FitCovariance(data, 3);
        Assert.Equal(pca.Mse(data), pca.TrainingMse, 9);
        using var v = pca.Components;
        using var gram = v.matmul(v.T);
        Assert.True((gram - eye(3, dtype: ScalarType.Float64)).abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void As_an_autoencoder_and_after_saving_it_reconstructs_the_same()
    {
        using var data = TestData.LowRank(count: 100, size: 20, rank: 5);
        using var pca = PrincipalComponents.FitCovariance(data, 4);
        using var batch = data.Batch(0, 10);
        using var direct = pca.Reconstruct(batch);
        using var model = pca.ToAutoencoder();
        using (no_grad())
        using (var viaModel = model.Reconstruct(batch))
            Assert.True((direct - viaModel).abs().max().item<float>() < 1e-5);
        using var roundTrip = pca.Decode(pca.Encode(batch));
        Assert.True((direct - roundTrip).abs().max().item<float>() < 1e-6);

        using var folder = new TempFolder();
        PcaFolder.Save(pca, folder.Path);
        using var loaded = PcaFolder.Load(folder.Path);
        Assert.Equal(pca.Spectrum, loaded.Spectrum);
        Assert.Equal(pca.Samples, loaded.Samples);
        Assert.Equal(pca.Method, loaded.Method);
        Assert.Equal(pca.SampleShape, loaded.SampleShape);
        using (var a = pca.Components) using (var b = loaded.Components) Assert.Equal(a.data<double>().ToArray(), b.data<double>().ToArray());
        using var asModel = ModelFolder.Load(folder.Path);
        Assert.Equal("pca-4", asModel.Spec.Name);
        using (no_grad())
        using (var viaFolder = asModel.Reconstruct(batch))
            Assert.True((direct - viaFolder).abs().max().item<float>() < 1e-5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(21)]
    public void Components_outside_one_to_d_are_refused(int k)
    {
        using var data = TestData.LowRank(count: 100, size: 20, rank: 5);
        var e = Assert.Throws<OptionException>(() => PrincipalComponents.FitCovariance(data, k));
        Assert.Contains("components: expected 1 to 20", e.Message);
    }

    static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"item {i}: expected {expected[i]}, got {actual[i]}");
    }
}
