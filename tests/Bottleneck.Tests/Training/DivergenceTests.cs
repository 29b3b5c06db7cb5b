using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Training;

/// <summary>A run whose loss explodes stops at once, keeps the best weights it had, and says it diverged.</summary>
public class DivergenceTests
{
    static readonly ModelSpec Linear = new() { Name = "linear-out", InputShape = [64], Encoder = [32], Bottleneck = 8, OutputActivation = "linear" };

    static Dictionary<string, float[]> Weights(Autoencoder model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().to_type(ScalarType.Float32).data<float>().ToArray());

    [Fact]
    public void A_learning_rate_of_1e10_stops_in_the_first_epoch_and_keeps_the_starting_weights()
    {
        using var data = TestData.LowRank(count: 256);
        random.manual_seed(3);
        using var model = ModelFactory.Create(Linear);
        var start = Weights(model);
        var options = new TrainingOptions { Epochs = 5, BatchSize = 32, LearningRate = 1e10, Loss = new ReconstructionLoss(LossKind.Mse), EarlyStopping = null };
        var result = new Trainer().Fit(model, data, null, options);

        Assert.Equal(StopReason.Diverged, result.StopReason);
        Assert.Equal(1, result.EpochsRun);   // not five epochs of ever larger numbers
        Assert.Equal(0, result.BestEpoch);
        var loss = result.History.Epochs[0].Loss;
        Assert.True(!double.IsFinite(loss) || loss > 1e3, $"epoch loss {loss}");
        // No early stopping was asked for, yet the weights are the starting ones, exactly: nothing of the explosion is kept.
        Assert.True(result.RestoredBestWeights);
        foreach (var (name, values) in Weights(model)) Assert.Equal(start[name], values);
    }

    [Fact]
    public void A_run_that_explodes_after_two_good_epochs_goes_back_to_the_best_of_them()
    {
        using var data = TestData.LowRank(count: 256);
        var (fit, validation) = data.SplitLast(0.25);
        using (fit) using (validation)
        {
            random.manual_seed(3);
            using var model = ModelFactory.Create(Linear);
            Dictionary<string, float[]>? afterEpoch2 = null;
            var options = new TrainingOptions
            {
                Epochs = 6, BatchSize = 32, LearningRate = 1e-3, Loss = new ReconstructionLoss(LossKind.Mse), EarlyStopping = null,
            };
            // After two ordinary epochs the step size jumps to 1e10, as a bad schedule or --lr would make it.
            var jump = new AtEpochEnd((epochs, optimizer) =>
            {
                if (epochs.Count != 2) return;
                afterEpoch2 = Weights(model);
                Optimizers.SetLearningRate(optimizer, 1e10);
            });
            var result = new Trainer().Fit(model, fit, validation, options, callbacks: [jump]);

            Assert.Equal(StopReason.Diverged, result.StopReason);
            Assert.Equal(3, result.EpochsRun);
            Assert.Equal(2, result.BestEpoch);
            Assert.True(result.RestoredBestWeights);
            foreach (var (name, values) in Weights(model)) Assert.Equal(afterEpoch2![name], values);
            // The restored model scores its epoch-2 validation loss again (the same weights, the same data).
            Assert.Equal(result.History.Epochs[1].ValLoss!.Value, Trainer.Validate(model, validation, options), 6);
        }
    }

    sealed class AtEpochEnd(Action<IReadOnlyList<EpochRecord>, optim.Optimizer> action) : ITrainingCallback
    {
        public void EpochEnded(Autoencoder model, IReadOnlyList<EpochRecord> epochs, optim.Optimizer optimizer) => action(epochs, optimizer);
    }
}
