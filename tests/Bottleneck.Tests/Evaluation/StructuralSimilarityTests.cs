using Bottleneck.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Evaluation;

/// <summary>SSIM against its definition: identity, hand-computed cases, symmetry, and a plain-loop float64 reference.</summary>
public class StructuralSimilarityTests
{
    const double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;

    static Tensor Random(long[] shape, ulong seed)
    {
        using var generator = new Generator(seed);
        return rand(shape, generator: generator);
    }

    [Fact]
    public void An_image_is_perfectly_similar_to_itself()
    {
        using var x = Random([4, 3, 20, 24], 1);
        using var ssim = StructuralSimilarity.PerImage(x, x);
        Assert.Equal([4L], ssim.shape);
        foreach (var s in ssim.data<double>()) Assert.Equal(1.0, s, 12);
    }

    [Theory]
    [InlineData(0.2, 0.6)]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.5)]
    public void Constant_images_reduce_to_the_luminance_term(double a, double b)
    {
        // σx = σy = σxy = 0, so the contrast-structure factor is C2/C2 = 1 and SSIM = (2ab + C1)/(a² + b² + C1).
        using var x = full([2, 1, 16, 13], a, ScalarType.Float32);
        using var y = full([2, 1, 16, 13], b, ScalarType.Float32);
        double expected = (2 * (double)(float)a * (float)b + C1) / ((double)(float)a * (float)a + (double)(float)b * (float)b + C1);
        Assert.Equal(expected, StructuralSimilarity.Mean(x, y), 12);
        if (a == 0.2) Assert.Equal(0.2401 / 0.4001, StructuralSimilarity.Mean(x, y), 6);
    }

    [Fact]
    public void Opposite_patterns_of_equal_mean_give_the_structure_term_by_hand()
    {
        // One 11×11 window. x = a + s·p and y = a − s·p with p = −1 left of the centre column, 0 on it, +1 right of it:
        // the symmetric Gaussian gives p weighted mean 0, so μx = μy = a (luminance term 1), σx² = σy² = s²(1 − w₅) with
        // w₅ the 1-D weight of the centre, σxy = −s²(1 − w₅), hence SSIM = (C2 − 2v)/(C2 + 2v), v = s²(1 − w₅).
        const double a = 0.5, s = 0.1;
        var xs = new float[121];
        var ys = new float[121];
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++)
            {
                double p = Math.Sign(j - 5);
                xs[i * 11 + j] = (float)(a + s * p);
                ys[i * 11 + j] = (float)(a - s * p);
            }
        double centre = 1 / Enumerable.Range(-5, 11).Sum(i => Math.Exp(-i * i / (2 * 1.5 * 1.5)));
        // x and y hold float32 values: 0.6f and 0.4f are not exactly 0.5 ± 0.1, so s is what they hold.
        double held = ((double)(float)(a + s) - (float)(a - s)) / 2;
        double v = held * held * (1 - centre);
        double expected = (C2 - 2 * v) / (C2 + 2 * v);
        using var x = tensor(xs, [1, 1, 11, 11]);
        using var y = tensor(ys, [1, 1, 11, 11]);
        Assert.Equal(expected, StructuralSimilarity.Mean(x, y), 10);
        Assert.InRange(expected, -0.89, -0.88);   // (0.0009 − 0.01468)/(0.0009 + 0.01468): strongly anti-correlated
    }

    [Fact]
    public void It_is_symmetric()
    {
        using var x = Random([3, 1, 28, 28], 2);
        using var y = Random([3, 1, 28, 28], 3);
        using var xy = StructuralSimilarity.PerImage(x, y);
        using var yx = StructuralSimilarity.PerImage(y, x);
        var (a, b) = (xy.data<double>().ToArray(), yx.data<double>().ToArray());
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 14);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void It_matches_a_plain_loop_float64_reference(int channels)
    {
        // Non-square, and y a noisy copy of x, so the structure term is neither 0 nor 1.
        const int batch = 3, height = 14, width = 17;
        using var x = Random([batch, channels, height, width], 4);
        using var noise = Random([batch, channels, height, width], 5);
        using var y = (x * 0.7 + noise * 0.3).clamp(0, 1);
        var ssim = StructuralSimilarity.PerImage(x, y).data<double>().ToArray();
        var (xs, ys) = (x.data<float>().ToArray(), y.data<float>().ToArray());
        for (int n = 0; n < batch; n++)
        {
            double reference = SsimOracle.Image(SsimOracle.Slice(xs, n, channels, height, width), SsimOracle.Slice(ys, n, channels, height, width));
            Assert.Equal(reference, ssim[n], 10);
            Assert.InRange(reference, 0.2, 0.99);
        }
    }

    [Fact]
    public void The_window_is_the_normalised_gaussian()
    {
        using var w = StructuralSimilarity.GaussianWindow();
        var values = w.data<double>().ToArray();
        Assert.Equal(11, values.Length);
        Assert.Equal(1.0, values.Sum(), 14);
        // w₀ = 1/Σ exp(−i²/4.5) = 0.266011725..., w±5 = w₀·exp(−25/4.5)
        Assert.Equal(0.26601172486179436, values[5], 12);
        Assert.Equal(values[5] * Math.Exp(-25 / 4.5), values[0], 15);
    }

    [Fact]
    public void A_window_larger_than_the_image_is_refused()
    {
        using var x = zeros([1, 1, 10, 28]);
        var error = Assert.Throws<ArgumentException>(() => StructuralSimilarity.PerImage(x, x));
        Assert.Contains("11×11 window does not fit in a 28×10 image", error.Message);
    }
}
