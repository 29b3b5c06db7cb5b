using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Tests.Evaluation;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// `bottleneck denoise` as a user runs it, with a small dense denoiser trained once for the class: on a dataset with
/// --noise, on image files with and without clean references, and every bad input as one line and exit code 2.
/// </summary>
public class RestorationCliTests : IClassFixture<RestorationCliTests.TrainedDenoiser>
{
    public sealed class TrainedDenoiser : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public CliRunner.Result Train { get; }

        public TrainedDenoiser()
        {
            // 2,000 digits, batches of 32, 3 epochs: a few seconds, and enough to beat σ = 0.5 noise by about 3 dB.
            Train = CliRunner.Run(Folder.Path, "train", "--data", "mnist", "--model", "basic", "--noise", "gaussian:0.5", "--limit", "2000",
                "--epochs", "3", "--batch-size", "32", "--seed", "3", "--no-checkpoint", "--out", "dae");
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly TempFolder folder;

    public RestorationCliTests(TrainedDenoiser trained)
    {
        Assert.True(trained.Train.ExitCode == 0, trained.Train.Stderr);
        folder = trained.Folder;
    }

    CliRunner.Result Run(params string[] args) => CliRunner.Run(folder.Path, args);

    JsonNode Succeeds(params string[] args)
    {
        var result = Run([.. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        return JsonNode.Parse(result.Stdout)!;
    }

    static Dataset MnistTest(int count)
    {
        using var loaded = DataSource.Load("mnist");
        using var test = loaded.Test!.Slice(0, count);
        return test.Select(Enumerable.Range(0, count).ToArray(), "mnist-test-copy");
    }

    static double Mse(float[] a, float[] b) => a.Zip(b, (x, y) => ((double)x - y) * ((double)x - y)).Average();

    static double MeanSsim(float[] a, float[] b, int count) => Enumerable.Range(0, count)
        .Average(n => SsimOracle.Image(SsimOracle.Slice(a, n, 1, 28, 28), SsimOracle.Slice(b, n, 1, 28, 28)));

    void WriteDigits(string subfolder, int count)
    {
        using var digits = MnistTest(count);
        Directory.CreateDirectory(folder[subfolder]);
        for (int i = 0; i < count; i++)
            ImageFile.WritePng(Path.Combine(folder[subfolder], $"digit{i}.png"), new ImagePixels(28, 28, 1, digits.Batch(i, 1).data<float>().ToArray()));
    }

    [Fact]
    public void On_a_dataset_with_noise_the_figures_match_a_direct_computation()
    {
        const int n = 40;
        var run = Run("denoise", "--model", "dae", "--data", "mnist", "--limit", $"{n}", "--noise", "gaussian:0.5", "--seed", "11", "--out", "ds", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        // stderr is redirected: one line per stage, each once, with its count; stdout holds only the JSON.
        Assert.Equal(["corrupting the clean images: 40…", "restoring the images: 40…", "measuring MSE, PSNR and SSIM: 40…"],
            run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var metrics = JsonNode.Parse(run.Stdout)!;
        Assert.Equal(metrics.ToJsonString(), JsonNode.Parse(File.ReadAllText(folder["ds/metrics.json"]))!.ToJsonString());
        Assert.True(File.Exists(folder["ds/restoration.png"]));
        Assert.Empty(folder.TemporaryFiles());
        var restoredArray = NpyFile.Read(folder["ds/restored.npy"]);
        Assert.Equal([n, 28, 28], restoredArray.Shape);
        var restored = restoredArray.Floats!;
        Assert.All(restored, v => Assert.InRange(v, 0f, 1f));

        // The same noisy copy, made here: the test split's first 40 digits, gaussian:0.5 drawn with the seed.
        using var clean = MnistTest(n);
        using var noisy = new GaussianCorruption(0.5).CorruptedCopy(clean, 11);
        var x = clean.Batch(0, n).data<float>().ToArray();
        var noisyValues = noisy.Batch(0, n).data<float>().ToArray();
        Assert.True((bool)metrics["clean_reference"]!);
        Assert.Equal("gaussian:0.5", (string)metrics["corruption"]!);
        Assert.Equal(n, (int)metrics["samples"]!);
        Assert.Equal(Mse(x, noisyValues), (double)metrics["before"]!["mse"]!, 9);
        Assert.Equal(Mse(x, restored), (double)metrics["after"]!["mse"]!, 9);
        Assert.Equal(Mse(noisyValues, restored), (double)metrics["change"]!["mse"]!, 9);
        Assert.Equal(MeanSsim(x, noisyValues, n), (double)metrics["before"]!["ssim"]!, 6);
        Assert.Equal(MeanSsim(x, restored, n), (double)metrics["after"]!["ssim"]!, 6);
        double before = (double)metrics["before"]!["psnr_db"]!, after = (double)metrics["after"]!["psnr_db"]!;
        Assert.Equal(10 * Math.Log10(1 / Mse(x, noisyValues)), before, 6);
        Assert.Equal(after - before, (double)metrics["gain_db"]!, 9);
        // A denoiser trained on σ = 0.5 noise: the restored digits are closer to the clean ones than the noisy input.
        Assert.True(after > before + 1, $"PSNR {before:F2} dB → {after:F2} dB");
    }

    [Fact]
    public void Image_files_without_noise_have_no_clean_reference_and_are_restored_one_png_each()
    {
        WriteDigits("scans", 3);
        var plain = Run("denoise", "--model", "dae", "--images", "scans", "--out", "scans-restored");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.Contains("There is no clean reference, so PSNR and SSIM against clean images", plain.Stdout);
        var metrics = Succeeds("denoise", "--model", "dae", "--images", "scans", "--out", "scans-restored");
        Assert.False((bool)metrics["clean_reference"]!);
        Assert.Null(metrics["before"]);
        Assert.Null(metrics["gain_db"]);
        var perImage = metrics["per_image"]!.AsArray();
        Assert.Equal(3, perImage.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.EndsWith($"digit{i}.png", (string)perImage[i]!["file"]!);
            var input = ImageFile.Read(folder[$"scans/digit{i}.png"], 1).Values;
            var output = ImageFile.Read(folder[$"scans-restored/digit{i}.png"], 1);
            Assert.Equal((28, 28), (output.Width, output.Height));
            // The PNG holds the restored image to 8 bits, so its MSE against the input is the reported one up to rounding.
            Assert.Equal((double)perImage[i]!["change"]!["mse"]!, Mse(input, output.Values), 3);
        }
        Assert.True(File.Exists(folder["scans-restored/restoration.png"]));
        Assert.False(File.Exists(folder["scans-restored/digit0.corrupted.png"]));
    }

    [Fact]
    public void A_colour_image_with_jpeg_noise_is_measured_against_its_grey_self()
    {
        Directory.CreateDirectory(folder["colour"]);
        using var digit = MnistTest(1);
        var grey = digit.Batch(0, 1).data<float>().ToArray();
        // A tinted digit: red = the digit, green = half of it, blue = 0; the model reads it as BT.601 luma.
        var bytes = new byte[28 * 28 * 4];
        for (int p = 0; p < 784; p++)
            (bytes[4 * p], bytes[4 * p + 1], bytes[4 * p + 2], bytes[4 * p + 3]) = ((byte)MathF.Round(grey[p] * 255), (byte)MathF.Round(grey[p] * 127), 0, 255);
        using (var image = SKImage.FromPixelCopy(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Opaque), bytes))
        using (var png = image.Encode(SKEncodedImageFormat.Png, 100))
            File.WriteAllBytes(folder["colour/tinted.png"], png.ToArray());

        var metrics = Succeeds("denoise", "--model", "dae", "--images", "colour/tinted.png", "--noise", "jpeg:10", "--out", "colour-out");
        Assert.True((bool)metrics["clean_reference"]!);
        Assert.Null(metrics["seed"]);   // JPEG has no randomness
        var luma = ImageFile.Read(folder["colour/tinted.png"], 1).Values;
        using var clean = TorchSharp.torch.tensor(luma, [1, 28, 28]);
        using var jpeg = new JpegCorruption(10).Apply(clean);
        Assert.Equal(Mse(luma, jpeg.data<float>().ToArray()), (double)metrics["before"]!["mse"]!, 9);
        Assert.True(File.Exists(folder["colour-out/tinted.png"]));
        var corrupted = ImageFile.Read(folder["colour-out/tinted.corrupted.png"], 1).Values;
        Assert.Equal(jpeg.data<float>().ToArray(), corrupted);
    }

    void Fails(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);

    [Fact]
    public void A_file_that_is_not_an_image_is_refused()
    {
        File.WriteAllText(folder["notes.png"], "plain text");
        Fails("notes.png: not an image SkiaSharp can read", "denoise", "--model", "dae", "--images", "notes.png", "--out", "out");
    }

    [Fact]
    public void Restoring_into_the_images_own_folder_would_overwrite_them_and_is_refused()
    {
        WriteDigits("originals", 1);
        var before = File.ReadAllBytes(folder["originals/digit0.png"]);
        var result = Run("denoise", "--model", "dae", "--images", "originals", "--out", "originals");
        CliRunner.AssertBadInput(result, "would overwrite an input file; choose another --out folder");
        Assert.Equal(before, File.ReadAllBytes(folder["originals/digit0.png"]));
        Assert.Equal(["digit0.png"], Directory.GetFiles(folder["originals"]).Select(f => Path.GetFileName(f)));
    }

    [Fact]
    public void Writing_metrics_into_the_model_folder_is_refused()
    {
        var before = File.ReadAllText(folder["dae/metrics.json"]);
        CliRunner.AssertBadInput(Run("denoise", "--model", "dae", "--data", "mnist", "--limit", "5", "--noise", "gaussian:0.1", "--out", "dae"),
            "would overwrite an input file");
        Assert.Equal(before, File.ReadAllText(folder["dae/metrics.json"]));
    }

    [Theory]
    [InlineData("mask:2", "--noise: mask needs q in [0, 1], got 2")]
    [InlineData("blur:3", "--noise: unknown noise kind 'blur'")]
    [InlineData("jpeg:0", "--noise: jpeg needs a quality from 1 to 100, got 0")]
    public void A_bad_noise_spec_is_refused(string noise, string expected) =>
        Fails(expected, "denoise", "--model", "dae", "--data", "mnist", "--noise", noise, "--out", "out");

    [Fact]
    public void A_missing_model_is_refused() =>
        Fails("no-such-model: model folder not found", "denoise", "--model", "no-such-model", "--data", "mnist", "--out", "out");

    [Fact]
    public void A_preset_has_no_weights_to_restore_with() =>
        Fails("--model: 'conv-denoise' has no trained weights", "denoise", "--model", "conv-denoise", "--data", "mnist", "--out", "out");

    [Fact]
    public void Data_and_images_together_or_neither_are_refused()
    {
        WriteDigits("one", 1);
        Fails("give either --data (a dataset) or --images (image files or folders), not both",
            "denoise", "--model", "dae", "--data", "mnist", "--images", "one", "--out", "out");
        Fails("give either --data (a dataset) or --images (image files or folders), not neither", "denoise", "--model", "dae", "--out", "out");
    }

    [Fact]
    public void Missing_images_and_a_bad_count_are_refused()
    {
        Fails("missing.png: no such image file or folder", "denoise", "--model", "dae", "--images", "missing.png", "--out", "out");
        Fails("--count: expected at least 1, got 0", "denoise", "--model", "dae", "--data", "mnist", "--count", "0", "--out", "out");
    }

    [Fact]
    public void A_model_of_other_data_is_refused()
    {
        // A model of 28×28 digits cannot restore 8×8 images: refused in one line, before any stage line.
        File.WriteAllText(folder["rows.csv"], "a,b,c,d,e\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i => $"{i % 2},{i % 3 / 2.0},0.5,{i % 5 / 4.0},1")) + "\n");
        Fails("takes [784] (784 values)", "denoise", "--model", "dae", "--data", "rows.csv", "--out", "out");
    }
}
