using Bottleneck.Applications.Inspection;
using Bottleneck.Applications.Pca;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>The 2-D map's coordinates: a 2-D code as it is, a larger code by its own PCA, pixels by a fitted PCA.</summary>
public class LatentMapTests
{
    static DenseAutoencoder Model(int code)
    {
        random.manual_seed(3);
        return new DenseAutoencoder(new ModelSpec { Name = $"tiny-{code}", InputShape = [4, 4], Encoder = [8], Bottleneck = code, BottleneckActivation = "linear" });
    }

    static double[,] Codes(Autoencoder model, Bottleneck.Data.Dataset data)
    {
        using var noGrad = no_grad();
        model.eval();
        using var codes = model.Encode(data.Batch(0, data.Count)).to_type(ScalarType.Float64);
        var result = new double[data.Count, codes.shape[1]];
        for (int i = 0; i < data.Count; i++)
            for (int j = 0; j < codes.shape[1]; j++) result[i, j] = codes[i, j].item<double>();
        return result;
    }

    [Fact]
    public void A_two_value_code_is_drawn_as_the_model_encodes_it()
    {
        using var model = Model(2);
        using var data = TestData.LowRank(count: 40, size: 16);
        var map = LatentMap.OfCodes(model, data);
        var codes = Codes(model, data);
        Assert.False(map.IsProjected);
        Assert.Equal(2, map.Dimension);
        for (int i = 0; i < data.Count; i++)
        {
            Assert.Equal(codes[i, 0], map.X[i], 6);
            Assert.Equal(codes[i, 1], map.Y[i], 6);
        }
    }

    [Fact]
    public void A_larger_code_is_projected_on_its_own_first_two_principal_components()
    {
        using var model = Model(5);
        using var data = TestData.LowRank(count: 60, size: 16);
        var map = LatentMap.OfCodes(model, data);
        Assert.True(map.IsProjected);
        Assert.Equal(5, map.Dimension);

        // Independently: centre the codes, SVD, the top two right singular vectors signed so their largest |entry| is
        // positive (sklearn's svd_flip), and the centred codes projected on them.
        var codes = Codes(model, data);
        int n = data.Count;
        using var h = tensor(codes);
        using var centred = h - h.mean([0]);
        var (_, s, vh) = linalg.svd(centred, fullMatrices: false);
        var spectrum = s.square();
        var total = spectrum.sum().item<double>();
        for (int axis = 0; axis < 2; axis++)
        {
            var v = vh[axis];
            var sign = v[v.abs().argmax()].sign();
            var projected = centred.matmul(v * sign);
            var expected = projected.data<double>().ToArray();
            var actual = axis == 0 ? map.X : map.Y;
            for (int i = 0; i < n; i++) Assert.Equal(expected[i], actual[i], 4);
            Assert.Equal(spectrum[axis].item<double>() / total, map.ExplainedVarianceRatio![axis], 6);
        }
    }

    [Fact]
    public void Pixels_are_mapped_by_the_fitted_pca()
    {
        using var data = TestData.LowRank(count: 50, size: 16);
        using var pca = PrincipalComponents.FitSvd(data, 2);
        var map = LatentMap.OfPixels(pca, data);
        using var expected = pca.Encode(data.Batch(0, data.Count)).to_type(ScalarType.Float64);
        for (int i = 0; i < data.Count; i++)
        {
            Assert.Equal(expected[i, 0].item<double>(), map.X[i], 6);
            Assert.Equal(expected[i, 1].item<double>(), map.Y[i], 6);
        }
        Assert.Equal(16, map.Dimension);
        Assert.Equal(pca.ExplainedVarianceRatio, map.ExplainedVarianceRatio);
    }

    [Fact]
    public void A_one_value_code_cannot_be_drawn_in_two_dimensions()
    {
        using var model = Model(1);
        using var data = TestData.LowRank(count: 10, size: 16);
        var e = Assert.Throws<BadInputException>(() => LatentMap.OfCodes(model, data));
        Assert.Contains("a code of 1 value cannot be drawn as a 2-D map", e.Message);
    }
}
