using Bottleneck.Data;
using Bottleneck.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Data;

/// <summary>Each corruption of §3.5 and §8.3, measured on a fixed seed: the statistics it promises, and nothing else changed.</summary>
public class CorruptionTests
{
    /// <summary>The first <paramref name="count"/> MNIST test digits as [count, 28, 28] in [0, 1].</summary>
    static Tensor MnistDigits(int count)
    {
        // The build copies the embedded MNIST beside the binaries (data/mnist).
        var images = IdxFile.Read(Path.Combine(AppContext.BaseDirectory, "data", "mnist", "t10k-images-idx3-ubyte.gz"));
        return tensor(images.Bytes![..(count * 784)], [count, 28, 28]).to_type(ScalarType.Float32) / 255;
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static double Fraction(Tensor mask) => mask.to_type(ScalarType.Float64).mean().item<double>();

    [Fact]
    public void Masking_zeroes_a_fraction_q_and_keeps_the_rest()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var clean = rand([200, 784], generator: generator) * 0.9 + 0.1;   // no zeros of its own
        var noisy = new MaskingCorruption(0.3).Apply(clean, generator);
        // 156,800 draws: the fraction's standard deviation is √(0.21/156800) ≈ 0.0012, so ±0.005 is four of them.
        Assert.InRange(Fraction(noisy.eq(0)), 0.295, 0.305);
        var kept = noisy.ne(0);
        Assert.True(Same(noisy.masked_select(kept), clean.masked_select(kept)));
        Assert.Equal(0.0, Fraction(new MaskingCorruption(0).Apply(clean, generator).ne(clean)));
        Assert.Equal(1.0, Fraction(new MaskingCorruption(1).Apply(clean, generator).eq(0)));
    }

    [Fact]
    public void Gaussian_noise_has_standard_deviation_sigma_before_clipping()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        // Around 0.5 with σ = 0.1, clipping at 0 and 1 is five standard deviations away: x̃ − x is the noise itself.
        var clean = full([200, 784], 0.5f);
        var noise = (new GaussianCorruption(0.1).Apply(clean, generator) - clean).to_type(ScalarType.Float64);
        Assert.InRange(noise.std().item<double>(), 0.099, 0.101);
        Assert.InRange(noise.mean().item<double>(), -0.001, 0.001);
        Assert.Equal(0.0, Fraction(noise.abs().ge(0.5 - 1e-6)));
    }

    [Fact]
    public void Gaussian_noise_at_the_chapters_0_5_is_clipped_to_0_1()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        var clean = MnistDigits(50);
        var noisy = new GaussianCorruption(0.5).Apply(clean, generator);
        Assert.Equal(0.0, noisy.min().item<float>());
        Assert.Equal(1.0, noisy.max().item<float>());
        // A background pixel (0) stays 0 whenever its noise is negative: about half of them.
        Assert.InRange(Fraction(noisy.masked_select(clean.eq(0)).eq(0)), 0.48, 0.52);
        // MSE(noisy, clean): below σ² = 0.25 because clipping pulls values back toward the data.
        var mse = (noisy - clean).square().mean().item<float>();
        Assert.InRange(mse, 0.08, 0.2);
    }

    [Fact]
    public void Salt_and_pepper_replaces_a_fraction_p_half_by_0_and_half_by_1()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(14);
        var clean = full([200, 784], 0.5f);
        var noisy = new SaltPepperCorruption(0.2).Apply(clean, generator);
        Assert.InRange(Fraction(noisy.eq(0)), 0.095, 0.105);
        Assert.InRange(Fraction(noisy.eq(1)), 0.095, 0.105);
        Assert.InRange(Fraction(noisy.eq(0.5f)), 0.795, 0.805);
    }

    [Fact]
    public void Jpeg_at_quality_10_changes_the_image_and_lowers_psnr_below_quality_90()
    {
        using var scope = NewDisposeScope();
        var clean = MnistDigits(20);
        var q10 = new JpegCorruption(10).Apply(clean);
        var q90 = new JpegCorruption(90).Apply(clean);
        Assert.Equal(clean.shape, q10.shape);
        Assert.InRange(q10.min().item<float>(), 0f, 1f);
        Assert.InRange(q10.max().item<float>(), 0f, 1f);
        double psnr10 = ReconstructionMetrics.PsnrFromMse((q10 - clean).square().mean().item<float>());
        double psnr90 = ReconstructionMetrics.PsnrFromMse((q90 - clean).square().mean().item<float>());
        Assert.True((q10 - clean).abs().max().item<float>() > 0.2, "quality 10 should visibly change some pixels");
        Assert.True(psnr10 < psnr90 - 5, $"PSNR at quality 10 is {psnr10:F1} dB, at 90 {psnr90:F1} dB");
        Assert.InRange(psnr10, 10, 30);
        Assert.True(psnr90 > 25, $"PSNR at quality 90 is {psnr90:F1} dB");
        // Deterministic: no generator involved, the same image gives the same artefacts.
        Assert.True(Same(q10, new JpegCorruption(10).Apply(clean)));
        Assert.False(new JpegCorruption(10).IsRandom);
    }

    [Fact]
    public void Jpeg_works_on_colour_images_and_flat_square_samples()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(15);
        var colour = rand([2, 16, 16, 3], generator: generator);
        Assert.Equal(colour.shape, new JpegCorruption(50).Apply(colour).shape);
        var flat = MnistDigits(2).reshape(2, 784);
        Assert.True(Same(new JpegCorruption(10).Apply(flat), new JpegCorruption(10).Apply(flat.reshape(2, 28, 28)).reshape(2, 784)));
    }

    [Fact]
    public void Fresh_noise_differs_each_time_and_a_seeded_copy_repeats_exactly()
    {
        using var scope = NewDisposeScope();
        var noise = new GaussianCorruption(0.3);
        var clean = full([4, 16], 0.5f);
        Assert.False(Same(noise.Apply(clean), noise.Apply(clean)));
        using var data = TestData.LowRank(count: 40, size: 16);
        using var first = noise.CorruptedCopy(data, seed: 5, batchSize: 16);
        using var again = noise.CorruptedCopy(data, seed: 5, batchSize: 7);
        using var other = noise.CorruptedCopy(data, seed: 6);
        var a = first.Batch(0, 40);
        Assert.True(Same(a, again.Batch(0, 40)), "a copy depends on its seed, not on the batch size it was made in");
        Assert.False(Same(a, other.Batch(0, 40)));
        Assert.Equal(data.Labels, first.Labels);
    }

    [Fact]
    public void A_paired_dataset_gives_inputs_and_targets_sample_for_sample()
    {
        using var data = TestData.LowRank(count: 30, size: 16);
        using var paired = data.WithInputs(new MaskingCorruption(0.5).CorruptedCopy(data, seed: 1));
        using var slice = paired.Slice(10, 5);
        using var scope = NewDisposeScope();
        Assert.True(Same(slice.Batch(0, 5), data.Batch(10, 5)));
        Assert.True(Same(slice.Inputs!.Batch(0, 5), paired.Inputs!.Batch(10, 5)));
        var indices = tensor(new long[] { 3, 0 });
        Assert.True(Same(paired.Inputs!.Batch(indices)[0], paired.Inputs.Batch(3, 1)[0]));
    }

    [Theory]
    [InlineData("gaussian:0.5", "gaussian:0.5")]
    [InlineData(" mask:0.30 ", "mask:0.3")]
    [InlineData("salt-pepper:0.1", "salt-pepper:0.1")]
    [InlineData("JPEG:10", "jpeg:10")]
    public void Names_parse_and_print_back(string text, string name) => Assert.Equal(name, Corruption.Parse(text)!.Name);

    [Fact]
    public void None_means_no_corruption() => Assert.Null(Corruption.Parse("none"));

    [Theory]
    [InlineData("blur:2", "unknown noise kind 'blur'")]
    [InlineData("gaussian", "expected kind:value")]
    [InlineData("gaussian:-0.1", "gaussian needs σ ≥ 0, got -0.1")]
    [InlineData("gaussian:abc", "'abc' is not a number")]
    [InlineData("gaussian:1e308", "gaussian needs σ ≤ 3.4E+38 (float32's range), got 1e308")]
    [InlineData("gaussian:Infinity", "'Infinity' is not a number")]
    [InlineData("mask:1.5", "mask needs q in [0, 1], got 1.5")]
    [InlineData("salt-pepper:-1", "salt-pepper needs p in [0, 1], got -1")]
    [InlineData("jpeg:0", "jpeg needs a quality from 1 to 100, got 0")]
    [InlineData("jpeg:101", "jpeg needs a quality from 1 to 100, got 101")]
    [InlineData("jpeg:9.5", "jpeg needs a quality from 1 to 100, got 9.5")]
    public void Bad_noise_is_one_clear_message(string text, string expected)
    {
        var e = Assert.Throws<OptionException>(() => Corruption.Parse(text));
        Assert.StartsWith("noise: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
