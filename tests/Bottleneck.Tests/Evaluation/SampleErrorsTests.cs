using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Evaluation;

/// <summary>Per-sample errors, the worst and best N, and the per-class breakdown, against independent computations.</summary>
public class SampleErrorsTests
{
    static DenseAutoencoder Model()
    {
        random.manual_seed(5);
        return new DenseAutoencoder(new ModelSpec { Name = "tiny", InputShape = [16], Encoder = [6], Bottleneck = 3 });
    }

    /// <summary>Each sample's reconstruction from the model one sample at a time, and its loss summed in double by hand.</summary>
    static double[] ByHand(Autoencoder model, Bottleneck.Data.Dataset data, Func<double, double, double> loss)
    {
        using var noGrad = no_grad();
        model.eval();
        var errors = new double[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            using var x = data.Batch(i, 1);
            using var xHat = model.Reconstruct(x);
            var input = x.data<float>().ToArray();
            var output = xHat.data<float>().ToArray();
            errors[i] = Enumerable.Range(0, input.Length).Sum(j => loss(input[j], output[j])) / input.Length;
        }
        return errors;
    }

    [Fact]
    public void Mse_bce_and_mae_per_sample_equal_a_sample_by_sample_computation()
    {
        using var model = Model();
        using var data = TestData.LowRank(count: 30, size: 16);
        var mse = ByHand(model, data, (x, y) => (x - y) * (x - y));
        var mae = ByHand(model, data, (x, y) => Math.Abs(x - y));
        var bce = ByHand(model, data, (x, y) => -(x * Math.Log(y) + (1 - x) * Math.Log(1 - y)));
        var measured = new[] { SampleErrors.Measure(model, data, LossKind.Mse, batchSize: 7), SampleErrors.Measure(model, data, LossKind.Mae, batchSize: 7),
            SampleErrors.Measure(model, data, LossKind.Bce, batchSize: 7) };
        for (int i = 0; i < data.Count; i++)
        {
            Assert.Equal(mse[i], measured[0][i], 6);
            Assert.Equal(mae[i], measured[1][i], 6);
            Assert.Equal(bce[i], measured[2][i], 5);
        }
        // The mean of the per-sample MSEs is the dataset's MSE (equal sample sizes).
        Assert.Equal(ReconstructionMetrics.Evaluate(model, data).Mse, measured[0].Average(), 6);
    }

    [Fact]
    public void Worst_and_best_follow_an_independent_sort_and_ties_keep_index_order()
    {
        using var model = Model();
        using var data = TestData.LowRank(count: 40, size: 16);
        var errors = SampleErrors.Measure(model, data);
        var keys = errors.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(keys, order);   // ascending errors; distinct floats, so stability does not matter here
        Assert.Equal(order.Reverse().Take(5), SampleErrors.Worst(errors, 5));
        Assert.Equal(order.Take(5), SampleErrors.Best(errors, 5));
        Assert.True(errors[SampleErrors.Worst(errors, 1)[0]] == errors.Max());

        double[] tied = [1, 3, 3, 2, 3];
        Assert.Equal([1, 2, 4, 3], SampleErrors.Worst(tied, 4));
        Assert.Equal([0, 3, 1], SampleErrors.Best(tied, 3));
        Assert.Equal(5, SampleErrors.Worst(tied, 50).Length);
    }

    [Fact]
    public void A_count_below_one_and_bce_outside_0_1_are_refused()
    {
        Assert.Contains("count: expected at least 1, got 0", Assert.Throws<OptionException>(() => SampleErrors.Worst([1, 2], 0)).Message);
        Assert.Throws<OptionException>(() => SampleErrors.Best([1, 2], -3));
        using var model = Model();
        using var wide = new Bottleneck.Data.Dataset("wide", full([4, 16], 2f).DetachFromDisposeScope());
        Assert.Contains("BCE needs data in [0, 1]", Assert.Throws<OptionException>(() => SampleErrors.Measure(model, wide, LossKind.Bce)).Message);
        Assert.Contains("unknown error 'huber'", Assert.Throws<OptionException>(() => SampleErrors.Parse("huber")).Message);
    }

    [Fact]
    public void Summary_and_class_breakdown_match_hand_figures()
    {
        double[] errors = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var all = ErrorSummary.Of(errors);
        Assert.Equal(5.5, all.Mean, 12);
        Assert.Equal(Math.Sqrt(8.25), all.Std, 12);   // numpy's std (ddof = 0)
        Assert.Equal(5.5, all.Median, 12);
        Assert.Equal(9.55, all.P95, 12);              // numpy: index 0.95·9 = 8.55 → 9 + 0.55·(10 − 9)
        Assert.Equal((1.0, 10.0), (all.Min, all.Max));

        int[] labels = [2, 0, 2, 0, 2, 1, 1, 1, 1, 0];
        var classes = ClassBreakdown.Of(errors, labels, ["zero", "one"]);
        Assert.Equal([0, 1, 2], classes.Select(c => c.Label));
        Assert.Equal(["zero", "one", "2"], classes.Select(c => c.Name));   // a label without a name keeps its number
        Assert.Equal((2 + 4 + 10) / 3.0, classes[0].Summary.Mean, 12);
        Assert.Equal((6 + 7 + 8 + 9) / 4.0, classes[1].Summary.Mean, 12);
        Assert.Equal((1 + 3 + 5) / 3.0, classes[2].Summary.Mean, 12);
        Assert.Equal(7.5, classes[1].Summary.Median, 12);
        Assert.Equal([3, 4, 3], classes.Select(c => c.Summary.Count));
    }
}
