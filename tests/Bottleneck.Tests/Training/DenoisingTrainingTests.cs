using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using Bottleneck.Reporting;
using Bottleneck.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Training;

/// <summary>Denoising runs (§3.5): what the trainer feeds the model, fresh or fixed noise, and what a run reports.</summary>
public class DenoisingTrainingTests
{
    static readonly ModelSpec Small = new() { Name = "small", InputShape = [16], Encoder = [8], Bottleneck = 4 };

    /// <summary>A dense autoencoder that remembers every training input it is given.</summary>
    sealed class Recording : Autoencoder
    {
        readonly DenseAutoencoder inner;

        public Recording(ModelSpec spec) : base("Recording", spec)
        {
            inner = new DenseAutoencoder(spec);
            RegisterComponents();
        }

        public List<float[]> TrainingInputs { get; } = [];

        public override long[] InputShape => inner.InputShape;
        public override long[] CodeShape => inner.CodeShape;
        public override OutputFunction Output => inner.Output;
        public override Tensor Encode(Tensor input) => inner.Encode(input);
        public override Tensor DecodePreActivation(Tensor code) => inner.DecodePreActivation(code);
        public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers() => inner.Layers();

        public override LossTerms Loss(Tensor input, Tensor target, ReconstructionLoss loss)
        {
            if (training) TrainingInputs.Add(input.contiguous().reshape(-1).data<float>().ToArray());
            return base.Loss(input, target, loss);
        }
    }

    static List<float[]> InputsSeen(Dataset train, TrainingOptions options)
    {
        random.manual_seed(options.Seed);
        using var model = new Recording(Small);
        new Trainer().Fit(model, train, null, options);
        return model.TrainingInputs;
    }

    // One batch per epoch, in order, so the k-th recorded input is epoch k's whole training set.
    static TrainingOptions Options(Corruption noise) => new()
    {
        Epochs = 2, BatchSize = 32, Shuffle = false, LearningRate = 1e-4, Noise = noise, Corrupt = clean => noise.Apply(clean),
    };

    [Fact]
    public void Fresh_noise_is_drawn_anew_every_epoch_and_repeats_with_the_seed()
    {
        using var data = TestData.LowRank(count: 32, size: 16);
        var noise = new GaussianCorruption(0.2);
        var seen = InputsSeen(data, Options(noise));
        Assert.Equal(2, seen.Count);
        Assert.NotEqual(seen[0], seen[1]);
        Assert.NotEqual(data.Batch(0, 32).reshape(-1).data<float>().ToArray(), seen[0]);
        var again = InputsSeen(data, Options(noise));
        Assert.Equal(seen[0], again[0]);
        Assert.Equal(seen[1], again[1]);
    }

    [Fact]
    public void Fixed_noise_feeds_one_corrupted_copy_in_every_epoch()
    {
        using var data = TestData.LowRank(count: 32, size: 16);
        var noise = new GaussianCorruption(0.2);
        using var pairs = new NoisyPairs(noise, fixedNoise: true, seed: 42, data, null, null);
        var seen = InputsSeen(pairs.Train, Options(noise) with { FixedNoise = true });
        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(pairs.Train.Inputs!.Batch(0, 32).reshape(-1).data<float>().ToArray(), seen[0]);
    }

    [Fact]
    public void Jpeg_needs_no_fresh_copies_so_training_data_is_paired_once()
    {
        using var data = TestData.LowRank(count: 8, size: 64);
        using var pairs = new NoisyPairs(new JpegCorruption(10), fixedNoise: false, seed: 1, data, data, data);
        Assert.NotNull(pairs.Train.Inputs);
        using var fresh = new NoisyPairs(new MaskingCorruption(0.3), fixedNoise: false, seed: 1, data, data, data);
        Assert.Null(fresh.Train.Inputs);   // corrupted batch by batch instead
        Assert.NotNull(fresh.Validation!.Inputs);
        Assert.NotNull(fresh.Test!.Inputs);
    }

    [Fact]
    public void A_recipe_turns_noise_into_fresh_corruption_and_refuses_fixed_noise_alone()
    {
        var recipe = new TrainingRecipe { Data = "mnist", Spec = Small, OutputDirectory = "out", Noise = "mask:0.3" };
        var options = recipe.ToOptions();
        Assert.Equal("mask:0.3", options.Noise!.Name);
        Assert.NotNull(options.Corrupt);
        Assert.Null(new TrainingRecipe { Data = "mnist", Spec = Small, OutputDirectory = "out" }.ToOptions().Corrupt);
        var e = Assert.Throws<OptionException>(() => (recipe with { Noise = null, FixedNoise = true }).ToOptions());
        Assert.StartsWith("fixed_noise: ", e.Message);
    }

    [Fact]
    public void A_denoising_run_reports_noisy_and_denoised_mse_on_the_seeded_noisy_test_copy()
    {
        using var folder = new TempFolder();
        using var all = TestData.LowRank(count: 300, size: 64);   // 8×8 images
        using var train = all.Slice(0, 200);
        using var test = all.Slice(200, 100);
        var noise = new GaussianCorruption(0.3);
        var result = SessionRuns.Into(folder.Path, new TrainingSession
        {
            Spec = new ModelSpec { Name = "small-dae", Encoder = [32], Bottleneck = 8 },
            Train = train, Test = test, DataName = "low-rank",
            Options = new TrainingOptions { Epochs = 3, BatchSize = 50, Seed = 7, Noise = noise, Corrupt = clean => noise.Apply(clean) },
        }, checkpoint: false);
        using var _ = result.Model;
        var metrics = JsonNode.Parse(File.ReadAllText(folder["metrics.json"]))!;
        var denoising = metrics["denoising"]!.AsObject();

        using var scope = NewDisposeScope();
        using var noisyTest = noise.CorruptedCopy(test, NoisyPairs.TestSeed(7));
        double mseNoisy = (noisyTest.Batch(0, 100) - test.Batch(0, 100)).square().mean().to_type(ScalarType.Float64).item<double>();
        Assert.Equal(mseNoisy, (double)denoising["mse_noisy"]!, 6);
        // The test figures are measured the same way: noisy input, clean target.
        Assert.Equal((double)metrics["test"]!["mse"]!, (double)denoising["mse_denoised"]!, 6);
        double improvement = 100 * (mseNoisy - (double)denoising["mse_denoised"]!) / mseNoisy;
        Assert.Equal(improvement, (double)denoising["improvement_percent"]!, tolerance: 1e-4);
        Assert.Equal("gaussian:0.3", (string)denoising["corruption"]!);
        Assert.False((bool)denoising["fixed_noise"]!);
        Assert.True(File.Exists(folder["denoising.png"]));
        var manifest = JsonNode.Parse(File.ReadAllText(folder["model.json"]))!;
        Assert.Equal("gaussian:0.3", (string)manifest["training"]!["noise"]!);
    }
}
