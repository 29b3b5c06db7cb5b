using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Evaluation;

/// <summary>§10.4's denoising figures against a computation by hand on three 4-pixel samples.</summary>
public class DenoisingMetricsTests
{
    [Fact]
    public void Mse_improvement_and_psnr_match_a_hand_computation()
    {
        float[] clean = [0, 1, 0.5f, 0.25f, 1, 1, 0, 0, 0.2f, 0.4f, 0.6f, 0.8f];
        float[] noisy = [0.5f, 0.5f, 0.5f, 0.5f, 1, 0, 0, 1, 0, 0.4f, 1, 0.8f];
        // A linear model whose output is x̂ = 0.5·x̃ + 0.25: identity encoder, decoder weight 0.5·I and bias 0.25.
        using var model = ModelFactory.Create(new ModelSpec { InputShape = [4], Bottleneck = 4, Activation = "linear", OutputActivation = "linear" });
        var dense = (DenseAutoencoder)model;
        using (no_grad())
        {
            var encoder = (TorchSharp.Modules.Linear)dense.EncoderLayers[0];
            var decoder = (TorchSharp.Modules.Linear)dense.DecoderLayers[0];
            encoder.weight!.copy_(eye(4));
            encoder.bias!.zero_();
            decoder.weight!.copy_(eye(4) * 0.5);
            decoder.bias!.fill_(0.25);
        }
        double noisySum = 0, denoisedSum = 0;
        for (int i = 0; i < clean.Length; i++)
        {
            noisySum += Math.Pow(noisy[i] - clean[i], 2);
            denoisedSum += Math.Pow(0.5 * noisy[i] + 0.25 - clean[i], 2);
        }
        double mseNoisy = noisySum / 12, mseDenoised = denoisedSum / 12;

        using var data = new Dataset("clean", tensor(clean, [3, 4]));
        using var pairs = data.WithInputs(new Dataset("noisy", tensor(noisy, [3, 4])));
        var metrics = DenoisingMetrics.Measure(model, pairs, batchSize: 2);

        Assert.Equal(3, metrics.Samples);
        Assert.Equal(mseNoisy, metrics.MseNoisy, 6);
        Assert.Equal(mseDenoised, metrics.MseDenoised, 6);
        Assert.Equal(100 * (mseNoisy - mseDenoised) / mseNoisy, metrics.ImprovementPercent, 4);
        Assert.Equal(10 * Math.Log10(1 / mseNoisy), metrics.PsnrNoisy, 4);
        Assert.Equal(10 * Math.Log10(1 / mseDenoised), metrics.PsnrDenoised, 4);
        // The numbers themselves, worked out: squared noisy errors 0.25+0.25+0+0.0625+0+1+0+1+0.04+0+0.16+0 = 2.7625;
        // x̂ = [0.5 0.5 0.5 0.5 | 0.75 0.25 0.25 0.75 | 0.25 0.45 0.75 0.65], squared errors summing to 1.8625.
        Assert.Equal(2.7625 / 12, metrics.MseNoisy, 6);
        Assert.Equal(1.8625 / 12, metrics.MseDenoised, 6);
        var json = Bottleneck.IO.ResultJson.ToNode(metrics.Summary("gaussian:0.5"));
        Assert.Equal("gaussian:0.5", (string)json["corruption"]!);
        Assert.Equal(metrics.ImprovementPercent, (double)json["improvement_percent"]!);
        Assert.Null(json["fixed_noise"]);   // a fact of training runs only
    }
}
