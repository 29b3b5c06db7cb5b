using Bottleneck.Models;
using Bottleneck.Training;
using Xunit;

namespace Bottleneck.Tests.Training;

/// <summary>Early stopping and ReduceLROnPlateau follow Keras's rules, epoch by epoch.</summary>
public class CallbackTests
{
    [Fact]
    public void Early_stopping_waits_patience_epochs_without_improvement()
    {
        var stopping = new EarlyStopping(patience: 3);
        double[] losses = [1.0, 0.9, 0.95, 0.91, 0.92];   // best 0.9 at epoch 2; epochs 3, 4, 5 do not improve
        var decisions = losses.Select(stopping.Start().ShouldStop).ToArray();
        Assert.Equal([false, false, false, false, true], decisions);
    }

    [Fact]
    public void Early_stopping_min_delta_ignores_tiny_improvements()
    {
        var stopping = new EarlyStopping(patience: 2, minDelta: 0.01).Start();
        Assert.False(stopping.ShouldStop(1.0));
        Assert.False(stopping.ShouldStop(0.995));   // better, but by less than 0.01: wait 1
        Assert.True(stopping.ShouldStop(0.992));    // wait 2 = patience
    }

    [Fact]
    public void Reduce_lr_halves_after_patience_and_respects_the_floor()
    {
        var plateau = new ReduceLrOnPlateau(factor: 0.5, patience: 2, minLearningRate: 3e-4).Start();
        double lr = 1e-3;
        lr = plateau.Next(1.0, lr);   // best
        lr = plateau.Next(1.0, lr);   // wait 1
        Assert.Equal(1e-3, lr);
        lr = plateau.Next(1.0, lr);   // wait 2: halve
        Assert.Equal(5e-4, lr, 12);
        lr = plateau.Next(1.0, lr);
        lr = plateau.Next(1.0, lr);   // halve again, but not below the floor
        Assert.Equal(3e-4, lr, 12);
    }

    [Fact]
    public void Two_fits_with_one_options_record_give_identical_results()
    {
        // Measured before the trackers were made per fit: a sweep's second code size early-stopped after one epoch
        // because the first fit's wait was still in the shared options. min_delta 1 never counts as an improvement, so
        // each fit stops after 1 + patience epochs, and the plateau halves the rate after every epoch but the first.
        var options = new TrainingOptions
        {
            Epochs = 20, BatchSize = 32, LearningRate = 3e-3,
            EarlyStopping = new EarlyStopping(patience: 3, minDelta: 1.0),
            ReduceLr = new ReduceLrOnPlateau(factor: 0.5, patience: 1, minDelta: 1.0),
        };
        var spec = new ModelSpec { Name = "small", InputShape = [64], Encoder = [32], Bottleneck = 8 };
        EpochRecord[] Fit()
        {
            using var data = TestData.LowRank();
            var (fit, validation) = data.SplitLast(0.25);
            using (fit) using (validation)
            {
                TorchSharp.torch.random.manual_seed(options.Seed);
                using var model = ModelFactory.Create(spec);
                return new Trainer().Fit(model, fit, validation, options).History.Epochs.ToArray();
            }
        }
        var first = Fit();
        var second = Fit();
        Assert.Equal(4, first.Length);
        Assert.Equal([3e-3, 3e-3, 1.5e-3, 7.5e-4], first.Select(e => e.LearningRate));
        Assert.Equal(first.Select(e => (e.Epoch, e.Loss, e.ValLoss, e.LearningRate)), second.Select(e => (e.Epoch, e.Loss, e.ValLoss, e.LearningRate)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Patience_must_be_positive(int patience) =>
        Assert.Throws<OptionException>(() => new EarlyStopping(patience));

    [Fact]
    public void History_csv_has_keras_columns_and_round_trips_numbers()
    {
        var history = new TrainingHistory();
        history.Add(new EpochRecord(1, 0.25, 0.3, 1e-3, 1.5));
        history.Add(new EpochRecord(2, 0.125, null, 5e-4, 1.25));
        Assert.Equal("epoch,loss,val_loss,lr,seconds\n1,0.25,0.3,0.001,1.500\n2,0.125,,0.0005,1.250\n", history.ToCsv());
        Assert.Equal(2, history.Best!.Epoch);
    }
}
