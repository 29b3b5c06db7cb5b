using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Training;

public class LearningRateFinderTests
{
    static readonly ModelSpec Small = new() { Name = "small", InputShape = [64], Encoder = [32], Bottleneck = 8 };

    [Fact]
    public void The_schedule_is_exactly_exponential_between_the_bounds()
    {
        var finder = new LearningRateFinder { MinLearningRate = 1e-7, MaxLearningRate = 10, Steps = 81 };
        Assert.Equal(1e-7, finder.LearningRateAt(0));
        Assert.Equal(10, finder.LearningRateAt(80));
        // 8 decades over 80 steps: every step multiplies the rate by 10^(1/10), and step 10k sits on 10^(k−7).
        var ratio = Math.Pow(10, 0.1);
        for (int i = 0; i < 80; i++)
            Assert.Equal(ratio, finder.LearningRateAt(i + 1) / finder.LearningRateAt(i), 12);
        for (int k = 0; k <= 8; k++)
            Assert.Equal(Math.Pow(10, k - 7), finder.LearningRateAt(10 * k), Math.Pow(10, k - 7) * 1e-12);
    }

    [Fact]
    public void The_optimizer_uses_the_schedule_when_nothing_explodes()
    {
        using var data = TestData.LowRank(count: 256);
        random.manual_seed(1);
        using var model = ModelFactory.Create(Small);
        // Rates far too small to blow anything up: all 20 steps run.
        var finder = new LearningRateFinder { MinLearningRate = 1e-6, MaxLearningRate = 1e-4, Steps = 20, BatchSize = 32 };
        var result = finder.Run(model, data);
        Assert.False(result.Diverged);
        Assert.Equal(20, result.StepsRun);
        for (int i = 0; i < 20; i++)
            Assert.Equal(finder.LearningRateAt(i), result.LearningRates[i], finder.LearningRateAt(i) * 1e-12);
    }

    [Fact]
    public void The_weights_after_the_sweep_equal_those_before()
    {
        using var data = TestData.LowRank(count: 256);
        random.manual_seed(2);
        // BatchNorm's running statistics and Dropout's masks are part of what the sweep must not disturb.
        using var model = ModelFactory.Create(Small with { BatchNorm = true, Dropout = 0.1 });
        model.eval();
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var result = new LearningRateFinder { Steps = 60, BatchSize = 32 }.Run(model, data);
        // The sweep did train: the loss moved a long way from where it started.
        Assert.True(result.SmoothedLosses[result.MinimumIndex] < result.SmoothedLosses[0] * 0.9,
            $"smoothed loss {result.SmoothedLosses[0]} → {result.SmoothedLosses[result.MinimumIndex]}");
        foreach (var (name, tensor) in model.state_dict())
            Assert.True(tensor.eq(before[name]).all().item<bool>(), $"{name} changed");
        Assert.False(model.training);   // the mode is put back too
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void The_suggestion_on_a_small_problem_lies_in_a_sensible_range()
    {
        using var data = TestData.LowRank(count: 1024);
        random.manual_seed(3);
        using var model = ModelFactory.Create(Small);
        var result = new LearningRateFinder { Steps = 100, BatchSize = 32, Loss = new ReconstructionLoss(LossKind.Mse) }.Run(model, data);
        // Adam on a small dense autoencoder: the loss starts falling around 1e-4 and explodes somewhere above 0.1, and
        // the steep part of the curve lies between.
        Assert.False(result.LossNeverFell);
        Assert.InRange(result.Suggested, 3e-4, 0.1);
        Assert.True(result.SteepestIndex < result.MinimumIndex);
        Assert.True(result.SmoothedLosses[result.SteepestIndex] < result.SmoothedLosses[0]);
        Assert.True(result.Suggested < result.MinimumLearningRate);
    }

    [Fact]
    public void The_sweep_stops_when_the_loss_explodes()
    {
        using var data = TestData.LowRank(count: 512);
        random.manual_seed(4);
        using var model = ModelFactory.Create(Small with { OutputActivation = "linear" });
        // Plain SGD with a linear output and MSE diverges once the rate passes 2/λmax of the loss's curvature.
        var finder = new LearningRateFinder { MinLearningRate = 1e-4, MaxLearningRate = 1e4, Steps = 100, BatchSize = 32,
            Optimizer = OptimizerKind.Sgd, Loss = new ReconstructionLoss(LossKind.Mse) };
        var result = finder.Run(model, data);
        Assert.True(result.Diverged);
        Assert.True(result.StepsRun < 100);
        var last = result.Losses[^1];
        Assert.True(!double.IsFinite(last) || last > 4 * result.SmoothedLosses[result.MinimumIndex], $"last loss {last}");
    }

    [Fact]
    public void Centred_smoothing_does_not_lag_behind_a_falling_curve()
    {
        // A straight fall: the centred mean equals the line away from the ends, where a running average would trail.
        var line = Enumerable.Range(0, 50).Select(i => 10.0 - 0.1 * i).ToArray();
        var smoothed = LearningRateFinder.Centred(line, 9);
        for (int i = 4; i < 46; i++) Assert.Equal(line[i], smoothed[i], 12);
        Assert.Equal(line.Take(5).Average(), smoothed[0], 12);   // the window shrinks at the ends
    }

    [Fact]
    public void The_steepest_step_is_where_the_curve_falls_fastest_per_decade()
    {
        double[] rates = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
        double[] losses = [1.0, 0.98, 0.7, 0.5, 0.45, 2.0];
        // Central slopes per decade: step 1 −0.15, step 2 −0.24, step 3 −0.125; the minimum is step 4.
        Assert.Equal(2, LearningRateFinder.Steepest(rates, losses, 4));
    }

    [Theory]
    [InlineData(0.0, 10.0, 100, "min_learning_rate")]
    [InlineData(-1e-3, 10.0, 100, "min_learning_rate")]
    [InlineData(1e-3, 0.0, 100, "max_learning_rate")]
    [InlineData(1.0, 1.0, 100, "min_learning_rate and max_learning_rate")]
    [InlineData(1.0, 0.1, 100, "min_learning_rate and max_learning_rate")]
    [InlineData(double.NaN, 1.0, 100, "min_learning_rate")]
    [InlineData(1e-7, 10.0, 1, "steps")]
    public void Bad_bounds_are_bad_input(double min, double max, int steps, string option)
    {
        var finder = new LearningRateFinder { MinLearningRate = min, MaxLearningRate = max, Steps = steps };
        var e = Assert.Throws<OptionException>(finder.Validate);
        Assert.StartsWith(option + ":", e.Message);
    }
}
