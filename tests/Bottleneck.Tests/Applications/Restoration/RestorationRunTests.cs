using System.Text.Json.Nodes;
using Bottleneck.Evaluation;
using Bottleneck.Applications.Restoration;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Tests.Evaluation;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>
/// A restoration as the library runs it: corrupt, restore, measure (against float64 sums and the SSIM oracle), the
/// stages it reports, the checks it makes before any, and metrics.json with the keys and layout of earlier versions.
/// </summary>
public class RestorationRunTests
{
    static Dataset Images(int count, int side, ulong seed)
    {
        using var generator = new Generator(seed);
        var storage = rand([count, side, side], generator: generator).DetachFromDisposeScope();
        return new Dataset("tiles", storage, Enumerable.Range(0, count).Select(i => i % 2).ToArray());
    }

    static Autoencoder Model(int side) =>
        ModelFactory.Create(new ModelSpec { Name = "tiny", InputShape = [side, side], Encoder = [12], Bottleneck = 4 });

    static double Mse(float[] a, float[] b) => a.Zip(b, (x, y) => ((double)x - y) * ((double)x - y)).Average();

    sealed class Stages : IProgress<StageProgress>
    {
        public List<StageProgress> Reports { get; } = [];
        public void Report(StageProgress value) => Reports.Add(value);
        public string[] Names => Reports.Select(r => r.Stage).Distinct().ToArray();
    }

    [Fact]
    public void With_a_corruption_the_figures_are_those_of_the_clean_corrupted_and_restored_images()
    {
        const int n = 7, side = 12;
        using var clean = Images(n, side, 3);
        using var model = Model(side);
        var layout = RestorationImages.LayoutOf(model);
        var stages = new Stages();
        using var result = RestorationRun.Run(model, clean, layout, new GaussianCorruption(0.3), 11, stages);

        // The corrupted copy is the one the corruption makes with the seed, and the restored images are in [0, 1].
        using var expected = new GaussianCorruption(0.3).CorruptedCopy(clean, 11);
        var x = clean.Batch(0, n).data<float>().ToArray();
        var noisy = result.Input.Batch(0, n).data<float>().ToArray();
        var restored = result.Restored.Batch(0, n).data<float>().ToArray();
        Assert.Equal(expected.Batch(0, n).data<float>().ToArray(), noisy);
        Assert.All(restored, v => Assert.InRange(v, 0f, 1f));
        Assert.Same(clean, result.Clean);

        var report = result.Report;
        Assert.Equal(Mse(x, noisy), report.Before!.Mse, 12);
        Assert.Equal(Mse(x, restored), report.After!.Mse, 12);
        Assert.Equal(Mse(noisy, restored), report.Change.Mse, 12);
        double Ssim(float[] a, float[] b) => Enumerable.Range(0, n).Average(i => SsimOracle.Image(SsimOracle.Slice(a, i, 1, side, side), SsimOracle.Slice(b, i, 1, side, side)));
        Assert.Equal(Ssim(x, noisy), report.Before.Ssim, 6);
        Assert.Equal(Ssim(x, restored), report.After.Ssim, 6);
        Assert.Equal(10 * Math.Log10(1 / Mse(x, restored)) - 10 * Math.Log10(1 / Mse(x, noisy)), report.GainDb!.Value, 9);

        // Three stages, each counted in images, ending at its total.
        Assert.Equal([RestorationRun.CorruptingStage, ImageRestorer.RestoringStage, RestorationReport.MeasuringStage], stages.Names);
        foreach (var name in stages.Names)
        {
            var reports = stages.Reports.Where(r => r.Stage == name).ToArray();
            Assert.All(reports, r => Assert.Equal(n, r.Total));
            Assert.Equal(n, reports[^1].Done);
            Assert.True(reports.Zip(reports.Skip(1), (a, b) => a.Done <= b.Done).All(up => up), $"{name} went backwards");
        }
    }

    [Fact]
    public void Without_a_corruption_only_the_change_is_measured()
    {
        using var degraded = Images(3, 12, 5);
        using var model = Model(12);
        using var result = RestorationRun.Run(model, degraded, RestorationImages.LayoutOf(model), null, 0);
        Assert.Null(result.Clean);
        Assert.Same(degraded, result.Input);
        Assert.False(result.Report.HasCleanReference);
        Assert.Equal(Mse(degraded.Batch(0, 3).data<float>().ToArray(), result.Restored.Batch(0, 3).data<float>().ToArray()), result.Report.Change.Mse, 12);
    }

    [Fact]
    public void Data_outside_zero_to_one_and_data_of_another_size_are_refused_before_any_stage()
    {
        using var model = Model(8);
        var layout = RestorationImages.LayoutOf(model);
        var stages = new Stages();
        using var bright = new Dataset("bright", (ones(2, 8, 8) * 255).DetachFromDisposeScope());
        var error = Assert.Throws<BadInputException>(() => RestorationRun.Run(model, bright, layout, null, 0, stages));
        Assert.Equal("bright spans [255, 255], but restoration measures images scaled to [0, 1]", error.Message);
        using var wide = Images(2, 9, 1);
        Assert.Throws<BadInputException>(() => RestorationRun.Run(model, wide, layout, null, 0, stages));
        Assert.Empty(stages.Reports);
    }

    [Theory]
    [InlineData(new[] { 784 }, 28, 28, 1)]
    [InlineData(new[] { 32, 32, 3 }, 32, 32, 3)]
    [InlineData(new[] { 1, 16, 20 }, 20, 16, 1)]
    [InlineData(new[] { 12, 16 }, 16, 12, 1)]
    public void A_models_samples_are_read_as_grey_or_colour_images(int[] shape, int width, int height, int channels)
    {
        // A dense model keeps its input flat ([784] is a square); a convolutional one keeps the image's axes.
        using var model = shape.Length == 1
            ? ModelFactory.Create(new ModelSpec { InputShape = shape, Encoder = [], Bottleneck = 2 })
            : ModelFactory.Create(Presets.Get(shape is [_, _, 3] ? "conv-color" : "conv-denoise").WithInputShape(shape.Select(d => (long)d).ToArray()));
        var layout = RestorationImages.LayoutOf(model);
        Assert.Equal((width, height, channels), (layout.Width, layout.Height, layout.Channels));
    }

    [Fact]
    public void A_model_of_rows_that_are_not_images_is_refused()
    {
        using var model = ModelFactory.Create(new ModelSpec { Name = "rows", InputShape = [5], Encoder = [], Bottleneck = 2 });
        var error = Assert.Throws<OptionException>(() => RestorationImages.LayoutOf(model));
        Assert.Equal("model: 'rows' takes samples of shape [5], which are not grey or colour images", error.Message);
    }

    [Fact]
    public void An_image_file_of_the_wrong_size_names_the_file_and_both_sizes()
    {
        using var folder = new TempFolder();
        ImageFile.WritePng(folder["large.png"], new ImagePixels(32, 30, 1, new float[32 * 30]));
        ImageFile.WritePng(folder["right.png"], new ImagePixels(28, 28, 1, Enumerable.Range(0, 784).Select(i => i / 784f).ToArray()));
        var layout = new ImageLayout([28, 28], "test");
        var error = Assert.Throws<BadInputException>(() => RestorationImages.Read([folder["right.png"], folder["large.png"]], layout, "basic"));
        Assert.Equal($"{folder["large.png"]}: the image is 32×30 pixels, but the model 'basic' takes 28×28 grey images", error.Message);
        using var read = RestorationImages.Read([folder["right.png"]], layout, "basic");
        // PNG holds 8 bits: each value is the nearest of 0, 1/255, ..., 1.
        var expected = Enumerable.Range(0, 784).Select(i => MathF.Round(i / 784f * 255) / 255).ToArray();
        Assert.Equal(expected, read.Batch(0, 1).data<float>().ToArray(), new Tolerance(1e-6f));
    }

    sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
