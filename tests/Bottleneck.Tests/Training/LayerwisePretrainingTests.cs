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

public class LayerwisePretrainingTests
{
    // 64-32-16-8-16-32-64: three pairs, 64-32-64, 32-16-32 and 16-8-16.
    static readonly ModelSpec Deep = new() { Name = "deep-small", InputShape = [64], Encoder = [32, 16], Bottleneck = 8 };
    static readonly TrainingOptions Options = new() { BatchSize = 32, LearningRate = 3e-3, Seed = 5 };

    static DenseAutoencoder Build(ModelSpec spec, int seed = 1)
    {
        random.manual_seed(seed);
        return (DenseAutoencoder)ModelFactory.Create(spec);
    }

    static Dictionary<string, Tensor> State(nn.Module module) =>
        module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static void AssertSameState(nn.Module expected, nn.Module actual, string what)
    {
        var e = expected.state_dict();
        var a = actual.state_dict();
        Assert.Equal(e.Keys.OrderBy(k => k), a.Keys.OrderBy(k => k));
        foreach (var (name, tensor) in e) Assert.True(Same(tensor, a[name]), $"{what}: {name} differs");
    }

    [Fact]
    public void After_stage_1_the_deep_models_first_layer_and_its_mirror_equal_the_shallow_models()
    {
        using var data = TestData.LowRank();
        using var model = Build(Deep);
        var firstEncoder = model.EncoderLayers.children().First();
        var outputLayer = model.DecoderLayers.children().Last();
        var initial = State(firstEncoder);

        var (stage, pair) = new LayerwisePretraining(epochsPerStage: 3).TrainStage(model, 0, data, null, Options);
        using (pair)
        {
            Assert.Equal("64-32-64", stage.Layers);
            Assert.Equal("bce", stage.Loss);
            Assert.Equal(3, stage.Training.EpochsRun);
            // The shallow model trained (its weights left their initial values) ...
            Assert.False(Same(initial["weight"], pair.EncoderLayers.children().First().state_dict()["weight"]));
            // ... and the deep model's encoder.0 and its output layer decoder.4 now hold exactly its weights.
            AssertSameState(pair.EncoderLayers.children().First(), firstEncoder, "encoder layer 1");
            AssertSameState(pair.DecoderLayers.children().Single(), outputLayer, "output layer");
            // The shallow model x → h1 → x̂ reconstructs through the same output function as the deep model.
            Assert.Equal(model.Output, pair.Output);
        }
    }

    [Fact]
    public void Frozen_layers_do_not_change_during_later_stages()
    {
        using var data = TestData.LowRank();
        var (fit, validation) = data.SplitLast(0.25);
        using (fit) using (validation)
        {
            // BatchNorm's running statistics and Dropout make "frozen" mean more than requires_grad = false.
            using var model = Build(Deep with { BatchNorm = true, Dropout = 0.1 });
            var pretraining = new LayerwisePretraining(epochsPerStage: 2);
            var encoderGroups = LayerPair.Groups(model.EncoderLayers);
            var decoderGroups = LayerPair.Groups(model.DecoderLayers);
            pretraining.TrainStage(model, 0, fit, validation, Options).Pair.Dispose();
            var afterStage1 = encoderGroups[0].Concat(decoderGroups[2]).Select(State).ToArray();

            var (stage2, pair2) = pretraining.TrainStage(model, 1, fit, validation, Options);
            using (pair2)
            {
                Assert.Equal("32-16-32", stage2.Layers);
                Assert.Equal("mse", stage2.Loss);   // codes of a ReLU layer are not probabilities
                Assert.NotNull(stage2.Training.History.Epochs[0].ValLoss);
                // Layer 2 (Dense + BatchNorm) holds pair 2's weights and statistics; its mirror holds pair 2's decoder.
                AssertSameState(pair2.EncoderLayers.children().ElementAt(0), encoderGroups[1][0], "encoder layer 2 Dense");
                AssertSameState(pair2.EncoderLayers.children().ElementAt(1), encoderGroups[1][1], "encoder layer 2 BatchNorm");
                AssertSameState(pair2.DecoderLayers.children().ElementAt(0), decoderGroups[1][0], "decoder layer 2 Dense");
                AssertSameState(pair2.DecoderLayers.children().ElementAt(1), decoderGroups[1][1], "decoder layer 2 BatchNorm");
            }
            pretraining.TrainStage(model, 2, fit, validation, Options).Pair.Dispose();

            var afterStage3 = encoderGroups[0].Concat(decoderGroups[2]).Select(State).ToArray();
            for (int i = 0; i < afterStage1.Length; i++)
                foreach (var (name, tensor) in afterStage1[i])
                    Assert.True(Same(tensor, afterStage3[i][name]), $"layer 1 module {i}: {name} changed after stage 1");
        }
    }

    [Fact]
    public void Pretraining_all_pairs_gives_the_deep_model_a_better_start_than_random_weights()
    {
        using var data = TestData.LowRank();
        using var model = Build(Deep);
        var loss = new ReconstructionLoss(LossKind.Bce);
        var options = Options with { Loss = loss };
        var before = Trainer.Validate(model, data, options);
        var result = new LayerwisePretraining(epochsPerStage: 8).Run(model, data, null, options);
        var after = Trainer.Validate(model, data, options);

        Assert.Equal(["64-32-64", "32-16-32", "16-8-16"], result.Stages.Select(s => s.Layers));
        Assert.Null(result.StackedValLoss);   // no validation data was given
        Assert.All(result.Stages, s => Assert.True(s.Training.History.Epochs[^1].Loss < s.Training.History.Epochs[0].Loss, $"pair {s.Layers} did not learn"));
        // The stacked pairs, never trained together, already reconstruct better than the random network.
        Assert.True(after < before * 0.95, $"BCE {before} at random init, {after} after pretraining");
        var csv = result.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("stage,layers,loss_kind,epoch,loss,val_loss,lr,seconds", csv[0]);
        Assert.Equal(1 + 3 * 8, csv.Length);
        Assert.StartsWith("3,16-8-16,mse,8,", csv[^1]);
    }

    static SessionResult Job(string output, int epochs, bool resume)
    {
        using var data = TestData.LowRank();
        var (fit, validation) = data.SplitLast(0.25);
        using (fit) using (validation)
            return SessionRuns.Into(output, new TrainingSession
            {
                Spec = Deep with { Dropout = 0.1 }, Train = fit, Validation = validation, DataName = "low-rank",
                Pretraining = new LayerwisePretraining(2), Options = Options with { Epochs = epochs },
            }, resume);
    }

    [Fact]
    public void A_resumed_run_goes_on_fine_tuning_without_pretraining_again_and_ends_where_an_uninterrupted_run_ends()
    {
        using var folder = new TempFolder();
        var straight = Job(folder["straight"], 3, resume: false);
        Assert.NotNull(straight.Metrics.Pretraining);
        Job(folder["split"], 1, resume: false).Model.Dispose();
        var csv = File.ReadAllText(Path.Combine(folder["split"], "pretraining.csv"));
        File.Delete(Path.Combine(folder["split"], "pretraining.csv"));
        var resumed = Job(folder["split"], 3, resume: true);

        Assert.False(File.Exists(Path.Combine(folder["split"], "pretraining.csv")), "the resumed run pretrained again");
        Assert.Null(resumed.Metrics.Pretraining);
        Assert.Equal(File.ReadAllText(Path.Combine(folder["straight"], "pretraining.csv")).Split('\n').Select(Columns),
                     csv.Split('\n').Select(Columns));
        Assert.Equal(straight.Training.History.Epochs.Select(e => (e.Loss, e.ValLoss)), resumed.Training.History.Epochs.Select(e => (e.Loss, e.ValLoss)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder["straight"], Bottleneck.Persistence.ModelFolder.WeightsFile)),
                     File.ReadAllBytes(Path.Combine(folder["split"], Bottleneck.Persistence.ModelFolder.WeightsFile)));
        straight.Model.Dispose();
        resumed.Model.Dispose();

        // Every column but the wall time.
        static string Columns(string row) => string.Join(',', row.Split(',').SkipLast(1));
    }

    [Fact]
    public void A_model_with_one_encoder_layer_has_nothing_to_pretrain()
    {
        var e = Assert.Throws<OptionException>(() => LayerwisePretraining.CheckSpec(Presets.Get("basic")));
        Assert.Contains("single encoder layer", e.Message);
    }

    [Fact]
    public void A_decoder_that_does_not_mirror_the_encoder_cannot_be_pretrained_pair_by_pair()
    {
        var e = Assert.Throws<OptionException>(() => LayerwisePretraining.CheckSpec(Deep with { Decoder = [24, 32] }));
        Assert.Contains("does not mirror", e.Message);
    }

    [Fact]
    public void A_model_family_without_dense_layers_is_bad_input()
    {
        using var model = new NotDense();
        using var data = TestData.LowRank();
        var e = Assert.Throws<OptionException>(() => new LayerwisePretraining().Run(model, data, null, Options));
        Assert.Contains("no stack of dense layers", e.Message);
        Assert.Throws<OptionException>(() => LayerwisePretraining.CheckSpec(Deep with { Family = "conv" }));
    }

    [Fact]
    public void Zero_epochs_per_pair_is_bad_input() =>
        Assert.StartsWith("pretrain_epochs: ", Assert.Throws<OptionException>(() => new LayerwisePretraining(0)).Message);

    /// <summary>A family that is not a stack of dense layers: one linear map each way.</summary>
    sealed class NotDense : Autoencoder
    {
        readonly TorchSharp.Modules.Linear encoder = nn.Linear(64, 8), decoder = nn.Linear(8, 64);

        public NotDense() : base("NotDense", new ModelSpec { Name = "not-dense", InputShape = [64], Family = "dense" }) => RegisterComponents();
        public override long[] InputShape => [64];
        public override long[] CodeShape => [8];
        public override OutputFunction Output => new(ActivationKind.Sigmoid);
        public override Tensor Encode(Tensor input) => encoder.forward(input.reshape(input.shape[0], 64));
        public override Tensor DecodePreActivation(Tensor code) => decoder.forward(code);
        public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers() => [("encoder", encoder, true), ("decoder", decoder, false)];
    }
}
