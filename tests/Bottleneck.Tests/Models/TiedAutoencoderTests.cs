using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Tests.Models;

/// <summary>The weight-tied autoencoder of §3.3.3: one shared tensor, its parameter count, and §6 Problem 4's gradient.</summary>
public class TiedAutoencoderTests
{
    static TiedAutoencoder Tied(ModelSpec spec, int seed = 4)
    {
        random.manual_seed(seed);
        return (TiedAutoencoder)ModelFactory.Create(spec with { Family = "tied" });
    }

    static Linear EncoderLinear(TiedAutoencoder model, int index) => (Linear)model.EncoderLayers.children().ElementAt(index);
    static TiedLinear DecoderLinear(TiedAutoencoder model, int index) => (TiedLinear)model.DecoderLayers.children().ElementAt(index);

    [Fact]
    public void The_784_32_784_preset_has_25904_parameters_named_as_in_pytorch()
    {
        using var model = (TiedAutoencoder)ModelFactory.Create(Presets.Get("tied").WithInputShape([784]));
        Assert.Equal(25_904, model.TrainableParameterCount);             // 784·32 + 32 + 784; untied: 50,992
        Assert.Equal(["encoder.0.weight", "encoder.0.bias", "decoder.0.bias"], model.state_dict().Keys.ToArray());
        var rows = ModelSummary.Of(model);
        Assert.Equal(25_120, rows.Single(r => r.Name == "encoder.0").TrainableParams);
        Assert.Equal(784, rows.Single(r => r.Name == "decoder.0").TrainableParams);
        Assert.Equal([784L], rows.Last().OutputShape);
    }

    [Fact]
    public void The_decoder_uses_the_encoders_own_parameter_not_a_copy()
    {
        using var model = Tied(new ModelSpec { InputShape = [5], Bottleneck = 3 });
        var encoder = EncoderLinear(model, 0);
        var decoder = DecoderLinear(model, 0);
        Assert.Same(encoder.weight, decoder.Weight);
        Assert.Single(model.parameters(), p => p.shape.SequenceEqual(new long[] { 3, 5 }));

        // Changing W_e in place changes the decoder's output: x̂_pre = W_eᵀh + b_d.
        using var h = tensor(new float[] { 1, 2, 3 }).reshape(1, 3);
        using (no_grad()) encoder.weight!.fill_(0.5f);
        using var pre = model.DecodePreActivation(h);
        Assert.Equal(Enumerable.Repeat(0.5f * 6, 5), pre.data<float>().ToArray());
    }

    [Fact]
    public void A_deep_tied_model_transposes_its_encoder_layers_in_reverse()
    {
        using var model = Tied(new ModelSpec { InputShape = [784], Encoder = [128], Bottleneck = 32 });
        // 784·128 + 128 + 128·32 + 32 (encoder) + 128 + 784 (decoder biases)
        Assert.Equal(105_520, model.TrainableParameterCount);
        Assert.Same(EncoderLinear(model, 2).weight, DecoderLinear(model, 0).Weight);
        Assert.Same(EncoderLinear(model, 0).weight, DecoderLinear(model, 2).Weight);
        Assert.Equal(["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias", "decoder.0.bias", "decoder.2.bias"],
            model.state_dict().Keys.ToArray());
    }

    [Theory]
    [InlineData("""{ "family": "tied", "encoder": [128], "decoder": [64] }""", "field 'decoder': a tied model's decoder mirrors its encoder (expected [128] or no decoder), got [64]")]
    [InlineData("""{ "family": "tied", "decoder": [16] }""", "expected [] or no decoder), got [16]")]
    [InlineData("""{ "family": "tied", "encoder": [64], "batch_norm": true }""", "field 'batch_norm': not supported by the tied family")]
    public void Shapes_that_cannot_be_tied_are_bad_input(string json, string expected)
    {
        var error = Assert.Throws<BadInputException>(() => ModelSpec.Parse(json, "spec.json"));
        Assert.Contains(expected, error.Message);
    }

    /// <summary>
    /// §6 Problem 4: with h = σ(W x + b_e), x̂ = σ(Wᵀh + b_d) and L = Σ BCE(x, x̂), the hand-written backward pass
    /// δ_d = x̂ − x, δ_e = (W δ_d) ⊙ h(1 − h), ∂L/∂W = h δ_dᵀ + δ_e xᵀ (summed over the batch) must equal autograd on the
    /// model's one shared Parameter, finite differences of L, and the sum of autograd's two role gradients.
    /// </summary>
    [Fact]
    public void The_shared_weight_gradient_is_the_sum_of_the_decoder_and_encoder_roles()
    {
        using var model = Tied(new ModelSpec { InputShape = [5], Bottleneck = 3, BottleneckActivation = "sigmoid" });
        model.to(ScalarType.Float64);
        var encoder = EncoderLinear(model, 0);
        var decoder = DecoderLinear(model, 0);
        using (no_grad())
        {
            // Non-zero biases, so the test covers them.
            encoder.bias!.copy_(tensor(new[] { 0.1, -0.2, 0.3 }));
            decoder.Bias.copy_(tensor(new[] { -0.1, 0.05, 0.2, 0.0, -0.3 }));
        }
        using var x = rand(4, 5, dtype: ScalarType.Float64, generator: new Generator(8));
        Tensor Loss() => F.binary_cross_entropy_with_logits(model.DecodePreActivation(model.Encode(x)), x, reduction: nn.Reduction.Sum);

        // Hand-written backward pass (rows are samples, so h δ_dᵀ summed over the batch is Hᵀ Δ_d).
        Tensor hand, decoderRole, encoderRole;
        using (no_grad())
        {
            var w = encoder.weight!;
            var h = (x.matmul(w.t()) + encoder.bias!).sigmoid();
            var xHat = (h.matmul(w) + decoder.Bias).sigmoid();
            var deltaD = xHat - x;                                    // ∂L/∂a_d = x̂ − x for BCE with sigmoid (§6)
            var deltaE = deltaD.matmul(w.t()) * h * (1 - h);          // δ_e = [W δ_d] ⊙ σ'(a_e)
            decoderRole = h.t().matmul(deltaD);                      // h δ_dᵀ
            encoderRole = deltaE.t().matmul(x);                      // δ_e xᵀ
            hand = decoderRole + encoderRole;
        }

        // Autograd on the one shared Parameter.
        model.zero_grad();
        Loss().backward();
        var autograd = encoder.weight!.grad!.clone();
        Assert.True(autograd.allclose(hand, rtol: 1e-10, atol: 1e-12), "autograd differs from h δ_dᵀ + δ_e xᵀ");

        // Each role alone, by autograd with the other role's use of W detached.
        Tensor RoleGradient(bool decoderUsesW)
        {
            var w = encoder.weight!;
            var h = F.linear(x, decoderUsesW ? w.detach() : w, encoder.bias!).sigmoid();
            var pre = h.matmul(decoderUsesW ? w : w.detach()) + decoder.Bias;
            return torch.autograd.grad([F.binary_cross_entropy_with_logits(pre, x, reduction: nn.Reduction.Sum)], [w])[0];
        }
        Assert.True(RoleGradient(decoderUsesW: true).allclose(decoderRole, rtol: 1e-10, atol: 1e-12), "decoder role");
        Assert.True(RoleGradient(decoderUsesW: false).allclose(encoderRole, rtol: 1e-10, atol: 1e-12), "encoder role");

        // Central finite differences of L in every entry of W.
        const double eps = 1e-6;
        using (no_grad())
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++)
                {
                    encoder.weight![i, j].add_(eps);
                    double up = Loss().item<double>();
                    encoder.weight![i, j].sub_(2 * eps);
                    double down = Loss().item<double>();
                    encoder.weight![i, j].add_(eps);
                    Assert.Equal(hand[i, j].item<double>(), (up - down) / (2 * eps), 6);
                }
    }

    [Fact]
    public void Saving_and_loading_keeps_the_tie()
    {
        using var folder = new TempFolder();
        using var model = Tied(new ModelSpec { InputShape = [6], Encoder = [4], Bottleneck = 2 });
        ModelFolder.Save(model, folder.Path);
        using var loaded = (TiedAutoencoder)ModelFolder.Load(folder.Path);
        using var x = rand(3, 6);
        using (no_grad())
        {
            model.eval();
            Assert.True(loaded.Reconstruct(x).allclose(model.Reconstruct(x)));
            Assert.Same(EncoderLinear(loaded, 0).weight, DecoderLinear(loaded, 2).Weight);
            Assert.Equal(loaded.TrainableParameterCount, model.TrainableParameterCount);
        }
    }
}
