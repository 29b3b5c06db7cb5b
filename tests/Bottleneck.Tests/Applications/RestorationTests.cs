using Bottleneck.Applications.Restoration;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Tests.Evaluation;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>Restoring images with a model, the pictures' layouts, and the before/after figures against direct computation.</summary>
public class RestorationTests
{
    static Dataset Images(int count, long[] sampleShape, ulong seed, string name)
    {
        using var generator = new Generator(seed);
        var storage = rand([count, .. sampleShape], generator: generator);
        storage.DetachFromDisposeScope();
        return new Dataset(name, storage);
    }

    [Fact]
    public void Image_quality_matches_a_direct_computation()
    {
        var layout = new ImageLayout([12, 13], "test");
        using var clean = Images(5, [12, 13], 1, "clean");
        using var noisy = new GaussianCorruption(0.2).CorruptedCopy(clean, 9);
        var quality = ImageQuality.Measure(clean, noisy, layout, batchSize: 2);   // batches of 2 cover the remainder path
        var x = clean.Batch(0, 5).data<float>().ToArray();
        var y = noisy.Batch(0, 5).data<float>().ToArray();
        double squared = x.Zip(y, (a, b) => ((double)a - b) * ((double)a - b)).Sum();
        Assert.Equal(squared / x.Length, quality.Mse, 12);
        Assert.Equal(10 * Math.Log10(1 / (squared / x.Length)), quality.Psnr, 9);
        double ssimSum = 0;
        for (int n = 0; n < 5; n++)
        {
            double reference = SsimOracle.Image(SsimOracle.Slice(x, n, 1, 12, 13), SsimOracle.Slice(y, n, 1, 12, 13));
            Assert.Equal(reference, quality.PerImageSsim[n], 6);
            double mse = Enumerable.Range(n * 156, 156).Sum(i => ((double)x[i] - y[i]) * ((double)x[i] - y[i])) / 156;
            Assert.Equal(mse, quality.PerImageMse[n], 6);
            ssimSum += reference;
        }
        Assert.Equal(ssimSum / 5, quality.Ssim, 10);
    }

    [Fact]
    public void The_report_states_gain_and_improvement_from_before_and_after()
    {
        var layout = new ImageLayout([784], "test");
        using var clean = Images(4, [784], 2, "clean");
        using var noisy = new GaussianCorruption(0.3).CorruptedCopy(clean, 3);
        using var halfway = new Dataset("halfway", ((clean.Batch(0, 4) + noisy.Batch(0, 4)) / 2).DetachFromDisposeScope());
        var report = RestorationReport.Measure(clean, noisy, halfway, layout);
        Assert.True(report.HasCleanReference);
        // Halfway between clean and noisy: a quarter of the squared error, 10·log10(4) = 6.02 dB better (up to the
        // float32 rounding of the halfway images).
        Assert.Equal(report.Before!.Mse / 4, report.After!.Mse, 9);
        Assert.Equal(10 * Math.Log10(4), report.GainDb!.Value, 5);
        Assert.Equal(75, report.ImprovementPercent!.Value, 4);
        Assert.Equal(report.After.Ssim - report.Before.Ssim, report.SsimGain!.Value, 15);
        Assert.True(report.SsimGain > 0);
        // Restored against input: the other quarter.
        Assert.Equal(report.Before.Mse / 4, report.Change.Mse, 9);
        var json = report.ToJson();
        Assert.Equal(report.GainDb.Value, (double)json["gain_db"]!, 12);
        Assert.Equal(report.After.Ssim, (double)json["after"]!["ssim"]!, 15);

        var blind = RestorationReport.Measure(null, noisy, halfway, layout);
        Assert.False(blind.HasCleanReference);
        Assert.Null(blind.GainDb);
        Assert.False((bool)blind.ToJson()["clean_reference"]!);
        Assert.Null(blind.ToJson()["before"]);
    }

    [Theory]
    [InlineData(new[] { 6, 5 }, 1)]
    [InlineData(new[] { 36 }, 1)]
    [InlineData(new[] { 6, 5, 3 }, 3)]
    [InlineData(new[] { 3, 6, 5 }, 3)]
    public void Pictures_go_into_the_models_layout_and_back(int[] sampleShape, int channels)
    {
        var layout = new ImageLayout(sampleShape, "test");
        Assert.Equal(channels, layout.Channels);
        var pictures = Enumerable.Range(0, 2).Select(n => new ImagePixels(layout.Width, layout.Height, channels,
            Enumerable.Range(0, layout.Width * layout.Height * channels).Select(i => (n * 1000 + i) / 2000f).ToArray())).ToList();
        using var data = ImageRestorer.FromImages("pictures", pictures, layout);
        Assert.Equal(sampleShape.Select(d => (long)d), data.SampleShape);
        // Pixel (row 1, column 2), channel c of picture 1 sits where the layout says.
        int c = channels - 1;
        float expected = pictures[1].Values[(1 * layout.Width + 2) * channels + c];
        using var sample = data.Batch(1, 1)[0];
        float held = sampleShape.Length switch
        {
            1 => sample[1 * layout.Width + 2].item<float>(),
            2 => sample[1, 2].item<float>(),
            _ when sampleShape[2] == 3 => sample[1, 2, c].item<float>(),
            _ => sample[c, 1, 2].item<float>(),
        };
        Assert.Equal(expected, held);
        var back = ImageRestorer.ToImages(data, layout);
        for (int n = 0; n < 2; n++) Assert.Equal(pictures[n].Values, back[n].Values);
    }

    [Fact]
    public void Restored_images_keep_the_shape_and_are_clipped_to_0_1()
    {
        // A linear output can leave [0, 1]; the restored images are clipped as a saved image would be.
        using var model = ModelFactory.Create(new ModelSpec { Bottleneck = 4, OutputActivation = "linear" }.WithInputShape([8, 8]));
        using (no_grad())
            foreach (var p in model.parameters()) p.mul_(20);
        using var inputs = Images(7, [8, 8], 4, "inputs");
        using var restored = ImageRestorer.Restore(model, inputs, batchSize: 3);
        Assert.Equal([7L, 8, 8], [restored.Count, .. restored.SampleShape]);
        var values = restored.Batch(0, 7).data<float>().ToArray();
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(values, v => v == 0f);
        Assert.Contains(values, v => v == 1f);
        // The reference is the same model in float64 on the whole batch. The float32 batches of 3 differ from it by
        // rounding, which grows with the size of what is summed: the weights ×20 make outputs of several hundred, so
        // the tolerance is 1e-5 of the largest unclipped output (float32 rounding is 6e-8 relative).
        model.eval();
        model.to(ScalarType.Float64);
        using var unclipped = model.Reconstruct(inputs.Batch(0, 7).to_type(ScalarType.Float64)).reshape(7, 8, 8);
        double tolerance = 1e-5 * unclipped.abs().max().item<double>();
        var expected = unclipped.clamp(0, 1).data<double>().ToArray();
        Assert.All(expected.Zip(values), p => Assert.True(Math.Abs(p.First - p.Second) <= tolerance, $"{p.Second} against {p.First} (tolerance {tolerance:g3})"));
    }
}
