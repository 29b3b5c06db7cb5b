using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Objectives;

/// <summary>Each penalty of §3.3 against a hand computation on a small tensor.</summary>
public class PenaltyTests
{
    static Tensor T(double[,] values) => tensor(values, dtype: ScalarType.Float64);

    [Fact]
    public void L2_is_lambda_times_the_sum_of_squared_kernel_entries()
    {
        using var a = T(new double[,] { { 1, 2 }, { 3, -1 } });   // Σ W² = 1 + 4 + 9 + 1 = 15
        using var b = T(new double[,] { { 2 } });                // Σ W² = 4
        using var c = T(new double[,] { { 100 } });              // λ = 0: not penalised
        using var penalty = KernelL2Penalty.Of([(a, 0.01), (b, 0.5), (c, 0.0)]);
        Assert.Equal(0.01 * 15 + 0.5 * 4, penalty.item<double>(), 12);
    }

    [Fact]
    public void L1_activity_sums_over_units_and_averages_over_the_batch()
    {
        using var code = T(new double[,] { { 1, -2, 0 }, { 0.5, 0, 3 } });   // Σ_j |h_j| = 3 and 3.5
        using var penalty = ActivityL1Penalty.Of(code, 0.1);
        Assert.Equal(0.1 * (3 + 3.5) / 2, penalty.item<double>(), 12);
    }

    [Fact]
    public void Kl_sparsity_uses_the_batch_mean_activation_of_each_unit()
    {
        using var code = T(new double[,] { { 0.1, 0.5 }, { 0.3, 0.7 } });    // ρ̂ = [0.2, 0.6]
        double rho = 0.05, beta = 2;
        static double Kl(double p, double q) => p * Math.Log(p / q) + (1 - p) * Math.Log((1 - p) / (1 - q));
        using var penalty = KlSparsityPenalty.Of(code, rho, beta);
        Assert.Equal(beta * (Kl(rho, 0.2) + Kl(rho, 0.6)), penalty.item<double>(), 12);
    }

    [Fact]
    public void Kl_sparsity_is_zero_when_every_unit_hits_the_target()
    {
        using var code = T(new double[,] { { 0.0, 0.1 }, { 0.1, 0.0 } });    // ρ̂ = [0.05, 0.05]
        using var penalty = KlSparsityPenalty.Of(code, 0.05, 3);
        Assert.Equal(0, penalty.item<double>(), 12);
    }

    [Fact]
    public void Contractive_closed_form_for_sigmoid_and_relu_codes()
    {
        using var w = T(new double[,] { { 1, 2, 2 }, { 0, 3, 4 } });         // Σ_j W_ij² = 9 and 25
        using var sigmoidCode = T(new double[,] { { 0.5, 0.2 } });          // h(1−h) = 0.25 and 0.16
        using var sigmoid = ContractivePenalty.SquaredNormClosedForm(sigmoidCode, w, ActivationKind.Sigmoid);
        Assert.Equal(0.25 * 0.25 * 9 + 0.16 * 0.16 * 25, sigmoid.item<double>(), 12);

        using var reluCode = T(new double[,] { { 0.7, 0 }, { 0, 2 } });     // 1[a > 0] = [1, 0] and [0, 1]
        using var relu = ContractivePenalty.SquaredNormClosedForm(reluCode, w, ActivationKind.Relu);
        Assert.Equal([9.0, 25.0], relu.data<double>().ToArray());
        using var penalty = ContractivePenalty.Of(relu, 0.1);            // λ · mean over the batch
        Assert.Equal(0.1 * (9 + 25) / 2, penalty.item<double>(), 12);
    }

    [Fact]
    public void Per_layer_l2_overrides_the_global_lambda_and_its_gradient_is_two_lambda_w()
    {
        var spec = new ModelSpec
        {
            InputShape = [6], Encoder = [4], Bottleneck = 2,
            Penalties = new PenaltySpec { L2 = 0.1, L2Layers = new() { ["encoder.0"] = 0.5 } },
        };
        random.manual_seed(1);
        using var model = (DenseAutoencoder)ModelFactory.Create(spec);
        Assert.Equal(new Dictionary<string, double> { ["encoder.0"] = 0.5, ["encoder.2"] = 0.1, ["decoder.0"] = 0.1, ["decoder.2"] = 0.1 },
            model.Objective.L2Lambdas);
        var linears = model.named_modules().Where(m => m.module is Linear).ToDictionary(m => m.name, m => (Linear)m.module);
        double expected = linears.Sum(p => (p.Key == "encoder.0" ? 0.5 : 0.1) * p.Value.weight!.square().sum().item<float>());

        using var x = rand(3, 6);
        var terms = model.Loss(x, x, new ReconstructionLoss(LossKind.Bce));
        Assert.Equal(expected, terms.Parts["l2"].item<float>(), 4);
        Assert.Equal(terms.Parts["reconstruction"].item<float>() + terms.Parts["l2"].item<float>(), terms.Total.item<float>(), 5);

        // ∂(λ‖W‖²)/∂W = 2λW (§3.3.2); biases get no L2 gradient.
        terms.Parts["l2"].backward();
        foreach (var (name, layer) in linears)
        {
            var lambda = name == "encoder.0" ? 0.5 : 0.1;
            Assert.True(layer.weight!.grad!.allclose(layer.weight * (2 * lambda), rtol: 1e-5, atol: 1e-7), name);
            Assert.Equal(0, layer.bias!.grad?.abs().sum().item<float>() ?? 0);
        }
    }
}
