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
        var decisions = losses.Select(stopping.ShouldStop).ToArray();
        Assert.Equal([false, false, false, false, true], decisions);
    }

    [Fact]
    public void Early_stopping_min_delta_ignores_tiny_improvements()
    {
        var stopping = new EarlyStopping(patience: 2, minDelta: 0.01);
        Assert.False(stopping.ShouldStop(1.0));
        Assert.False(stopping.ShouldStop(0.995));   // better, but by less than 0.01: wait 1
        Assert.True(stopping.ShouldStop(0.992));    // wait 2 = patience
    }

    [Fact]
    public void Reduce_lr_halves_after_patience_and_respects_the_floor()
    {
        var plateau = new ReduceLrOnPlateau(factor: 0.5, patience: 2, minLearningRate: 3e-4);
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

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Patience_must_be_positive(int patience) =>
        Assert.Throws<BadInputException>(() => new EarlyStopping(patience));

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
