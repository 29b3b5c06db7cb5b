using Bottleneck.Objectives;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Objectives;

/// <summary>The losses against hand computations, including the chapter's worked table (§2.4) with its BCE error corrected.</summary>
public class ReconstructionLossTests
{
    static double Loss(string kind, double x, double xHat)
    {
        using var target = tensor(new[] { (float)x });
        using var output = tensor(new[] { (float)xHat });
        using var value = ReconstructionLoss.Parse(kind).Elementwise(output, target);
        return value.item<float>();
    }

    [Theory]
    [InlineData(0.0, 0.1, 0.01, 0.1053605)]
    [InlineData(0.0, 0.5, 0.25, 0.6931472)]
    [InlineData(1.0, 0.9, 0.01, 0.1053605)]
    [InlineData(1.0, 0.5, 0.25, 0.6931472)]
    [InlineData(0.5, 0.6, 0.01, 0.7135582)]   // the chapter prints 0.020 here: that is BCE minus the target's entropy
    public void Worked_table_of_section_2_4(double x, double xHat, double mse, double bce)
    {
        Assert.Equal(mse, Loss("mse", x, xHat), 5);
        Assert.Equal(bce, Loss("bce", x, xHat), 5);
    }

    [Fact]
    public void Bce_clips_probabilities_like_keras()
    {
        // x̂ = 0 with x = 1 would be infinite; clipped to 1e-7 it is −log(1e-7) = 16.118.
        Assert.Equal(16.1181, Loss("bce", 1.0, 0.0), 3);
    }

    [Theory]
    [InlineData(0.5, 0.125)]   // ½e² inside δ = 1
    [InlineData(2.0, 1.5)]     // δ(|e| − ½δ) outside
    public void Huber_is_quadratic_then_linear(double error, double expected) => Assert.Equal(expected, Loss("huber", 0, error), 6);

    [Fact]
    public void Mae_is_the_absolute_error() => Assert.Equal(0.3, Loss("mae", 0.2, 0.5), 6);

    [Fact]
    public void Bce_from_logits_equals_bce_of_the_sigmoid()
    {
        using var logits = tensor(new[] { -3f, -0.5f, 0f, 0.7f, 4f });
        using var target = tensor(new[] { 0f, 0.2f, 0.5f, 1f, 1f });
        var loss = new ReconstructionLoss(LossKind.Bce);
        using var fromLogits = loss.Mean(logits, new OutputFunction(ActivationKind.Sigmoid), target);
        using var fromProbabilities = ReconstructionLoss.BceFromProbabilities(logits.sigmoid(), target).mean();
        Assert.Equal(fromProbabilities.item<float>(), fromLogits.item<float>(), 5);
    }

    [Fact]
    public void Mean_is_the_per_element_mean_keras_reports()
    {
        using var output = tensor(new[] { 0.1f, 0.5f, 0.9f, 0.5f });
        using var target = tensor(new[] { 0f, 0f, 1f, 1f });
        using var mse = new ReconstructionLoss(LossKind.Mse).Mean(output, new OutputFunction(ActivationKind.Linear), target);
        Assert.Equal((0.01 + 0.25 + 0.01 + 0.25) / 4, mse.item<float>(), 6);
    }

    [Fact]
    public void Mean_of_sample_sums_is_the_per_image_total_averaged_over_the_batch()
    {
        // Two "images" of two pixels: BCE from logits per pixel, summed per image, then averaged over the two images.
        using var logits = tensor(new[,] { { -1f, 2f }, { 0.5f, 0f } });
        using var target = tensor(new[,] { { 0f, 1f }, { 1f, 0.5f } });
        static double Bce(double a, double x) => -(x * Math.Log(1 / (1 + Math.Exp(-a))) + (1 - x) * Math.Log(1 - 1 / (1 + Math.Exp(-a))));
        double expected = (Bce(-1, 0) + Bce(2, 1) + Bce(0.5, 1) + Bce(0, 0.5)) / 2;
        using var bce = new ReconstructionLoss(LossKind.Bce).MeanOfSampleSums(logits, new OutputFunction(ActivationKind.Sigmoid), target);
        Assert.Equal(expected, bce.item<float>(), 5);
        // MSE with a linear output: ((−1)² + 1² + 0.5² + 0.5²)/2 = 1.25
        using var mse = new ReconstructionLoss(LossKind.Mse).MeanOfSampleSums(logits, new OutputFunction(ActivationKind.Linear), target);
        Assert.Equal(1.25, mse.item<float>(), 6);
    }

    [Fact]
    public void Unknown_loss_is_bad_input() =>
        Assert.Contains("unknown loss 'hinge'", Assert.Throws<OptionException>(() => ReconstructionLoss.Parse("hinge")).Message);
}
