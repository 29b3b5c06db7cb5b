using Bottleneck.Applications.Pca;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

public class SubspaceComparisonTests
{
    static Tensor Columns(double[,] values) => tensor(values);

    [Fact]
    public void Two_bases_of_the_same_subspace_have_overlap_one()
    {
        using var generator = new Generator(3);
        using var a = randn([10, 3], dtype: ScalarType.Float64, generator: generator);
        using var mix = randn([3, 3], dtype: ScalarType.Float64, generator: generator);
        using var b = a.matmul(mix);   // another basis of the same column space
        var result = SubspaceComparison.Compare(a, b);
        Assert.Equal(1.0, result.Overlap, 10);
        Assert.All(result.Cosines, c => Assert.Equal(1.0, c, 10));
        Assert.True(result.ProjectorDistance < 1e-6);
        Assert.True(result.LargestAngleDegrees < 1e-3);
    }

    [Fact]
    public void Planes_that_share_a_line_and_tilt_by_theta_have_the_known_angles()
    {
        // span(e1, e2) against span(e1, cos θ e2 + sin θ e3): principal angles 0 and θ.
        double theta = 0.4, c = Math.Cos(theta), s = Math.Sin(theta);
        using var a = Columns(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 0 } });
        using var b = Columns(new double[,] { { 2, 0 }, { 0, 3 * c }, { 0, 3 * s } });   // scaled columns: still the same subspace
        var result = SubspaceComparison.Compare(a, b);
        Assert.Equal(1.0, result.Cosines[0], 10);
        Assert.Equal(c, result.Cosines[1], 10);
        Assert.Equal(theta * 180 / Math.PI, result.AnglesDegrees[1], 6);
        Assert.Equal((1 + c * c) / 2, result.Overlap, 10);
        Assert.Equal(Math.Sqrt(2) * s, result.ProjectorDistance, 8);
    }

    [Fact]
    public void Orthogonal_lines_have_overlap_zero_and_a_right_angle()
    {
        using var a = Columns(new double[,] { { 1 }, { 0 }, { 0 } });
        using var b = Columns(new double[,] { { 0 }, { 5 }, { 0 } });
        var result = SubspaceComparison.Compare(a, b);
        Assert.Equal(0.0, result.Overlap, 12);
        Assert.Equal(90.0, result.LargestAngleDegrees, 6);
        Assert.Equal(Math.Sqrt(2), result.ProjectorDistance, 10);
    }

    [Fact]
    public void A_lost_direction_lowers_the_overlap()
    {
        // Two equal columns span only a line: against a plane that contains it, half of the plane is missed.
        using var a = Columns(new double[,] { { 1, 1 }, { 0, 0 }, { 0, 0 } });
        using var b = Columns(new double[,] { { 1, 0 }, { 0, 1 }, { 0, 0 } });
        Assert.Equal(0.5, SubspaceComparison.Compare(a, b).Overlap, 10);
    }
}
