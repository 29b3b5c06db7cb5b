using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Training;

public class TrainerTests
{
    static readonly ModelSpec Small = new() { Name = "small", InputShape = [64], Encoder = [32], Bottleneck = 8 };

    static TrainingResult Train(ModelSpec spec, TrainingOptions options, out Autoencoder model, CancellationToken cancel = default,
        ITrainingObserver? observer = null)
    {
        using var data = TestData.LowRank();
        var (fit, validation) = data.SplitLast(0.25);
        using (fit) using (validation)
        {
            random.manual_seed(options.Seed);
            model = ModelFactory.Create(spec);
            return new Trainer().Fit(model, fit, validation, options, observer, cancel);
        }
    }

    [Fact]
    public void Training_lowers_the_loss()
    {
        var result = Train(Small, new TrainingOptions { Epochs = 15, BatchSize = 32, LearningRate = 3e-3 }, out var model);
        using (model)
        {
            var epochs = result.History.Epochs;
            Assert.Equal(15, epochs.Count);
            Assert.True(epochs[^1].Loss < epochs[0].Loss * 0.97, $"loss {epochs[0].Loss} → {epochs[^1].Loss}");
            Assert.True(epochs[^1].ValLoss < epochs[0].ValLoss, $"val_loss {epochs[0].ValLoss} → {epochs[^1].ValLoss}");
            Assert.True(result.SamplesPerSecond > 0);
        }
    }

    [Fact]
    public void The_same_seed_repeats_a_run_exactly_and_another_seed_does_not()
    {
        var options = new TrainingOptions { Epochs = 3, BatchSize = 32, Seed = 5 };
        var a = Train(Small with { Dropout = 0.1 }, options, out var m1);
        var b = Train(Small with { Dropout = 0.1 }, options, out var m2);
        var c = Train(Small with { Dropout = 0.1 }, options with { Seed = 6 }, out var m3);
        m1.Dispose(); m2.Dispose(); m3.Dispose();
        Assert.Equal(a.History.Epochs.Select(e => e.Loss), b.History.Epochs.Select(e => e.Loss));
        Assert.Equal(a.History.Epochs.Select(e => e.ValLoss), b.History.Epochs.Select(e => e.ValLoss));
        Assert.NotEqual(a.History.Epochs[^1].Loss, c.History.Epochs[^1].Loss);
    }

    [Fact]
    public void Early_stopping_stops_and_restores_the_best_weights()
    {
        // A learning rate far too high makes validation loss bounce, so early stopping fires with patience 1.
        var options = new TrainingOptions { Epochs = 30, BatchSize = 16, Optimizer = OptimizerKind.Sgd, LearningRate = 5.0,
            Loss = new ReconstructionLoss(LossKind.Mse), EarlyStopping = new EarlyStopping(patience: 1) };
        var spec = Small with { OutputActivation = "linear" };
        var result = Train(spec, options, out var model);
        using (model)
        {
            Assert.NotEqual(StopReason.Completed, result.StopReason);
            Assert.True(result.EpochsRun < 30);
            var best = result.History.Epochs.Where(e => double.IsFinite(e.Monitored)).MinBy(e => e.Monitored)!;
            Assert.Equal(best.Epoch, result.BestEpoch);
            if (result.RestoredBestWeights)
            {
                using var data = TestData.LowRank();
                var (_, validation) = data.SplitLast(0.25);
                using (validation)
                    Assert.Equal(best.ValLoss!.Value, Trainer.Validate(model, validation, options), 4);
            }
        }
    }

    [Fact]
    public void Cancelling_stops_after_the_current_batch()
    {
        using var cancel = new CancellationTokenSource();
        var observer = new CancelAfter(batches: 3, cancel);
        var result = Train(Small, new TrainingOptions { Epochs = 5, BatchSize = 32 }, out var model, cancel.Token, observer);
        model.Dispose();
        Assert.Equal(StopReason.Interrupted, result.StopReason);
        Assert.Equal(1, result.EpochsRun);
        Assert.Equal(3, observer.Batches);
        Assert.Null(result.History.Epochs[0].ValLoss);
    }

    [Fact]
    public void Reduce_lr_on_plateau_lowers_the_recorded_learning_rate()
    {
        var options = new TrainingOptions { Epochs = 12, BatchSize = 32, LearningRate = 1e-3,
            ReduceLr = new ReduceLrOnPlateau(factor: 0.5, patience: 1, minDelta: 1.0) };   // nothing counts as improving
        var result = Train(Small, options, out var model);
        model.Dispose();
        var rates = result.History.Epochs.Select(e => e.LearningRate).ToArray();
        Assert.Equal(1e-3, rates[0]);
        Assert.Equal(5e-4, rates[2], 12);   // epoch 1 sets the best; epoch 2 waits 1 = patience → halved from epoch 3
        Assert.True(rates[^1] < rates[0]);
    }

    [Fact]
    public void Data_of_the_wrong_size_is_rejected_before_training()
    {
        using var model = ModelFactory.Create(Small with { InputShape = [100] });
        using var data = TestData.LowRank();
        var e = Assert.Throws<BadInputException>(() => new Trainer().Fit(model, data, null, new TrainingOptions { Epochs = 1 }));
        Assert.Contains("64 values", e.Message);
        Assert.Contains("100 values", e.Message);
    }

    sealed class CancelAfter(int batches, CancellationTokenSource cancel) : ITrainingObserver
    {
        public int Batches { get; private set; }
        public void EpochStarted(int epoch, int epochs, int count) { }
        public void BatchCompleted(int epoch, int batch, int count, double? runningLoss) { if (++Batches == batches) cancel.Cancel(); }
        public void EpochCompleted(EpochRecord record, IReadOnlyList<string> events) { }
    }
}
