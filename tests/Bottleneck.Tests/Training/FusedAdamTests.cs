using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Training;

/// <summary>
/// The fused Adam update against Adam's formula computed in float64 by hand, and against TorchSharp's own Adam.step
/// (the same arithmetic in eight tensor operations), over parameters of every layout a model has.
/// </summary>
public class FusedAdamTests
{
    // Shapes: a Dense weight, a bias whose length is no multiple of the vector width, a channels-last conv weight.
    static Parameter[] MakeParameters(long seed)
    {
        using var generator = new Generator((ulong)seed);
        var conv = ChannelsLast.Relayout(randn([8, 3, 3, 3], generator: generator));
        return [new Parameter(randn([32, 20], generator: generator)), new Parameter(randn([37], generator: generator)), new Parameter(conv)];
    }

    static Tensor[] Gradients(Parameter[] like, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return like.Select(p => randn(p.shape, generator: generator)).ToArray();
    }

    static double Relative(Tensor a, Tensor reference) =>
        (a.to_type(ScalarType.Float64) - reference).abs().max().item<double>() / reference.abs().max().item<double>();

    [Fact]
    public void Three_steps_match_adams_formula_in_float64_and_torchsharps_adam()
    {
        const double lr = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-7;
        using var scope = NewDisposeScope();
        var fusedParameters = MakeParameters(1);
        var plainParameters = MakeParameters(1);
        using var fusedOptimizer = optim.Adam(fusedParameters, lr, beta1, beta2, eps);
        using var plainOptimizer = optim.Adam(plainParameters, lr, beta1, beta2, eps);
        var fused = FusedAdam.For(fusedOptimizer)!;
        Assert.NotNull(fused);
        var theta = fusedParameters.Select(p => p.detach().to_type(ScalarType.Float64)).ToArray();
        var m = theta.Select(x => zeros_like(x)).ToArray();
        var v = theta.Select(x => zeros_like(x)).ToArray();
        for (int t = 1; t <= 3; t++)
        {
            // The gradient arrives in two parts (two workers' shares); the references get their float32 sum.
            var first = Gradients(fusedParameters, 10 + t);
            var second = Gradients(fusedParameters, 20 + t);
            for (int i = 0; i < fusedParameters.Length; i++)
            {
                fused.Update(i, [first[i], second[i]]);
                plainParameters[i].grad = first[i] + second[i];
                // m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − α/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
                var g = (first[i] + second[i]).to_type(ScalarType.Float64);
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g.square();
                theta[i] = theta[i] - lr / (1 - Math.Pow(beta1, t)) * m[i] / (v[i].sqrt() / Math.Sqrt(1 - Math.Pow(beta2, t)) + eps);
            }
            plainOptimizer.step();
            for (int i = 0; i < fusedParameters.Length; i++)
            {
                Assert.True(Relative(fusedParameters[i], theta[i]) < 1e-6, $"step {t}, parameter {i}: {Relative(fusedParameters[i], theta[i]):e2} from float64");
                Assert.True(Relative(fusedParameters[i], plainParameters[i].to_type(ScalarType.Float64)) < 1e-6, $"step {t}, parameter {i}: differs from TorchSharp's Adam");
            }
        }
        // The optimiser's own state moved: saving it saves the fused steps.
        var state = (Adam.State)fusedOptimizer.state_dict().State[0];
        Assert.Equal(3, state.step);
        Assert.True(Relative(state.exp_avg, m[0]) < 1e-6);
        Assert.True(Relative(state.exp_avg_sq, v[0]) < 1e-5);
        Assert.True(ChannelsLast.IsChannelsLast(fusedParameters[2]));
    }

    [Fact]
    public void Moments_reloaded_in_another_layout_are_relaid_and_the_update_stays_right()
    {
        // A saved and reloaded state is contiguous while a conv weight is channels last (Optimizers.SaveState).
        using var scope = NewDisposeScope();
        var parameters = MakeParameters(2);
        var reference = MakeParameters(2);
        using var optimizer = optim.Adam(parameters, 1e-2);
        using var plain = optim.Adam(reference, 1e-2);
        var state = (Adam.State)optimizer.state_dict().State[2];
        state.exp_avg = full(parameters[2].shape, 0.5f).DetachFromDisposeScope();
        state.exp_avg_sq = full(parameters[2].shape, 0.25f).DetachFromDisposeScope();
        var plainState = (Adam.State)plain.state_dict().State[2];
        plainState.exp_avg.fill_(0.5f);
        plainState.exp_avg_sq.fill_(0.25f);
        Assert.False(ChannelsLast.IsChannelsLast(state.exp_avg));
        var g = Gradients(parameters, 5);
        FusedAdam.For(optimizer)!.Update(2, [g[2]]);
        reference[2].grad = g[2];
        plain.step();
        Assert.True(Relative(parameters[2], reference[2].to_type(ScalarType.Float64)) < 1e-6);
        Assert.True(Relative(((Adam.State)optimizer.state_dict().State[2]).exp_avg, plainState.exp_avg.to_type(ScalarType.Float64)) < 1e-6);
    }

    [Fact]
    public void Only_a_plain_adam_is_fused()
    {
        using var scope = NewDisposeScope();
        Assert.Null(FusedAdam.For(optim.SGD(MakeParameters(3), 0.1)));
        Assert.Null(FusedAdam.For(optim.Adam(MakeParameters(3), 0.1, amsgrad: true)));
        Assert.Null(FusedAdam.For(optim.Adam(MakeParameters(3), 0.1, weight_decay: 0.01)));
        Assert.NotNull(FusedAdam.For(Optimizers.Create(OptimizerKind.Adam, MakeParameters(3), 0.1)));
    }
}
