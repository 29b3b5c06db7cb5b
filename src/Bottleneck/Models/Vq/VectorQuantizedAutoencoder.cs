using Bottleneck.Data;
using Bottleneck.Kernels;
using Bottleneck.Models.Conv;
using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models.Vq;

/// <summary>
/// The vector-quantised autoencoder of chapter §13.3 (van den Oord et al. 2017): a convolutional encoder maps an
/// image to a grid of D-dimensional vectors z_e (7×7 for MNIST), each is replaced by its nearest codebook vector,
/// and a mirrored decoder reconstructs from those. The code is the grid of codebook indices, so
/// <see cref="Encode"/> returns them (as float32) and <see cref="Autoencoder.Decode"/> takes them. Loss:
/// reconstruction + ‖sg[z_e] − e‖² + β‖z_e − sg[e]‖². PyTorch names: <c>encoder.N.*</c>, <c>quantizer.*</c>, <c>decoder.N.*</c>.
/// </summary>
internal sealed class VectorQuantizedAutoencoder : Autoencoder
{
    /// <summary>The family name in specs.</summary>
    public const string FamilyName = "vq-vae";

    readonly Sequential encoder;        // x → z_e [B, D, h, w]
    readonly VectorQuantizer quantizer; // z_e → nearest codes
    readonly Sequential decoder;        // z_q → the output layer's pre-activation
    readonly long[] inputShape, codeShape;

    /// <summary>Builds the model; weights are initialised from torch's global generator (seed it first for repeatable runs).</summary>
    public VectorQuantizedAutoencoder(ModelSpec spec) : base("VectorQuantizedAutoencoder", spec)
    {
        spec.Validate("model spec");
        var options = spec.Vq ?? new VqSpec();
        Commitment = options.Commitment;
        Output = new OutputFunction(Activations.Parse(spec.OutputActivation, "output_activation"), spec.LeakyReluSlope);
        var channels = options.ConvChannels;
        var shape = spec.InputShape ?? throw new InvalidOperationException("the spec has no input_shape yet: take it from the data with WithInputShape");
        if (ImageShape.Of(shape.Select(d => (long)d).ToArray()) is not { Channels: 1 } image)
            throw new BadInputException($"model spec: field 'input_shape': the vq-vae takes greyscale images ([H, W], [1, H, W], [H, W, 1] or a square H·W), got [{string.Join(", ", shape)}]");
        int reduction = StridedConvStack.Reduction(channels.Length);
        if (image.Height % reduction != 0 || image.Width % reduction != 0)
            throw new BadInputException($"model spec: field 'input_shape': {channels.Length} stride-2 convolutions need height and width divisible by {reduction}, got {image.Height}×{image.Width}");
        inputShape = [1, image.Height, image.Width];
        codeShape = [image.Height / reduction, image.Width / reduction];

        int codeSize = spec.Bottleneck;
        // Encoder: strided convs, then a 1×1 conv to D channels (linear: z_e may take any value, as the codes do).
        encoder = nn.Sequential([.. StridedConvStack.Down(1, channels), StridedConvStack.SameConv(channels[^1], codeSize, kernel: 1, reluNext: false)]);
        quantizer = new VectorQuantizer(options.CodebookSize, codeSize, options.ReviveEvery);
        // Decoder: a 3×3 conv from D channels back to the encoder's last width, then the mirrored transposed convs.
        decoder = nn.Sequential([StridedConvStack.SameConv(codeSize, channels[^1], kernel: 3, reluNext: true), nn.ReLU(), .. StridedConvStack.Up(channels, 1)]);
        RegisterComponents();
        ChannelsLast.Apply(this);
    }

    /// <summary>β of the commitment term (0.25 as van den Oord et al.).</summary>
    public double Commitment { get; }

    /// <summary>K, the number of codes.</summary>
    public int CodebookSize => quantizer.CodebookSize;

    /// <summary>The quantising bottleneck, with its codebook and usage counters.</summary>
    public VectorQuantizer Quantizer => quantizer;

    public override long[] InputShape => inputShape;

    /// <summary>The grid of code indices, [h, w] (7×7 for 28×28 images with two stride-2 layers).</summary>
    public override long[] CodeShape => codeShape;

    public override OutputFunction Output { get; }

    /// <summary>z_e, the encoder's continuous output, [B, D, h, w].</summary>
    public Tensor EncodeContinuous(Tensor input) => encoder.forward(input.reshape([input.shape[0], .. inputShape]));

    /// <summary>The nearest-code indices of a batch, int64 [B, h, w].</summary>
    public Tensor Assign(Tensor input) => quantizer.Assign(EncodeContinuous(input));

    /// <summary>The code of a VQ-VAE: the chosen codebook indices, [B, h, w], as float32 whole numbers.</summary>
    public override Tensor Encode(Tensor input) => quantizer.forward(EncodeContinuous(input));

    /// <summary>Looks the indices up in the codebook and decodes them.</summary>
    public override Tensor DecodePreActivation(Tensor code) => decoder.forward(quantizer.Lookup(code));

    /// <summary>
    /// L = reconstruction + ‖sg[z_e] − e‖² + β‖z_e − sg[e]‖² (van den Oord et al. eq. 3), with the reconstruction as
    /// the trainer's loss (a mean per element) and the two VQ terms as means over the code elements, as DeepMind's
    /// Sonnet implementation computes them. Parts: reconstruction, codebook, commitment (unweighted).
    /// </summary>
    public override LossTerms Loss(Tensor input, Tensor target, ReconstructionLoss loss)
    {
        var quantized = quantizer.Quantize(EncodeContinuous(input));
        var preActivation = decoder.forward(quantized.Quantized);
        var reconstruction = loss.Mean(preActivation, Output, target.reshape(preActivation.shape));
        var total = reconstruction + quantized.CodebookLoss + Commitment * quantized.CommitmentLoss;
        return new LossTerms(total, new Dictionary<string, Tensor>
        {
            ["reconstruction"] = reconstruction, ["codebook"] = quantized.CodebookLoss, ["commitment"] = quantized.CommitmentLoss,
        });
    }

    public override string LossUnit(ReconstructionLoss loss) =>
        $"{loss.Name} + codebook + {Commitment:G3}·commitment: {loss.Name} as a mean per element, the VQ terms as means over code elements";

    /// <summary>codebook_usage and perplexity of the codes chosen on <paramref name="data"/>, plus codes_used, codebook_size and codes_revived.</summary>
    public override IReadOnlyDictionary<string, double> EvaluationFigures(Dataset data)
    {
        var statistics = CodebookStatistics.Measure(this, data);
        return new Dictionary<string, double>
        {
            ["codebook_usage"] = statistics.Usage,
            ["perplexity"] = statistics.Perplexity,
            ["codes_used"] = statistics.CodesUsed,
            ["codebook_size"] = CodebookSize,
            ["codes_revived"] = quantizer.CodesRevived,
        };
    }

    public override IReadOnlyDictionary<string, string> FigureUnits => new Dictionary<string, string>
    {
        ["codebook_usage"] = "fraction of the codebook: codes chosen at least once on the evaluated images, over codebook_size",
        ["perplexity"] = "effective codes: exp(entropy of the code histogram) on the evaluated images, from 1 (one code) to codebook_size (all equally used)",
        ["codes_used"] = "codes: chosen at least once on the evaluated images",
        ["codebook_size"] = "codes: K, the size of the codebook",
        ["codes_revived"] = "codes: dead codes moved onto encoder outputs during training (not counting the codebook's first placement)",
    };

    public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers()
    {
        int i = 0;
        foreach (var layer in encoder.children()) yield return ($"encoder.{i++}", (nn.Module<Tensor, Tensor>)layer, false);
        yield return ("quantizer", quantizer, true);
        yield return ("codebook lookup", new CodebookLookup(quantizer), false);
        i = 0;
        foreach (var layer in decoder.children()) yield return ($"decoder.{i++}", (nn.Module<Tensor, Tensor>)layer, false);
    }

    /// <summary>Codes → code vectors, as one row of the layer table; its parameters are the quantizer's, counted there.</summary>
    sealed class CodebookLookup(VectorQuantizer quantizer) : nn.Module<Tensor, Tensor>("CodebookLookup")
    {
        public override Tensor forward(Tensor codes) => quantizer.Lookup(codes);
    }
}
