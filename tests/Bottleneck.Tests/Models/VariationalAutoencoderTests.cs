using Bottleneck.Models;
using Bottleneck.Models.Vae;
using Bottleneck.Objectives;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Models;

public class VariationalAutoencoderTests
{
    static readonly ModelSpec Tiny = new() { Name = "tiny-vae", Family = "vae", InputShape = [16], Encoder = [8], Bottleneck = 3 };
    static readonly ReconstructionLoss Bce = new(LossKind.Bce);

    static VariationalAutoencoder Build(ModelSpec spec, int seed = 1)
    {
        random.manual_seed(seed);
        return (VariationalAutoencoder)ModelFactory.Create(spec);
    }

    static Tensor Batch(int n = 5, int seed = 3)
    {
        using var generator = new Generator((ulong)seed);
        return rand([n, 16], generator: generator);
    }

    [Fact]
    public void Reparameterisation_gradients_match_finite_differences()
    {
        // L = Σ sin(z)·c with z = μ + exp(½ log σ²) ⊙ ε and ε fixed (the same generator seed each time).
        using var scope = NewDisposeScope();
        var c = tensor(new[] { 0.7, -1.3, 2.1 });
        Tensor Objective(Tensor mu, Tensor logVar)
        {
            using var generator = new Generator(5);
            return (VariationalAutoencoder.Reparameterise(mu, logVar, generator).sin() * c).sum();
        }
        var mu = tensor(new[] { 0.2, -0.5, 1.0 }, dtype: ScalarType.Float64).requires_grad_();
        var logVar = tensor(new[] { -0.3, 0.4, -1.0 }, dtype: ScalarType.Float64).requires_grad_();
        Objective(mu, logVar).backward();
        var muGrad = mu.grad!.data<double>().ToArray();
        var logVarGrad = logVar.grad!.data<double>().ToArray();
        const double h = 1e-6;
        for (int j = 0; j < 3; j++)
        {
            using var noGrad = no_grad();
            var step = zeros(3, dtype: ScalarType.Float64);
            step[j] = h;
            double dMu = (Objective(mu + step, logVar).item<double>() - Objective(mu - step, logVar).item<double>()) / (2 * h);
            double dLogVar = (Objective(mu, logVar + step).item<double>() - Objective(mu, logVar - step).item<double>()) / (2 * h);
            Assert.Equal(dMu, muGrad[j], 6);
            Assert.Equal(dLogVar, logVarGrad[j], 6);
            Assert.NotEqual(0.0, logVarGrad[j]);   // the noise really passes through σ
        }
    }

    [Fact]
    public void The_loss_sends_gradient_to_both_heads()
    {
        using var model = Build(Tiny);
        using var x = Batch();
        model.train();
        random.manual_seed(9);
        model.Loss(x, x, Bce).Total.backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.abs().sum().item<float>());
        Assert.True(grads["mu.weight"] > 0);
        Assert.True(grads["log_var.weight"] > 0);
        Assert.True(grads["encoder.0.weight"] > 0);
    }

    [Fact]
    public void Reconstruction_is_bce_summed_over_pixels_per_image_and_the_total_adds_the_kl()
    {
        using var model = Build(Tiny);
        using var x = Batch();
        model.train();
        random.manual_seed(9);
        var terms = model.Loss(x, x, Bce);
        // The same draw of ε by hand: z = μ + σ ⊙ ε, x̂ = sigmoid(decoder(z)), BCE summed over the 16 pixels.
        random.manual_seed(9);
        using var scope = NewDisposeScope();
        var (mu, logVar) = model.Posterior(x);
        var z = mu + (0.5 * logVar).exp() * randn_like(mu);
        var xHat = model.Decode(z);
        var bcePerImage = ReconstructionLoss.BceFromProbabilities(xHat, x).sum([1]);
        var kl = GaussianKl.PerSample(mu, logVar);
        Assert.Equal(bcePerImage.mean().item<float>(), terms.Parts["reconstruction"].item<float>(), 3);
        Assert.Equal(kl.mean().item<float>(), terms.Parts["kl"].item<float>(), 5);
        Assert.Equal((bcePerImage + kl).mean().item<float>(), terms.Total.item<float>(), 3);
        // Per image, not per pixel: 16 pixels of BCE near ln 2 each is about 11 nats.
        Assert.InRange(terms.Parts["reconstruction"].item<float>(), 5, 30);
    }

    [Fact]
    public void Beta_scales_only_the_kl()
    {
        using var plain = Build(Tiny);
        using var beta = Build(Tiny with { Vae = new VaeSpec { Beta = 4 } });
        using var x = Batch();
        random.manual_seed(9);
        var a = plain.Loss(x, x, Bce);
        random.manual_seed(9);
        var b = beta.Loss(x, x, Bce);
        float reconstruction = a.Parts["reconstruction"].item<float>(), kl = a.Parts["kl"].item<float>();
        Assert.Equal(reconstruction, b.Parts["reconstruction"].item<float>());
        Assert.Equal(kl, b.Parts["kl"].item<float>());
        Assert.Equal(reconstruction + kl, a.Total.item<float>(), 4);
        Assert.Equal(reconstruction + 4 * kl, b.Total.item<float>(), 4);
        Assert.True(kl > 0);
    }

    [Fact]
    public void Encode_returns_mu_and_reconstruction_is_deterministic()
    {
        using var model = Build(Tiny);
        using var x = Batch();
        model.eval();
        using var code = model.Encode(x);
        var (mu, logVar) = model.Posterior(x);
        Assert.Equal(mu.data<float>().ToArray(), code.data<float>().ToArray());
        Assert.Equal(model.Reconstruct(x).data<float>().ToArray(), model.Reconstruct(x).data<float>().ToArray());
        mu.Dispose(); logVar.Dispose();
    }

    [Fact]
    public void Only_bce_is_accepted_because_the_decoder_is_bernoulli()
    {
        using var model = Build(Tiny);
        using var x = Batch();
        var e = Assert.Throws<OptionException>(() => model.Loss(x, x, new ReconstructionLoss(LossKind.Mse)));
        Assert.Equal("loss", Assert.IsType<OptionException>(e).Field);
        Assert.Contains("expected bce, got mse", e.Message);
    }

    [Theory]
    [InlineData("""{"family": "vae", "vae": {"beta": -1}}""", "vae.beta")]
    [InlineData("""{"family": "vae", "vae": {"iw_samples": 0}}""", "vae.iw_samples")]
    [InlineData("""{"family": "vae", "vae": {"conv_channels": [32, 0]}}""", "vae.conv_channels")]
    [InlineData("""{"family": "vae", "output_activation": "linear"}""", "output_activation")]
    [InlineData("""{"family": "dense", "vae": {"beta": 2}}""", "field 'vae'")]
    [InlineData("""{"family": "vq-vae", "vq": {"codebook_size": 1}}""", "vq.codebook_size")]
    [InlineData("""{"family": "vq-vae", "vq": {"commitment": -0.5}}""", "vq.commitment")]
    [InlineData("""{"family": "vq-vae", "vq": {"revive_every": -1}}""", "vq.revive_every")]
    [InlineData("""{"family": "vq-vae", "vq": {"conv_channels": []}}""", "vq.conv_channels")]
    [InlineData("""{"family": "dense", "vq": {}}""", "field 'vq'")]
    public void Bad_family_options_name_their_field(string json, string field)
    {
        var e = Assert.Throws<BadInputException>(() => ModelSpec.Parse(json, "spec.json"));
        Assert.StartsWith("spec.json: ", e.Message);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void A_convolutional_vae_needs_sides_divisible_by_its_stride()
    {
        var e = Assert.Throws<BadInputException>(() => ModelFactory.Create(Presets.Get("conv-vae") with { InputShape = [30, 30] }));
        Assert.Contains("divisible by 4", e.Message);
        e = Assert.Throws<BadInputException>(() => ModelFactory.Create(Presets.Get("conv-vae") with { InputShape = [10] }));
        Assert.Contains("greyscale images", e.Message);
    }

    [Fact]
    public void The_spec_round_trips_through_json_with_its_family_options()
    {
        var spec = Presets.Get("conv-vae") with { Vae = new VaeSpec { Beta = 2.5, ConvChannels = [8, 16], IwSamples = 7 } };
        var back = ModelSpec.Parse(spec.ToJson(), "round trip");
        Assert.Equal(2.5, back.Vae!.Beta);
        Assert.Equal([8, 16], back.Vae.ConvChannels!);
        Assert.Equal(7, back.Vae.IwSamples);
        Assert.Contains("\"conv_channels\"", spec.ToJson());
    }
}
