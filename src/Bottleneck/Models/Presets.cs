namespace Bottleneck.Models;

/// <summary>The chapter's exact architectures, by name (GUIDE.md §1).</summary>
public static class Presets
{
    static readonly Dictionary<string, (ModelSpec Spec, string Description)> All = new(StringComparer.OrdinalIgnoreCase)
    {
        // §10.1: Dense(32, relu) -> Dense(784, sigmoid); 25,120 + 25,872 = 50,992 parameters (not the 51,072 of L841).
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
        // §3.2 / §12.4 Q2: the exam's 784-1000-784, left unregularised so `bottleneck diagnose` can show the trivial solution.
        ["overcomplete"] = (new ModelSpec { Name = "overcomplete", Encoder = [], Bottleneck = 1000 },
            "§3.2 overcomplete autoencoder 784-1000-784, no regularisation (1,569,784 parameters)"),
        // §11 mermaid (L5938-5970): Dense 1024 ReLU -> Dense 1024 ReLU (code) -> Dense 784 ReLU -> Dense 784 sigmoid.
        ["overcomplete-1024"] = (new ModelSpec { Name = "overcomplete-1024", Encoder = [1024], Bottleneck = 1024, Decoder = [784] },
            "§11 overcomplete layout 784-1024-1024(code)-784-784, no regularisation (3,272,480 parameters)"),
        // §3.3.2 (L1529-1530): Dense(32, relu, kernel_regularizer=l2(0.01)) on the encoder only, as the chapter's Keras code.
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
    };

    /// <summary>Preset names with one-line descriptions, in a stable order.</summary>
    public static IEnumerable<(string Name, string Description)> List() => All.Select(p => (p.Key, p.Value.Description));

    /// <summary>True when <paramref name="name"/> is a preset.</summary>
    public static bool Exists(string name) => All.ContainsKey(name);

    /// <summary>The preset's spec, or a <see cref="BadInputException"/> that lists the known names.</summary>
    public static ModelSpec Get(string name) => All.TryGetValue(name, out var p) ? p.Spec
        : throw new BadInputException($"--model: unknown preset '{name}' (expected one of {string.Join(", ", All.Keys)}, a spec .json file, or a model folder)");
}
