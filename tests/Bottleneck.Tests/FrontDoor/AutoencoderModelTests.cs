using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.FrontDoor;

/// <summary>The front door on plain float rows: fit, encode, decode, errors, save and load, bad input, no side effects.</summary>
public class AutoencoderModelTests
{
    // 400 rows of 64 values in [0, 1] that lie near a 4-dimensional subspace: an autoencoder can learn them.
    static float[][] LowRankRows(int count = 400, int seed = 3)
    {
        var random = new Random(seed);
        var basis = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 64).Select(_ => random.NextDouble()).ToArray()).ToArray();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var w = Enumerable.Range(0, 4).Select(_ => random.NextDouble()).ToArray();
            return Enumerable.Range(0, 64).Select(j => (float)(Enumerable.Range(0, 4).Sum(k => w[k] * basis[k][j]) / 4)).ToArray();
        }).ToArray();
    }

    static readonly FitOptions Quick = new() { Epochs = 15, BatchSize = 32, LearningRate = 3e-3 };

    [Fact]
    public void Defaults_are_the_command_lines()
    {
        var options = new FitOptions();
        Assert.Equal((50, 256, 1e-3, 10, 0.1, 42L, 1), (options.Epochs, options.BatchSize, options.LearningRate, options.Patience, options.ValidationSplit, options.Seed, options.Threads));
        Assert.Equal(95, new AnomalyOptions().Percentile);
    }

    [Fact]
    public void Every_listed_preset_creates_a_model_for_a_28_by_28_image()
    {
        var presets = AutoencoderModel.Presets;
        Assert.Subset(presets.Keys.ToHashSet(), new HashSet<string> { "basic", "deep", "vae", "conv", "vq-vae" });
        Assert.StartsWith("§10.1", presets["basic"]);
        Assert.Equal(presets["basic"], presets["BASIC"]);   // names are matched as Create matches them, ignoring case
        foreach (var name in presets.Keys.Where(n => n != "conv-color"))
        {
            using var model = AutoencoderModel.Create(name, [1, 28, 28]);
            Assert.True(model.InputSize == 784 && model.CodeSize > 0, $"{name}: {model.InputSize} inputs, {model.CodeSize} code values");
        }
        // The one preset with a shape of its own refuses another rather than ignoring it.
        var e = Assert.Throws<BadInputException>(() => AutoencoderModel.Create("conv-color", [1, 28, 28]));
        Assert.Equal("sampleShape: conv-color takes samples of 32×32×3 = 3072 values, got [1, 28, 28]", e.Message);
    }

    [Fact]
    public void Conv_color_takes_channels_first_rows_as_an_image_folder_gives_them()
    {
        // The same weights (same seed, same layers) fed the same image in the two layouts give the same code: the model
        // reads [3, 32, 32] rows as channels first and [32, 32, 3] rows as channels last.
        using var channelsFirst = AutoencoderModel.Create("conv-color", [3, 32, 32], seed: 5);
        using var channelsLast = AutoencoderModel.Create("conv-color", [32, 32, 3], seed: 5);
        var random = new Random(3);
        var chw = Enumerable.Range(0, 3 * 32 * 32).Select(_ => (float)random.NextDouble()).ToArray();
        var hwc = new float[chw.Length];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    hwc[(y * 32 + x) * 3 + c] = chw[(c * 32 + y) * 32 + x];
        var a = channelsFirst.Encode([chw])[0];
        var b = channelsLast.Encode([hwc])[0];
        Assert.Equal(64, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 * (1 + Math.Abs(b[i])), $"code[{i}]: {a[i]} vs {b[i]}");
        // Another image size is still refused.
        Assert.Throws<BadInputException>(() => AutoencoderModel.Create("conv-color", [3, 28, 28]));
    }

    [Fact]
    public void Fit_lowers_the_loss_and_reports_each_epoch()
    {
        using var model = AutoencoderModel.Create("basic", [64]);
        Assert.Equal((64, 32), (model.InputSize, model.CodeSize));
        var reports = new List<FitProgress>();
        var report = model.Fit(LowRankRows(), Quick, new SynchronousProgress<FitProgress>(reports.Add));
        Assert.Equal(report.EpochsRun, reports.Count);
        Assert.True(reports[^1].Loss < reports[0].Loss, $"loss {reports[0].Loss} → {reports[^1].Loss}");
        Assert.NotNull(report.BestValidationLoss);
    }

    [Fact]
    public void Errors_are_each_rows_mean_squared_reconstruction_error()
    {
        using var model = AutoencoderModel.Create("basic", [64]);
        var rows = LowRankRows();
        model.Fit(rows, Quick);
        var sample = rows.Take(20).ToArray();
        var codes = model.Encode(sample);
        Assert.All(codes, c => Assert.Equal(32, c.Length));
        var reconstructed = model.Reconstruct(sample);
        var errors = model.Errors(sample);
        for (int i = 0; i < sample.Length; i++)
        {
            // by hand, in double: mean over the row of (x − x̂)²
            double expected = sample[i].Zip(reconstructed[i], (x, r) => (double)(x - r) * (x - r)).Average();
            Assert.Equal(expected, errors[i], 5);
        }
        Assert.Equal(reconstructed.SelectMany(r => r), model.Decode(codes).SelectMany(r => r));
    }

    [Fact]
    public void A_saved_model_loads_with_the_same_codes_and_the_command_line_reads_it()
    {
        using var folder = new TempFolder();
        var rows = LowRankRows();
        using var model = AutoencoderModel.Create("basic", [64]);
        model.Fit(rows, Quick);
        model.Save(folder["m"]);
        using var loaded = AutoencoderModel.Load(folder["m"]);
        Assert.Equal(model.Encode(rows).SelectMany(r => r), loaded.Encode(rows).SelectMany(r => r));
        var info = Cli.CliRunner.Run(folder.Path, "info", "--model", "m", "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
    }

    [Fact]
    public void InputNoise_trains_a_denoiser_that_cleans_noisy_rows_better_than_a_plain_fit()
    {
        var rows = LowRankRows(800);
        var random = new Random(11);
        var clean = LowRankRows(900, seed: 3)[800..];   // rows of the same subspace, not trained on
        // clip(x + 0.2·ε, 0, 1), drawn here with Box–Muller, independently of the library's noise.
        var noisy = clean.Select(r => r.Select(v => Math.Clamp(v + 0.2f * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) *
            Math.Cos(2 * Math.PI * random.NextDouble())), 0f, 1f)).ToArray()).ToArray();
        double ErrorAgainstClean(double sigma)
        {
            using var model = AutoencoderModel.Create("basic", [64]);
            model.Fit(rows, Quick with { Epochs = 30, InputNoise = sigma, Patience = null });
            var cleaned = model.Reconstruct(noisy);
            return cleaned.Zip(clean, (a, b) => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average()).Average();
        }
        double plain = ErrorAgainstClean(0), denoiser = ErrorAgainstClean(0.2);
        double noise = noisy.Zip(clean, (a, b) => a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average()).Average();
        // A plain fit with a 32-value code of 64-value rows learns to pass much of the noise through; the denoiser
        // learns the 4-dimensional subspace the clean rows lie on.
        Assert.True(denoiser < 0.5 * noise, $"denoiser {denoiser:F5}, noise {noise:F5}");
        Assert.True(denoiser < 0.8 * plain, $"denoiser {denoiser:F5}, plain fit {plain:F5}");
    }

    [Fact]
    public void InputNoise_is_refused_for_rows_outside_0_1_and_when_negative()
    {
        using var model = AutoencoderModel.Create("basic", [64]);
        Assert.StartsWith("options.InputNoise: expected a finite σ ≥ 0", Assert.Throws<BadInputException>(() => model.Fit(LowRankRows(), Quick with { InputNoise = -1 })).Message);
        var spec = Path.Combine(Path.GetTempPath(), $"linear-{Guid.NewGuid():N}.json");
        File.WriteAllText(spec, """{"name": "linear-out", "encoder": [16], "bottleneck": 4, "output_activation": "linear"}""");
        try
        {
            using var linear = AutoencoderModel.Create(spec, [64]);
            var wide = LowRankRows(50).Select(r => r.Select(v => v * 3 - 1).ToArray()).ToArray();
            Assert.StartsWith("options.InputNoise: the rows span", Assert.Throws<BadInputException>(() => linear.Fit(wide, Quick with { InputNoise = 0.1 })).Message);
        }
        finally { File.Delete(spec); }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(2000)]   // a batch of 1,024 and one of 976
    public void Codes_of_a_loaded_folder_with_a_scaler_equal_a_float64_reference(int count)
    {
        // The tabular detector folder: a standard scaler, then a dense encoder 16 → 32 → 16 → 3.
        var folder = Tests.Applications.BatchScorerTests.Fixture("tabular-detector");
        var rows = Tests.Applications.BatchScorerTests.TestRows("tabular-detector")[..count];
        var given = rows.Select(r => r.ToArray()).ToArray();
        using var model = AutoencoderModel.Load(folder);
        var codes = model.Encode(rows);
        // h = f((x − offset) / scale) with the folder's weights in float64, the scaling in double by hand.
        var settings = Bottleneck.Applications.Anomaly.AnomalySettings.FromManifest(Bottleneck.Persistence.ModelFolder.ReadManifest(folder), folder).Scaler!;
        using var model64 = Bottleneck.Persistence.ModelFolder.Load(folder);
        model64.to(ScalarType.Float64).eval();
        var scaled = rows.SelectMany(r => r.Select((v, j) => ((double)v - settings.Offset[j]) / settings.Scale[j])).ToArray();
        double[] expected;
        using (no_grad())
        using (var scope = NewDisposeScope())
            expected = model64.Encode(tensor(scaled, [count, 16])).reshape(-1).data<double>().ToArray();
        Assert.Equal(count, codes.Length);
        var flat = codes.SelectMany(c => c).ToArray();
        Assert.Equal(expected.Length, flat.Length);
        for (int i = 0; i < flat.Length; i++)
            Assert.True(Math.Abs(flat[i] - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"code value {i}: {flat[i]:R} against float64 {expected[i]:R}");
        // Again: the reused input tensor carries nothing over; the rows given are left as they were.
        Assert.Equal(flat, model.Encode(rows).SelectMany(c => c));
        Assert.Equal(given.SelectMany(r => r), rows.SelectMany(r => r));
    }

    [Fact]
    public void Rows_outside_the_training_range_are_refused_as_the_command_line_refuses_them()
    {
        var folder = Tests.Applications.BatchScorerTests.Fixture("tabular-detector");
        var rows = Tests.Applications.BatchScorerTests.TestRows("tabular-detector")[..1500];
        rows[1200] = rows[1200].Select(v => v * 1e4f).ToArray();   // in the second batch
        using var model = AutoencoderModel.Load(folder);
        var message = Assert.Throws<BadInputException>(() => model.Encode(rows)).Message;
        // The same message as the folder's own check of the same rows as a dataset (what `bottleneck encode` runs).
        using var trained = Bottleneck.Persistence.TrainedModel.Load(folder);
        using var data = Bottleneck.Data.DatasetFactory.FromArray("rows", Bottleneck.Data.NumericArray.FromFloats([1500, 16], rows.SelectMany(r => r).ToArray()));
        Assert.Equal(Assert.Throws<BadInputException>(() => trained.Prepare(data)).Message, message);
        Assert.StartsWith("rows: values span [", message);
    }

    [Fact]
    public void Bad_rows_are_refused_with_the_argument_named()
    {
        using var model = AutoencoderModel.Create("basic", [64]);
        var rows = LowRankRows(10);
        rows[3] = [1, 2, 3];
        Assert.Equal("rows[3]: expected 64 values, got 3", Assert.Throws<BadInputException>(() => model.Encode(rows)).Message);
        rows = LowRankRows(10);
        rows[2][5] = float.NaN;
        Assert.Equal("rows[2][5]: expected a finite number, got NaN", Assert.Throws<BadInputException>(() => model.Encode(rows)).Message);
        Assert.StartsWith("rows: expected at least one row", Assert.Throws<BadInputException>(() => model.Encode([])).Message);
        var wide = LowRankRows(50).Select(r => r.Select(v => v * 255).ToArray()).ToArray();
        Assert.Contains("sigmoid output", Assert.Throws<BadInputException>(() => model.Fit(wide, Quick)).Message);
        Assert.StartsWith("options.Threads", Assert.Throws<BadInputException>(() => model.Fit(LowRankRows(), Quick with { Threads = 9999 })).Message);
    }

    [Fact]
    public void Fitting_leaves_the_thread_count_and_torchs_global_generator_as_they_were()
    {
        int threads = get_num_threads();
        random.manual_seed(7);
        var expected = rand(5);
        random.manual_seed(7);
        using (var model = AutoencoderModel.Create("basic", [64], seed: 1))
            model.Fit(LowRankRows(), Quick with { Epochs = 2 });
        Assert.True(rand(5).eq(expected).all().item<bool>(), "the front door changed torch's global generator");
        Assert.Equal(threads, get_num_threads());
    }

    [Fact]
    public void Concurrent_calls_on_one_model_give_the_same_numbers_as_one_caller()
    {
        using var model = AutoencoderModel.Create("basic", [64]);
        var rows = LowRankRows(200);
        var expected = model.Errors(rows);
        var results = new float[8][];
        Parallel.For(0, results.Length, i => results[i] = model.Errors(rows));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, which would race the assertions).</summary>
    sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
