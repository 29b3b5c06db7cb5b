using Bottleneck.Models.Conv;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;
// Layer.Conv(32) rather than Conv(32): inside Bottleneck.Models a bare Conv or Dense names the family namespace.
using Layer = Bottleneck.Models.Conv.ConvLayerSpec;

namespace Bottleneck.Models;

/// <summary>The chapter's exact architectures, by name (the sections are in each preset's description).</summary>
internal static class Presets
{
    static readonly Dictionary<string, (ModelSpec Spec, string Description)> All = new(StringComparer.OrdinalIgnoreCase)
    {
        // §10.1: Dense(32, relu) -> Dense(784, sigmoid); 25,120 + 25,872 = 50,992 parameters (not the 51,072 of §2.3).
        ["basic"] = (new ModelSpec { Name = "basic", Encoder = [], Bottleneck = 32 },
            "§10.1 basic undercomplete autoencoder 784-32-784"),
        // §10.5 complete MNIST example (Webinar 1's deep AE): 222,384 parameters.
        ["deep"] = (new ModelSpec { Name = "deep", Encoder = [128, 64], Bottleneck = 32 },
            "§10.5 deep autoencoder 784-128-64-32-64-128-784"),
        // §10.2 build_deep_autoencoder: Dense -> BN -> ReLU -> Dropout(0.2) per hidden layer, none at the bottleneck.
        ["deep-bn"] = (new ModelSpec { Name = "deep-bn", Encoder = [512, 256, 128], Bottleneck = 32, BatchNorm = true, Dropout = 0.2 },
            "§10.2 deep autoencoder 784-512-256-128-32-128-256-512-784 with BatchNorm and Dropout 0.2"),
        // §8.1: a 2-D map needs a linear bottleneck (a ReLU would fold half the plane onto the axes).
        ["viz2d"] = (new ModelSpec { Name = "viz2d", Encoder = [256, 128], Bottleneck = 2, BottleneckActivation = "linear" },
            "§8.1 2-D visualisation autoencoder 784-256-128-2(linear)-128-256-784"),
        // §9's shallow-vs-deep table (§9.3) 784-256-32-256-784: the vae preset's layers without μ/log σ² sampling, the plain
        // autoencoder beside it in `bottleneck interpolate`; 200,960 + 8,224 + 8,448 + 201,488 = 419,120 (not 227,360).
        ["ae-256-32"] = (new ModelSpec { Name = "ae-256-32", Encoder = [256], Bottleneck = 32 },
            "§9 table's plain autoencoder 784-256-32-256-784 (419,120 parameters), the vae preset's size without sampling"),
        // §3.2 / §12.4 Q2: the exam's 784-1000-784, left unregularised so `bottleneck diagnose` can show the trivial solution.
        ["overcomplete"] = (new ModelSpec { Name = "overcomplete", Encoder = [], Bottleneck = 1000 },
            "§3.2 overcomplete autoencoder 784-1000-784, no regularisation (1,569,784 parameters)"),
        // §11 mermaid (§11.1): Dense 1024 ReLU -> Dense 1024 ReLU (code) -> Dense 784 ReLU -> Dense 784 sigmoid.
        ["overcomplete-1024"] = (new ModelSpec { Name = "overcomplete-1024", Encoder = [1024], Bottleneck = 1024, Decoder = [784] },
            "§11 overcomplete layout 784-1024-1024(code)-784-784, no regularisation (3,272,480 parameters)"),
        // §3.3.2: Dense(32, relu, kernel_regularizer=l2(0.01)) on the encoder only, as the chapter's Keras code.
        ["l2"] = (new ModelSpec { Name = "l2", Bottleneck = 32, Penalties = new PenaltySpec { L2Layers = new() { ["encoder.0"] = 0.01 } } },
            "§3.3.2 784-32-784 with L2 λ=0.01 on the encoder kernel (Keras kernel_regularizer=l2(0.01))"),
        // §3.3.4 L1 version: Dense(32, relu, activity_regularizer=l1(λ)); λ chosen in docs/regularised.md.
        ["sparse-l1"] = (new ModelSpec { Name = "sparse-l1", Bottleneck = 32, Penalties = new PenaltySpec { L1Activity = 1e-4 } },
            "§3.3.4 sparse autoencoder 784-32-784, L1 λ=1e-4 on the code (Keras activity_regularizer=l1)"),
        // §3.3.4 KL version: a sigmoid code with target mean activation ρ = 0.05.
        ["sparse-kl"] = (new ModelSpec { Name = "sparse-kl", Bottleneck = 32, BottleneckActivation = "sigmoid",
                Penalties = new PenaltySpec { KlSparsity = new KlSparsitySpec { Rho = 0.05, Beta = 0.1 } } },
            "§3.3.4 sparse autoencoder 784-32(sigmoid)-784 with KL sparsity ρ=0.05, β=0.1"),
        // §3.3.3: W_d = W_eᵀ with its own decoder bias; 25,904 parameters.
        ["tied"] = (new ModelSpec { Name = "tied", Family = "tied", Bottleneck = 32 },
            "§3.3.3 weight-tied autoencoder 784-32-784, decoder W_eᵀ + own bias (25,904 parameters)"),
        // §3.3.5 with Rifai et al.'s setting: sigmoid code and tied weights, so the penalty cannot be dodged by rescaling.
        ["contractive"] = (new ModelSpec { Name = "contractive", Family = "tied", Bottleneck = 32, BottleneckActivation = "sigmoid",
                Penalties = new PenaltySpec { Contractive = 0.01 } },
            "§3.3.5 contractive autoencoder 784-32(sigmoid)-784, tied weights, λ=0.01·‖J_f(x)‖²_F"),
        // §13.1's Keras VAE: Dense(256, relu) → μ, log σ² (Dense(32) each) → Dense(256, relu) → Dense(784, sigmoid);
        // 200,960 + 2 × 8,224 + 8,448 + 201,488 = 427,344 parameters.
        ["vae"] = (new ModelSpec { Name = "vae", Family = VariationalAutoencoder.FamilyName, Encoder = [256], Bottleneck = 32 },
            "§13.1 variational autoencoder 784-256-(μ, log σ²: 32)-256-784, loss in nats per image"),
        // §13.1's VAE with a 2-D latent space, so the decoder's whole latent space fits on one page (bottleneck manifold):
        // 200,960 + 2 × (256·2+2) + (2·256+256) + 201,488 = 404,244 parameters.
        ["vae-2d"] = (new ModelSpec { Name = "vae-2d", Family = VariationalAutoencoder.FamilyName, Encoder = [256], Bottleneck = 2 },
            "§13.1 variational autoencoder with a 2-D latent space 784-256-(μ, log σ²: 2)-256-784, for the latent manifold"),
        // PyTorch's examples/vae: fc1 784→400, fc21/fc22 400→20, fc3 20→400, fc4 400→784; 652,824 parameters.
        ["vae-400-20"] = (new ModelSpec { Name = "vae-400-20", Family = VariationalAutoencoder.FamilyName, Encoder = [400], Bottleneck = 20 },
            "PyTorch's example VAE 784-400-(μ, log σ²: 20)-400-784"),
        // Conv(32, s2) → Conv(64, s2) → Flatten → μ, log σ² (16) ; Dense(3136) → 64×7×7 → ConvT(32, s2) → ConvT(1, s2); 191,265 parameters.
        // The IW estimate takes k = 10: 50 conv decodes of each of 10,000 test images took minutes on one CPU thread.
        ["conv-vae"] = (new ModelSpec { Name = "conv-vae", Family = VariationalAutoencoder.FamilyName, Bottleneck = 16,
                Vae = new VaeSpec { ConvChannels = [32, 64], IwSamples = 10 } },
            "convolutional VAE: 3×3 stride-2 convs 32-64 → μ, log σ² (16) → mirrored transposed convs"),
        // §13.2: the vae preset's architecture with the KL weighted by β = 4 ("β > 1, typically 2-10").
        ["beta-vae"] = (new ModelSpec { Name = "beta-vae", Family = VariationalAutoencoder.FamilyName, Encoder = [256], Bottleneck = 32, Vae = new VaeSpec { Beta = 4 } },
            "§13.2 β-VAE (β = 4) on the vae preset's 784-256-32 architecture"),
        // §13.3 (no architecture given): 3×3 stride-2 convs 32-64 → 1×1 conv to D = 16 → 7×7 grid quantised with K = 64
        // codes → 3×3 conv → mirrored transposed convs; 48,913 parameters.
        ["vq-vae"] = (new ModelSpec { Name = "vq-vae", Family = VectorQuantizedAutoencoder.FamilyName, Bottleneck = 16, Vq = new VqSpec() },
            "§13.3 VQ-VAE: conv encoder to a 7×7 grid of 16-D vectors, codebook of K = 64, commitment β = 0.25"),
        // §10.3 build_convolutional_autoencoder: 320 + 9,248 × 3 + 289 = 28,353 parameters; the code (the pooling layer
        // named 'bottleneck') is 32×7×7 = 1,568 values for 784 pixels, twice the input.
        ["conv"] = (new ModelSpec { Name = "conv", Family = "conv", Conv = new ConvSpec
            {
                Encoder = [Layer.Conv(32), Layer.MaxPool(), Layer.Conv(32), Layer.MaxPool()],
                Decoder = [Layer.Conv(32), Layer.Upsample(), Layer.Conv(32), Layer.Upsample(), Layer.Conv(1)],
            } }, "§10.3 convolutional autoencoder 28×28×1 → 7×7×32 → 28×28×1 with UpSampling (code larger than the input)"),
        // §10.3 build_conv_autoencoder_transpose: 320 + 18,496 + 36,928 + 18,464 + 289 = 74,497; code 64×7×7 = 3,136.
        ["conv-transpose"] = (new ModelSpec { Name = "conv-transpose", Family = "conv", Conv = new ConvSpec
            {
                Encoder = [Layer.Conv(32, stride: 2), Layer.Conv(64, stride: 2)],
                Decoder = [Layer.ConvTranspose(64), Layer.ConvTranspose(32), Layer.Conv(1)],
            } }, "§10.3 convolutional autoencoder with strided Conv2D and Conv2DTranspose, 28×28×1 → 7×7×64 → 28×28×1"),
        // The Keras blog's convolutional autoencoder (Chollet, 2016): 16-8-8 filters, a 4×4×8 = 128-value code, 4,385 parameters.
        ["conv-blog"] = (new ModelSpec { Name = "conv-blog", Family = "conv", Conv = new ConvSpec
            {
                Encoder = [Layer.Conv(16), Layer.MaxPool(), Layer.Conv(8), Layer.MaxPool(), Layer.Conv(8), Layer.MaxPool()],
                Decoder = [Layer.Conv(8), Layer.Upsample(), Layer.Conv(8), Layer.Upsample(), Layer.Conv(16, padding: "valid"), Layer.Upsample(), Layer.Conv(1)],
            } }, "Keras blog convolutional autoencoder 28×28×1 → 4×4×8 (128 values) → 28×28×1"),
        // Practice Problem 1 (§12.6): 32×32×3 colour images to a 64-value dense code; 604,099 parameters.
        ["conv-color"] = (new ModelSpec { Name = "conv-color", Family = "conv", InputShape = [32, 32, 3], Conv = new ConvSpec
            {
                Encoder = [Layer.Conv(32, stride: 2), Layer.Conv(64, stride: 2), Layer.Flatten(), Layer.Dense(64)],
                Decoder = [Layer.Dense(8 * 8 * 64), Layer.Reshape(64, 8, 8), Layer.ConvTranspose(64), Layer.ConvTranspose(32), Layer.Conv(3)],
            } }, "Practice Problem 1 colour autoencoder 32×32×3 → 64 (dense code) → 32×32×3"),
        // §10.4 denoises with build_deep_autoencoder(784, 32), the §10.2 model; the corruption comes from --noise
        // (default gaussian:0.5, the noise_factor of §10.4).
        ["denoise"] = (new ModelSpec { Name = "denoise", Encoder = [512, 256, 128], Bottleneck = 32, BatchNorm = true, Dropout = 0.2 },
            "§10.4 denoising autoencoder: the §10.2 deep model trained on noisy input, clean target (--noise, default gaussian:0.5)"),
        // The chapter quotes a "denoising conv" model (Webinar 1, §11.5) but gives no code: the §10.3 architecture.
        ["conv-denoise"] = (new ModelSpec { Name = "conv-denoise", Family = "conv", Conv = new ConvSpec
            {
                Encoder = [Layer.Conv(32), Layer.MaxPool(), Layer.Conv(32), Layer.MaxPool()],
                Decoder = [Layer.Conv(32), Layer.Upsample(), Layer.Conv(32), Layer.Upsample(), Layer.Conv(1)],
            } }, "convolutional denoising autoencoder: the §10.3 conv model on noisy input (--noise, default gaussian:0.5)"),
    };

    /// <summary>
    /// The corruption a denoising preset trains with when --noise is not given: §10.4's noise_factor 0.5 (Gaussian,
    /// clipped to [0, 1]); null for every other preset.
    /// </summary>
    public static string? DefaultNoise(string name) =>
        name.Equals("denoise", StringComparison.OrdinalIgnoreCase) || name.Equals("conv-denoise", StringComparison.OrdinalIgnoreCase) ? "gaussian:0.5" : null;

    /// <summary>Preset names with one-line descriptions, in a stable order.</summary>
    public static IEnumerable<(string Name, string Description)> List() => All.Select(p => (p.Key, p.Value.Description));

    /// <summary>True when <paramref name="name"/> is a preset.</summary>
    public static bool Exists(string name) => All.ContainsKey(name);

    /// <summary>The preset's spec, or a <see cref="BadInputException"/> that lists the known names.</summary>
    public static ModelSpec Get(string name) => All.TryGetValue(name, out var p) ? p.Spec
        : throw new OptionException("model", $"unknown preset '{name}' (expected one of {string.Join(", ", All.Keys)}, a spec .json file, or a model folder)");
}
