using Bottleneck.Data;
using Bottleneck.Kernels;
using Bottleneck.Models.Conv;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Bottleneck.Models.Vae;

/// <summary>
/// The variational autoencoder of chapter §13.1 and the β-VAE of §13.2: the encoder outputs μ and log σ² of
/// q(z|x) = N(μ, σ²I) from two linear heads, training decodes z = μ + σ ⊙ ε, and the loss per image, in nats, is
/// BCE summed over pixels plus β·KL(q(z|x) ‖ N(0, I)). <see cref="Encode"/> returns μ, so reconstructions and codes
/// are deterministic. Parameter names follow the equivalent PyTorch module: <c>encoder.N.*</c>, <c>mu.*</c>,
/// <c>log_var.*</c>, <c>decoder.N.*</c>.
/// </summary>
internal sealed class VariationalAutoencoder : Autoencoder
{
    /// <summary>The family name in specs.</summary>
    public const string FamilyName = "vae";

    readonly Sequential encoder;                              // x → hidden features (dense, or strided convs then Flatten)
    [ComponentName(Name = "mu")] readonly Linear muHead;
    [ComponentName(Name = "log_var")] readonly Linear logVarHead;
    readonly Sequential decoder;                              // z → the output layer's pre-activation
    readonly long[] inputShape;

    /// <summary>Builds the model; weights are initialised from torch's global generator (seed it first for repeatable runs).</summary>
    public VariationalAutoencoder(ModelSpec spec) : base("VariationalAutoencoder", spec)
    {
        spec.Validate("model spec");
        var options = spec.Vae ?? new VaeSpec();
        Beta = options.Beta;
        ImportanceSamples = options.IwSamples;
        Output = new OutputFunction(ActivationKind.Sigmoid);
        var hidden = Activations.Parse(spec.Activation, "activation");

        var encoderLayers = new List<nn.Module<Tensor, Tensor>>();
        var decoderLayers = new List<nn.Module<Tensor, Tensor>>();
        int width;
        long[]? featureMap = null;                            // [C, h, w] at the end of the conv encoder
        if (options.ConvChannels is { } channels)
        {
            var (height, imageWidth) = ConvolutionalInput(spec, channels.Length);
            inputShape = [1, height, imageWidth];
            encoderLayers.AddRange(StridedConvStack.Down(1, channels));
            encoderLayers.Add(nn.Flatten());
            int reduction = StridedConvStack.Reduction(channels.Length);
            featureMap = [channels[^1], height / reduction, imageWidth / reduction];
            width = (int)(featureMap[0] * featureMap[1] * featureMap[2]);
        }
        else
        {
            inputShape = [spec.InputSize];
            width = spec.InputSize;
        }
        foreach (var w in spec.Encoder) { DenseAutoencoder.AddHidden(encoderLayers, width, w, hidden, spec); width = w; }

        // μ and log σ² are linear (the chapter's Dense(32) heads, §13.1).
        muHead = DenseAutoencoder.Dense(width, spec.Bottleneck, ActivationKind.Linear, spec.LeakyReluSlope);
        logVarHead = DenseAutoencoder.Dense(width, spec.Bottleneck, ActivationKind.Linear, spec.LeakyReluSlope);

        width = spec.Bottleneck;
        foreach (var w in spec.DecoderWidths) { DenseAutoencoder.AddHidden(decoderLayers, width, w, hidden, spec); width = w; }
        if (featureMap is { } map)
        {
            decoderLayers.Add(DenseAutoencoder.Dense(width, (int)(map[0] * map[1] * map[2]), ActivationKind.Relu, spec.LeakyReluSlope));
            decoderLayers.Add(nn.ReLU());
            decoderLayers.Add(nn.Unflatten(1, map));
            decoderLayers.AddRange(StridedConvStack.Up(options.ConvChannels!, 1));
        }
        else decoderLayers.Add(DenseAutoencoder.Dense(width, spec.InputSize, ActivationKind.Sigmoid, spec.LeakyReluSlope));

        encoder = nn.Sequential(encoderLayers);
        decoder = nn.Sequential(decoderLayers);
        RegisterComponents();
        ChannelsLast.Apply(this);
    }

    /// <summary>β, the weight of the KL term: 1 for the VAE, typically 2-10 for a β-VAE (§13.2).</summary>
    public double Beta { get; }

    /// <summary>Samples k of the importance-weighted NLL estimate in <see cref="EvaluationFigures"/>.</summary>
    public int ImportanceSamples { get; }

    /// <summary>Dimension k of the latent space.</summary>
    public int LatentSize => Spec.Bottleneck;

    public override long[] InputShape => inputShape;
    public override long[] CodeShape => [Spec.Bottleneck];
    public override OutputFunction Output { get; }

    /// <summary>μ and log σ² of q(z|x) for a batch, each [B, k].</summary>
    public (Tensor Mu, Tensor LogVar) Posterior(Tensor input)
    {
        var features = encoder.forward(input.reshape([input.shape[0], .. inputShape]));
        return (muHead.forward(features), logVarHead.forward(features));
    }

    /// <summary>The code of a VAE is the posterior mean μ: deterministic, as the chapter's encoder output z_mean.</summary>
    public override Tensor Encode(Tensor input) => muHead.forward(encoder.forward(input.reshape([input.shape[0], .. inputShape])));

    public override Tensor DecodePreActivation(Tensor code) => decoder.forward(code);

    /// <summary>
    /// z = μ + σ ⊙ ε with ε ~ N(0, I) drawn from <paramref name="generator"/>; when null, from the worker's generator in
    /// data-parallel training, else torch's global one.
    /// </summary>
    public static Tensor Reparameterise(Tensor mu, Tensor logVar, Generator? generator = null)
    {
        generator = DataParallel.BatchShard.RandomOr(generator);
        var epsilon = generator is null ? randn_like(mu) : randn(mu.shape, generator: generator);
        // z = μ + σ ⊙ ε, σ = exp(½ log σ²)   (§13.1; the Keras code's z_mean + exp(0.5·z_log_var)·ε, §13.1)
        return mu + (0.5 * logVar).exp() * epsilon;
    }

    /// <summary>
    /// The negative ELBO with the KL weighted by β, per image in nats and averaged over the batch:
    /// mean_i [ BCE summed over pixels(x_i, g(z_i)) + β·KL(q(z|x_i) ‖ N(0, I)) ], with one z_i ~ q(z|x_i) per image.
    /// Its parts "reconstruction" and "kl" are the unweighted batch means, also in nats per image.
    /// </summary>
    public override LossTerms Loss(Tensor input, Tensor target, ReconstructionLoss loss)
    {
        CheckLoss(loss);
        var (mu, logVar) = Posterior(input);
        var preActivation = DecodePreActivation(Reparameterise(mu, logVar));
        // −log p(x|z) = BCE summed over the pixels of each image: the chapter's binary_crossentropy × 784 (§13.1),
        // whose intended form is the per-sample mean × 784; the element-wise product there is corrected here.
        var reconstruction = loss.MeanOfSampleSums(preActivation, Output, target.reshape(preActivation.shape));
        var kl = GaussianKl.PerSample(mu, logVar).mean();
        // L = mean over the batch of (recon + β·KL) = mean recon + β·mean KL   (§13.1; §13.2's β·KL, §13.2)
        var total = reconstruction + Beta * kl;
        return new LossTerms(total, new Dictionary<string, Tensor> { ["reconstruction"] = reconstruction, ["kl"] = kl });
    }

    public override void CheckLoss(ReconstructionLoss loss)
    {
        if (loss.Kind != LossKind.Bce)
            throw new OptionException("loss", $"the vae family's reconstruction term is the Bernoulli log-likelihood, BCE summed over pixels (§13.1); expected bce, got {loss.Name}");
    }

    public override string LossUnit(ReconstructionLoss loss) => Beta == 1
        ? "−ELBO, nats per image: BCE summed over pixels + KL, mean over images"
        : $"BCE sum + {Beta:G4}·KL, nats per image: BCE summed over pixels + β·KL with β = {Beta:G4}, mean over images";

    /// <summary>
    /// kl, reconstruction_nats and elbo (with β = 1 whatever β training used, so models compare), and nll_iw_k, the
    /// importance-weighted estimate of −log p(x) with k = nll_iw_samples; all in nats per image, means over <paramref name="data"/>.
    /// </summary>
    public override IReadOnlyDictionary<string, double> EvaluationFigures(Dataset data)
    {
        var bound = VariationalBound.Measure(this, data, ImportanceSamples);
        return new Dictionary<string, double>
        {
            ["kl"] = bound.Kl,
            ["reconstruction_nats"] = bound.Reconstruction,
            ["elbo"] = bound.Elbo,
            ["nll_iw_k"] = bound.NllIw,
            ["nll_iw_samples"] = bound.ImportanceSamples,
        };
    }

    public override IReadOnlyDictionary<string, string> FigureUnits => new Dictionary<string, string>
    {
        ["kl"] = "nats per image: KL(q(z|x) ‖ N(0, I)) in closed form, mean over the evaluated images",
        ["reconstruction_nats"] = "nats per image: E_q[−log p(x|z)] = BCE summed over pixels, averaged over nll_iw_samples draws of z",
        ["elbo"] = "nats per image: −(reconstruction_nats + kl), with β = 1 even for a β-VAE; a lower bound on log p(x)",
        ["nll_iw_k"] = "nats per image: −log mean_k exp[log p(x|z_k) + log p(z_k) − log q(z_k|x)], k = nll_iw_samples; an upper bound on −log p(x), tighter than −elbo",
        ["nll_iw_samples"] = "samples: importance samples k per image",
    };

    public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers()
    {
        int i = 0;
        foreach (var layer in encoder.children()) yield return ($"encoder.{i++}", (nn.Module<Tensor, Tensor>)layer, false);
        yield return ("mu, log_var", new GaussianHeads(muHead, logVarHead), true);
        i = 0;
        foreach (var layer in decoder.children()) yield return ($"decoder.{i++}", (nn.Module<Tensor, Tensor>)layer, false);
    }

    /// <summary>The image size a convolutional VAE takes: one channel, sides divisible by 2^(conv layers).</summary>
    static (int Height, int Width) ConvolutionalInput(ModelSpec spec, int layers)
    {
        var shape = spec.InputShape ?? throw new InvalidOperationException("the spec has no input_shape yet: take it from the data with WithInputShape");
        var image = ImageShape.Of(shape.Select(d => (long)d).ToArray());
        if (image is not { Channels: 1 } picture)
            throw new BadInputException($"model spec: field 'input_shape': the convolutional vae takes greyscale images ([H, W], [1, H, W], [H, W, 1] or a square H·W), got [{string.Join(", ", shape)}]");
        int reduction = StridedConvStack.Reduction(layers);
        if (picture.Height % reduction != 0 || picture.Width % reduction != 0)
            throw new BadInputException($"model spec: field 'input_shape': {layers} stride-2 convolutions need height and width divisible by {reduction}, got {picture.Height}×{picture.Width}");
        return (picture.Height, picture.Width);
    }

    /// <summary>
    /// The μ and log σ² heads as one row of the layer table: its output is μ (the code) and its parameters are both
    /// heads'. A view for <see cref="ModelSummary"/> only; the heads themselves belong to the model.
    /// </summary>
    sealed class GaussianHeads : nn.Module<Tensor, Tensor>
    {
        readonly Linear mu, logVar;

        // Registered so that modules() walks into the two heads (the benchmark counts their arithmetic); the state_dict
        // names stay the VAE's own, since this wrapper is built only to describe the layer.
        public GaussianHeads(Linear mu, Linear logVar) : base("GaussianHeads (μ, log σ²)")
        {
            this.mu = mu;
            this.logVar = logVar;
            RegisterComponents();
        }

        public override Tensor forward(Tensor features) => mu.forward(features);

        public override IEnumerable<Parameter> parameters(bool recurse = true) => mu.parameters().Concat(logVar.parameters());
    }
}
