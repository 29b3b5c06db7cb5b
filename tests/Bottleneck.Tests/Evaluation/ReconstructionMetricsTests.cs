using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Evaluation;

/// <summary>
/// `bottleneck evaluate`'s figures (BCE, MSE, MAE as means per value, and each sample's MSE) against float64: the same
/// weights in float64, the losses summed in double by hand. Batches of 1, 64, 1,000 and 1,024 over 130 and 1,100 samples
/// (the last batch shorter), rows of 13, 16 and 25 values (the one-pass sums take eight at a time, so 13 and 25 leave a
/// tail), images as bytes and rows as floats, with and without a corrupted input, and with paired inputs.
/// </summary>
public class ReconstructionMetricsTests
{
    static Autoencoder Model(long[] inputShape, string output)
    {
        random.manual_seed(5);
        return ModelFactory.Create(new ModelSpec { Name = "tiny", InputShape = inputShape.Select(d => (int)d).ToArray(), Encoder = [6], Bottleneck = 3, OutputActivation = output });
    }

    /// <summary>The figures by hand in double: x̂ and its pre-activation z from the float64 model, then per value
    /// BCE = max(z, 0) − z·x + log(1 + e^−|z|) for a sigmoid output (BCE of probabilities clipped to [1e-7, 1 − 1e-7]
    /// otherwise, as float32 clips them), (x̂ − x)² and |x̂ − x|.</summary>
    static (double Bce, double Mse, double Mae, double[] PerSample) ByHand(Autoencoder model, Dataset data, double inputFactor)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model64 = Model(model.InputShape, model.Output.Kind.Name());
        model64.to(ScalarType.Float64).eval();
        var target = data.Batch(0, data.Count).reshape(data.Count, -1).to_type(ScalarType.Float64);
        var input = target * inputFactor;
        var z = model64.DecodePreActivation(model64.Encode(input)).reshape(data.Count, -1).data<double>().ToArray();
        var xHat = model64.Reconstruct(input).reshape(data.Count, -1).data<double>().ToArray();
        var x = target.data<double>().ToArray();
        int width = (int)data.SampleSize;
        double bce = 0, mse = 0, mae = 0;
        var perSample = new double[data.Count];
        for (int k = 0; k < x.Length; k++)
        {
            // the clipping bounds as float32 holds them: 1 − 1e-7 rounds to 1 − 2⁻²³
            double p = Math.Clamp(xHat[k], (float)1e-7, (float)(1 - 1e-7));
            bce += model.Output.Kind == ActivationKind.Sigmoid
                ? Math.Max(z[k], 0) - z[k] * x[k] + Math.Log(1 + Math.Exp(-Math.Abs(z[k])))
                : -(x[k] * Math.Log(p) + (1 - x[k]) * Math.Log(1 - p));
            double e = xHat[k] - x[k];
            mse += e * e;
            mae += Math.Abs(e);
            perSample[k / width] += e * e / width;
        }
        model64.Dispose();
        return (bce / x.Length, mse / x.Length, mae / x.Length, perSample);
    }

    static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Abs(expected), $"{what}: {actual:R} against float64 {expected:R}");

    [Theory]
    [InlineData(1, "sigmoid", false, 130, 16)]
    [InlineData(64, "sigmoid", false, 130, 13)]     // two batches of 64 and one of 2; rows of 13 values (8 + a tail of 5)
    [InlineData(1000, "sigmoid", false, 130, 16)]
    [InlineData(1024, "sigmoid", false, 1100, 13)]  // a batch of 1,024 and one of 76
    [InlineData(64, "sigmoid", true, 130, 5)]       // 5×5 images: 25 values a row
    [InlineData(1024, "sigmoid", true, 1100, 4)]
    [InlineData(1, "linear", false, 130, 16)]
    [InlineData(64, "linear", true, 130, 4)]
    [InlineData(1024, "linear", false, 1100, 13)]
    public void Figures_equal_a_float64_computation_at_every_batch_size(int batchSize, string output, bool bytes, int count, int size)
    {
        Dataset Data() => bytes ? TestData.Bytes(count: count, side: size) : TestData.LowRank(count: count, size: size);
        using var data = Data();
        using var model = Model(bytes ? [size, size] : [size], output);
        foreach (var factor in new[] { 1.0, 0.5 })
        {
            // factor 0.5: the model sees a corrupted copy (x / 2) and is scored against the clean samples.
            var metrics = ReconstructionMetrics.Evaluate(model, data, factor == 1.0 ? null : x => x * 0.5f, batchSize);
            var (bce, mse, mae, perSample) = ByHand(model, data, factor);
            string what = $"batches of {batchSize}, {output}, {(bytes ? "bytes" : "floats")} of {data.SampleSize} values, input × {factor}";
            AssertClose(bce, metrics.Bce, $"{what}: BCE");
            AssertClose(mse, metrics.Mse, $"{what}: MSE");
            AssertClose(mae, metrics.Mae, $"{what}: MAE");
            Assert.Equal(count, metrics.Samples);
            for (int i = 0; i < perSample.Length; i++) AssertClose(perSample[i], metrics.PerSampleMse[i], $"{what}: sample {i}'s MSE");
            Assert.True(metrics.InUnitRange);
        }
        // The dataset is read, never written: its first batch is what it was.
        using var again = Data();
        Assert.True(data.Batch(0, count).eq(again.Batch(0, count)).all().item<bool>());
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1024)]
    public void Inputs_paired_with_the_data_are_what_the_model_sees(int batchSize)
    {
        // A denoising evaluation: the model reads the paired inputs (here x / 2, made once), the figures are against x.
        using var data = TestData.LowRank(count: 1100, size: 13);
        using var halves = new Dataset("halves", (data.Batch(0, data.Count) * 0.5f).DetachFromDisposeScope());
        using var paired = data.WithInputs(halves);
        using var model = Model([13], "sigmoid");
        var metrics = ReconstructionMetrics.Evaluate(model, paired, batchSize: batchSize);
        var (bce, mse, mae, perSample) = ByHand(model, data, 0.5);
        AssertClose(bce, metrics.Bce, "BCE");
        AssertClose(mse, metrics.Mse, "MSE");
        AssertClose(mae, metrics.Mae, "MAE");
        for (int i = 0; i < perSample.Length; i++) AssertClose(perSample[i], metrics.PerSampleMse[i], $"sample {i}'s MSE");
    }

    [Fact]
    public void Data_outside_0_1_is_reported_as_such()
    {
        using var data = new Dataset("wide", (rand(20, 16) * 3 - 1).DetachFromDisposeScope());
        using var model = Model([16], "linear");
        Assert.False(ReconstructionMetrics.Evaluate(model, data, batchSize: 7).InUnitRange);
    }
}
