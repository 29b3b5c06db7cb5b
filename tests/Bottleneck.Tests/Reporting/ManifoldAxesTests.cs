using Bottleneck.Data;
using Bottleneck.Reporting;
using Bottleneck.Tests.Applications;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Reporting;

/// <summary>Where the manifold grid decodes: the prior's quantiles, the codes' quantiles, and the order of the grid.</summary>
public class ManifoldAxesTests
{
    [Fact]
    public void The_prior_axes_are_normal_quantiles_of_an_even_grid()
    {
        var axes = ManifoldAxes.Prior(2, 3);
        // u = 0.05, 0.5, 0.95 and Φ⁻¹(0.95) = 1.6448536269514722.
        Assert.Equal([0.05, 0.5, 0.95], ManifoldAxes.Levels(3), new Tolerance(1e-15));
        Assert.Equal([-1.6448536269514722, 0, 1.6448536269514722], axes.FirstValues, new Tolerance(1e-9));
        Assert.Equal(axes.FirstValues, axes.SecondValues);
        Assert.Equal([0f, 0f], axes.Base);
    }

    [Fact]
    public void The_grid_runs_left_to_right_and_from_the_top_down()
    {
        var axes = new ManifoldAxes(1, 3, [10, 20], [-1, 1], [5, 6, 7, 8], "hand");
        var grid = axes.Grid();
        Assert.Equal([4L, 4], grid.shape);
        // Row 0 is the top, where the second dimension has its largest value (1); dimensions 0 and 2 keep the base.
        Assert.Equal(new float[] { 5, 10, 7, 1, 5, 20, 7, 1, 5, 10, 7, -1, 5, 20, 7, -1 }, grid.data<float>().ToArray());
    }

    [Fact]
    public void Dimensions_beyond_two_stay_at_the_priors_mean()
    {
        var axes = ManifoldAxes.Prior(4, 2, first: 3, second: 1);
        var codes = axes.Grid();
        Assert.Equal(0f, codes[.., 0].abs().max().item<float>());
        Assert.Equal(0f, codes[.., 2].abs().max().item<float>());
        Assert.Equal(ManifoldAxes.Prior(2, 2).FirstValues.Select(v => (float)v), codes[..2, 3].data<float>().ToArray());
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(-1, 1)]
    [InlineData(0, 5)]
    public void Bad_dimensions_are_refused(int first, int second)
    {
        var error = Assert.Throws<OptionException>(() => ManifoldAxes.Prior(5, 4, first, second));
        Assert.Contains("dims: expected two different dimensions in 0 .. 4", error.Message);
    }

    [Fact]
    public void Grids_outside_2_to_100_are_refused() =>
        Assert.Contains("grid: expected 2 to 100", Assert.Throws<OptionException>(() => ManifoldAxes.Levels(1)).Message);

    [Fact]
    public void Code_axes_take_numpys_linear_quantiles_and_the_median()
    {
        // Codes = inputs: first dimension 0, 1, .., 10 (quantile u at position 10u), second 0, 2, .., 20, third 7 − i.
        using var model = LatentGaussianTests.IdentityCoder(3);
        var values = Enumerable.Range(0, 11).SelectMany(i => new[] { (float)i, 2f * i, 7f - i }).ToArray();
        using var data = new Dataset("ramp", tensor(values, [11, 3]));
        var axes = ManifoldAxes.FromCodes(model, data, 3, first: 0, second: 1);
        Assert.Equal([0.5, 5, 9.5], axes.FirstValues, new Tolerance(1e-5));
        Assert.Equal([1.0, 10, 19], axes.SecondValues, new Tolerance(1e-5));
        Assert.Equal([5f, 10f, 2f], axes.Base);   // medians of 0..10, 0..20 and 7..−3
        Assert.Equal("the codes of ramp", axes.Source);
    }

    sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
