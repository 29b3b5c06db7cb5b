using System.Diagnostics;
using System.Text.RegularExpressions;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.FrontDoor;

/// <summary>
/// The programs in examples/ (built with the solution, in this test run's configuration) run on the repository's
/// data and print what their comments promise.
/// </summary>
public class ExamplesTests
{
    static (int ExitCode, string Output) Run(string example, params string[] args)
    {
        // tests/Bottleneck.Tests/bin/<configuration>/net10.0/linux-x64/ → examples/<name>/bin/<configuration>/net10.0/linux-x64/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var relative = Path.GetRelativePath(Path.Combine(TestData.RepositoryRoot, "tests", "Bottleneck.Tests"), output.FullName);
        var dll = Path.Combine(TestData.RepositoryRoot, "examples", example, relative, example + ".dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        // Paths in the repository are given relative to its root; anything else (a preset's name) as it is.
        foreach (var a in args)
            start.ArgumentList.Add(Path.Exists(Path.Combine(TestData.RepositoryRoot, a)) ? Path.Combine(TestData.RepositoryRoot, a) : a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"{example} did not finish in 3 minutes");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void AnomalyRows_flags_most_of_the_test_anomalies()
    {
        var (code, output) = Run("AnomalyRows", "docs/anomaly/tabular-normal.csv", "docs/anomaly/tabular-test.csv", "docs/anomaly/tabular-spec.json");
        Assert.True(code == 0, output);
        var m = Regex.Match(output, @"flagged (\d+) of 2000 rows: (\d+) of 200 anomalies");
        Assert.True(m.Success, output);
        // 200 anomalies among 2,000 rows; a 95th-percentile threshold flags about 5 % of the normal rows besides.
        Assert.InRange(int.Parse(m.Groups[2].Value), 120, 200);
        Assert.InRange(int.Parse(m.Groups[1].Value) - int.Parse(m.Groups[2].Value), 20, 250);
    }

    [Fact]
    public void NearestRows_finds_rows_whose_codes_are_close()
    {
        var (code, output) = Run("NearestRows", "docs/anomaly/tabular-normal.csv", "docs/anomaly/tabular-spec.json");
        Assert.True(code == 0, output);
        Assert.Equal(3, Regex.Matches(output, @"row \d: nearest rows \d+, \d+, \d+").Count);
        Assert.Contains("codes of 3 values", output);
    }

    [Fact]
    public void DenoiseImages_writes_images_closer_to_the_clean_ones_than_the_noisy_inputs()
    {
        using var folder = new TempFolder();
        string clean = Path.Combine(folder.Path, "clean"), noisy = Path.Combine(folder.Path, "noisy"), output = Path.Combine(folder.Path, "out");
        Directory.CreateDirectory(clean);
        Directory.CreateDirectory(noisy);
        using var mnist = DataSource.Load("mnist");
        // 1,000 training digits to learn from; 20 test digits with σ = 0.3 Gaussian noise (clipped) to clean up.
        for (int i = 0; i < 1000; i++) WriteDigit(Path.Combine(clean, $"{i:D4}.png"), mnist.Train, i, null);
        var random = new Random(5);
        var truth = new float[20][];
        for (int i = 0; i < truth.Length; i++)
            truth[i] = WriteDigit(Path.Combine(noisy, $"digit-{i:D2}.png"), mnist.Test!, i, random);

        var (code, text) = Run("DenoiseImages", clean, noisy, output);   // the default model, conv-denoise
        Assert.True(code == 0, text);
        Assert.Contains("wrote 20 denoised images", text);
        // The error of each image against its clean digit, computed here from the PNG files' pixels.
        double noisyMse = 0, denoisedMse = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            noisyMse += Mse(ImageFile.Read(Path.Combine(noisy, $"digit-{i:D2}.png"), 1).Values, truth[i]) / truth.Length;
            denoisedMse += Mse(ImageFile.Read(Path.Combine(output, $"digit-{i:D2}.png"), 1).Values, truth[i]) / truth.Length;
        }
        // σ = 0.3 noise costs about 0.05 per pixel; conv-denoise trained on 900 digits for 30 epochs cut it to 0.008.
        Assert.InRange(noisyMse, 0.03, 0.08);
        Assert.True(denoisedMse < 0.35 * noisyMse, $"denoised MSE {denoisedMse:F4} against noisy {noisyMse:F4}");
    }

    // Writes sample i of data as a grey PNG, with clipped Gaussian noise of σ = 0.3 when random is given; returns the
    // clean pixels as the PNG stores them (8-bit levels).
    static float[] WriteDigit(string path, Dataset data, int i, Random? random)
    {
        using var sample = data.Batch(i, 1);
        var pixels = sample.data<float>().ToArray();   // Batch gives floats in [0, 1]
        var stored = pixels.Select(v => MathF.Round(v * 255f) / 255f).ToArray();
        var written = random is null ? stored : stored.Select(v => Math.Clamp(v + 0.3f * Normal(random), 0f, 1f)).ToArray();
        ImageFile.WritePng(path, new ImagePixels(28, 28, 1, written));
        return stored;
    }

    // Box–Muller: one standard normal draw.
    static float Normal(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    static double Mse(float[] a, float[] b) => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average();

    [Fact]
    public void An_example_given_the_wrong_arguments_prints_its_usage_and_exits_2()
    {
        var (code, output) = Run("AnomalyRows");
        Assert.Equal(2, code);
        Assert.StartsWith("usage: AnomalyRows", output);
    }
}
