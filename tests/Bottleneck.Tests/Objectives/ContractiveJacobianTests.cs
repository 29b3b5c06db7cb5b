using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Objectives;

/// <summary>
/// ‖J_f(x)‖²_F of §3.3.5 three ways: the closed form for one Dense layer, automatic differentiation for any encoder,
/// and central finite differences of the encoder itself, all in float64.
/// </summary>
public class ContractiveJacobianTests
{
    static Autoencoder Model(ModelSpec spec, int seed = 3)
    {
        random.manual_seed(seed);
        var model = ModelFactory.Create(spec);
        model.to(ScalarType.Float64);
        model.eval();
        return model;
    }

    /// <summary>Σ_ij (∂h_i/∂x_j)² for one sample by central differences.</summary>
    static double FiniteDifferenceSquaredNorm(Autoencoder model, Tensor sample, double eps = 1e-6)
    {
        using var noGrad = no_grad();
        double total = 0;
        long d = sample.shape[1];
        for (long j = 0; j < d; j++)
        {
            using var plus = sample.clone();
            using var minus = sample.clone();
            plus[0, j].add_(eps);
            minus[0, j].sub_(eps);
            using var column = (model.Encode(plus) - model.Encode(minus)) / (2 * eps);
            total += column.square().sum().item<double>();
        }
        return total;
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("leaky_relu")]
    [InlineData("elu")]
    [InlineData("linear")]
    public void Closed_form_autograd_and_finite_differences_agree_for_one_layer(string activation)
    {
        using var model = Model(new ModelSpec { InputShape = [6], Bottleneck = 4, BottleneckActivation = activation });
        var layer = (Linear)((DenseAutoencoder)model).EncoderLayers.children().First();
        using var x = rand(5, 6, dtype: ScalarType.Float64, generator: new TorchSharp.torch.Generator(11));

        using var closed = ContractivePenalty.SquaredNormClosedForm(model.Encode(x).detach(), layer.weight!.detach(),
            Activations.Parse(activation, "test"), 0.01);
        var input = x.clone().requires_grad_(true);
        using var auto = ContractivePenalty.SquaredNormAutograd(input, model.Encode(input), createGraph: false);
        Assert.True(closed.allclose(auto, rtol: 1e-10, atol: 1e-12), $"closed [{string.Join(", ", closed.data<double>().ToArray())}], autograd [{string.Join(", ", auto.data<double>().ToArray())}]");
        for (int b = 0; b < 5; b++)
            Assert.Equal(closed[b].item<double>(), FiniteDifferenceSquaredNorm(model, x.narrow(0, b, 1)), 6);
    }

    [Fact]
    public void Autograd_matches_finite_differences_for_a_deep_encoder()
    {
        using var model = Model(new ModelSpec { InputShape = [7], Encoder = [5], Bottleneck = 3, Activation = "tanh", BottleneckActivation = "sigmoid" });
        using var x = rand(4, 7, dtype: ScalarType.Float64, generator: new TorchSharp.torch.Generator(5));
        var input = x.clone().requires_grad_(true);
        using var auto = ContractivePenalty.SquaredNormAutograd(input, model.Encode(input), createGraph: false);
        for (int b = 0; b < 4; b++)
            Assert.Equal(FiniteDifferenceSquaredNorm(model, x.narrow(0, b, 1)), auto[b].item<double>(), 6);
    }

    [Fact]
    public void The_penalty_has_the_same_parameter_gradient_in_closed_form_and_by_autograd()
    {
        // Training needs ∂(λ‖J‖²)/∂θ: with create_graph the autograd path is differentiable and must agree with the closed form.
        using var model = Model(new ModelSpec { InputShape = [6], Bottleneck = 4, BottleneckActivation = "sigmoid" });
        var layer = (Linear)((DenseAutoencoder)model).EncoderLayers.children().First();
        using var x = rand(5, 6, dtype: ScalarType.Float64, generator: new TorchSharp.torch.Generator(2));

        ContractivePenalty.Of(ContractivePenalty.SquaredNormClosedForm(model.Encode(x), layer.weight!, ActivationKind.Sigmoid), 0.1).backward();
        using var closedWeight = layer.weight!.grad!.clone();
        using var closedBias = layer.bias!.grad!.clone();
        model.zero_grad();

        var input = x.clone().requires_grad_(true);
        ContractivePenalty.Of(ContractivePenalty.SquaredNormAutograd(input, model.Encode(input), createGraph: true), 0.1).backward();
        Assert.True(layer.weight!.grad!.allclose(closedWeight, rtol: 1e-9, atol: 1e-12));
        Assert.True(layer.bias!.grad!.allclose(closedBias, rtol: 1e-9, atol: 1e-12));
    }

    [Fact]
    public void A_deep_contractive_model_trains_and_validates_by_autograd()
    {
        var spec = new ModelSpec { InputShape = [7], Encoder = [5], Bottleneck = 3, Penalties = new PenaltySpec { Contractive = 0.2 } };
        using var model = (DenseAutoencoder)Model(spec);
        Assert.False(model.Objective.HasClosedFormJacobian);
        using var x = rand(4, 7, dtype: ScalarType.Float64, generator: new TorchSharp.torch.Generator(9));
        var loss = new ReconstructionLoss(LossKind.Bce);

        var input = x.clone().requires_grad_(true);
        using var expected = ContractivePenalty.SquaredNormAutograd(input, model.Encode(input), createGraph: false).mean() * 0.2;
        var terms = model.Loss(x, x, loss);
        Assert.Equal(expected.item<double>(), terms.Parts["contractive"].item<double>(), 12);
        terms.Total.backward();   // the penalty reaches every encoder weight
        Assert.All(model.EncoderLayers.parameters(), p => Assert.True(p.grad!.abs().sum().item<double>() > 0));

        // Validation runs under no_grad: the penalty is still computed, and equals the training-mode value.
        using (no_grad())
            Assert.Equal(expected.item<double>(), model.Loss(x, x, loss).Parts["contractive"].item<double>(), 12);
    }
}
