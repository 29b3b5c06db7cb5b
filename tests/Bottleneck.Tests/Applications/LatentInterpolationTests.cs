using Bottleneck.Applications.Generation;
using Bottleneck.Models;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>Linear and spherical steps against hand values, and paths whose ends are the models' reconstructions.</summary>
public class LatentInterpolationTests
{
    static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    static Tensor Vector(params double[] values) => tensor(values, ScalarType.Float64);

    [Fact]
    public void Slerp_between_orthogonal_unit_vectors_walks_the_quarter_circle()
    {
        // Ω = 90°, so slerp(t) = (cos(90°·t), sin(90°·t)): t = ½ gives (√½, √½), t = ⅓ gives (cos 30°, sin 30°).
        Assert.Equal([Math.Sqrt(0.5), Math.Sqrt(0.5)], Values(LatentInterpolation.Slerp(Vector(1, 0), Vector(0, 1), 0.5)), new Tolerance(1e-12));
        Assert.Equal([0.8660254037844387, 0.5], Values(LatentInterpolation.Slerp(Vector(1, 0), Vector(0, 1), 1.0 / 3)), new Tolerance(1e-12));
    }

    [Fact]
    public void Slerp_keeps_the_radius_of_equal_norm_codes_where_lerp_cuts_inside()
    {
        // (2, 0) → (0, 2) at t = ¼: 22.5° along the circle of radius 2 = (2 cos 22.5°, 2 sin 22.5°).
        var spherical = Values(LatentInterpolation.Slerp(Vector(2, 0), Vector(0, 2), 0.25));
        Assert.Equal([1.8477590650225735, 0.7653668647301796], spherical, new Tolerance(1e-12));
        // The straight line's midpoint (1, 1) has norm √2 < 2.
        Assert.Equal([1.0, 1.0], Values(LatentInterpolation.Lerp(Vector(2, 0), Vector(0, 2), 0.5)), new Tolerance(1e-15));
    }

    [Fact]
    public void Slerp_of_unequal_norms_weights_each_end_by_sines()
    {
        // (1, 0) → (0, 3) at t = ½: Ω = 90°, weights sin(45°)/sin(90°) = √½ each: (√½, 3√½).
        Assert.Equal([Math.Sqrt(0.5), 3 * Math.Sqrt(0.5)], Values(LatentInterpolation.Slerp(Vector(1, 0), Vector(0, 3), 0.5)), new Tolerance(1e-12));
        // (1, 1, 0) → (0, 1, 1) at t = ¼: cos Ω = ½, Ω = 60°; weights sin 45°/sin 60° = 0.816497 and sin 15°/sin 60° = 0.298858.
        double w0 = Math.Sin(Math.PI / 4) / Math.Sin(Math.PI / 3), w1 = Math.Sin(Math.PI / 12) / Math.Sin(Math.PI / 3);
        Assert.Equal([w0, w0 + w1, w1], Values(LatentInterpolation.Slerp(Vector(1, 1, 0), Vector(0, 1, 1), 0.25)), new Tolerance(1e-12));
        Assert.Equal(0.816496580927726, w0, 12);
        Assert.Equal(0.298858490722684, w1, 12);
    }

    [Fact]
    public void Slerp_ends_are_the_codes_themselves()
    {
        var z0 = Vector(0.3, -1.2, 2.0);
        var z1 = Vector(-0.7, 0.4, 1.1);
        Assert.Equal(Values(z0), Values(LatentInterpolation.Slerp(z0, z1, 0)), new Tolerance(1e-15));
        Assert.Equal(Values(z1), Values(LatentInterpolation.Slerp(z0, z1, 1)), new Tolerance(1e-15));
    }

    [Fact]
    public void Parallel_antipodal_and_zero_codes_fall_back_to_the_straight_line()
    {
        Assert.Equal([1.5, 1.5], Values(LatentInterpolation.Slerp(Vector(1, 1), Vector(2, 2), 0.5)), new Tolerance(1e-12));   // Ω = 0
        Assert.Equal([0.0, 0.0], Values(LatentInterpolation.Slerp(Vector(1, 0), Vector(-1, 0), 0.5)), new Tolerance(1e-12));  // Ω = 180°
        Assert.Equal([0.25, 0.5], Values(LatentInterpolation.Slerp(Vector(0, 0), Vector(1, 2), 0.25)), new Tolerance(1e-12)); // no angle at 0
    }

    [Fact]
    public void Batched_rows_are_interpolated_each_on_its_own()
    {
        var z0 = tensor(new double[] { 1, 0, 2, 0 }, [2, 2]);
        var z1 = tensor(new double[] { 0, 1, 0, 3 }, [2, 2]);
        var both = Values(LatentInterpolation.Slerp(z0, z1, 0.5));
        Assert.Equal(Values(LatentInterpolation.Slerp(Vector(1, 0), Vector(0, 1), 0.5)), both[..2], new Tolerance(1e-15));
        Assert.Equal(Values(LatentInterpolation.Slerp(Vector(2, 0), Vector(0, 3), 0.5)), both[2..], new Tolerance(1e-15));
    }

    [Fact]
    public void Times_include_both_ends_and_need_a_step_between()
    {
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], LatentInterpolation.Times(5));
        var error = Assert.Throws<OptionException>(() => LatentInterpolation.Times(2));
        Assert.Contains("steps: expected at least 3", error.Message);
    }

    [Fact]
    public void A_path_has_one_row_of_codes_per_step()
    {
        var path = LatentInterpolation.Path(zeros(3, 4), ones(3, 4), 5, spherical: false);
        Assert.Equal([3L, 5, 4], path.shape);
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0], Values(path[1, .., 2]), new Tolerance(1e-7));
    }

    [Fact]
    public void The_cross_fade_mixes_pixels()
    {
        var fade = LatentInterpolation.CrossFade(zeros(1, 2, 2), full(1, 2, 2, 0.8f), 3);
        Assert.Equal([1L, 3, 4], fade.shape);
        Assert.Equal([0.0, 0.0, 0.0, 0.0, 0.4, 0.4, 0.4, 0.4, 0.8, 0.8, 0.8, 0.8], Values(fade[0]), new Tolerance(1e-7));
    }

    [Theory]
    [InlineData("dense", false)]
    [InlineData("dense", true)]
    [InlineData("vae", false)]
    [InlineData("vae", true)]
    public void The_ends_of_a_decoded_path_are_the_reconstructions_of_the_inputs(string family, bool spherical)
    {
        random.manual_seed(11);
        using var model = ModelFactory.Create(new ModelSpec { Family = family, InputShape = [16], Encoder = [8], Bottleneck = 3 });
        using var generator = new Generator(4);
        var x0 = rand([2, 16], generator: generator);
        var x1 = rand([2, 16], generator: generator);
        var path = LatentInterpolation.Decode(model, x0, x1, 6, spherical);
        Assert.Equal([2L, 6, 16], path.shape);
        using var noGrad = no_grad();
        model.eval();
        Assert.True((path[.., 0] - model.Reconstruct(x0)).abs().max().item<float>() < 1e-6);
        Assert.True((path[.., 5] - model.Reconstruct(x1)).abs().max().item<float>() < 1e-6);
        // The middle is neither end: the walk really moves through the latent space.
        Assert.True((path[.., 2] - path[.., 0]).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void A_vq_vae_is_refused_because_its_codes_are_indices()
    {
        using var model = ModelFactory.Create(Presets.Get("vq-vae").WithInputShape([28, 28]));
        var error = Assert.Throws<OptionException>(() => LatentInterpolation.Decode(model, zeros(1, 784), zeros(1, 784), 5, false));
        Assert.Contains("is a VQ-VAE, whose codes are codebook indices", error.Message);
    }

    sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
