using Bottleneck.Kernels;
using Bottleneck.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Models;

/// <summary>
/// The training objective of one batch: the total that is minimised and, for logging, its named parts
/// (reconstruction, penalties). Every family returns one, so the trainer needs to know nothing about families.
/// </summary>
internal sealed record LossTerms(Tensor Total, IReadOnlyDictionary<string, Tensor> Parts);

/// <summary>
/// An autoencoder: an encoder f that maps an input x to a code h = f(x) at the layer named "bottleneck", and a decoder g
/// that maps the code back, x̂ = g(h) (chapter §2.2). Every family can encode, decode, reconstruct, and state its loss.
/// </summary>
internal abstract class Autoencoder : nn.Module<Tensor, Tensor>
{
    protected Autoencoder(string name, ModelSpec spec) : base(name)
    {
        Spec = spec;
        NativeWarnings.DisableNnpackWhereUnavailable();   // before the first convolution, or libtorch warns at each one
    }

    /// <summary>The spec the model was built from; saving it and the weights is enough to rebuild the model.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Shape of one input sample as the model takes it (dense: [784]).</summary>
    public abstract long[] InputShape { get; }

    /// <summary>Shape of one code (dense: [32]).</summary>
    public abstract long[] CodeShape { get; }

    /// <summary>The output layer's activation, applied to <see cref="DecodePreActivation"/>.</summary>
    public abstract OutputFunction Output { get; }

    /// <summary>h = f(x): the bottleneck's output for a batch.</summary>
    public abstract Tensor Encode(Tensor input);

    /// <summary>The decoder's output before its final activation (logits for a sigmoid output).</summary>
    public abstract Tensor DecodePreActivation(Tensor code);

    /// <summary>
    /// x̂ = g(h): the reconstruction in data space, always <see cref="Output"/> of <see cref="DecodePreActivation"/> (a family
    /// changes its decoder there), which lets scoring apply the activation in place.
    /// </summary>
    public Tensor Decode(Tensor code) => Output.Apply(DecodePreActivation(code));

    /// <summary>x̂ = g(f(x)).</summary>
    public Tensor Reconstruct(Tensor input) => Decode(Encode(input));

    public override Tensor forward(Tensor input) => Reconstruct(input);

    /// <summary>
    /// The objective for one batch: the reconstruction loss of <paramref name="target"/> from <paramref name="input"/>
    /// (they differ for denoising), plus whatever the family adds. The plain autoencoder adds nothing (§2.5).
    /// </summary>
    public virtual LossTerms Loss(Tensor input, Tensor target, ReconstructionLoss loss)
    {
        var preActivation = DecodePreActivation(Encode(input));
        var reconstruction = loss.Mean(preActivation, Output, target.reshape(preActivation.shape));
        return new LossTerms(reconstruction, new Dictionary<string, Tensor> { ["reconstruction"] = reconstruction });
    }

    /// <summary>
    /// Throws <see cref="BadInputException"/> when the family cannot be trained with <paramref name="loss"/> (a VAE's
    /// likelihood is Bernoulli, so it takes BCE only). Training calls it before it starts. Default: any loss.
    /// </summary>
    public virtual void CheckLoss(ReconstructionLoss loss) { }

    /// <summary>
    /// What the training loss (loss and val_loss of every epoch) measures, as a unit a report can print, short enough
    /// up to its first colon for an axis label: a mean per element by default, as Keras reports it; nats per image for a VAE.
    /// With §3.3's penalties the training loss is the reconstruction loss plus the penalties, and says so.
    /// </summary>
    public virtual string LossUnit(ReconstructionLoss loss) =>
        Spec.Penalties is null ? $"{loss.Name}, mean per element" : $"{loss.Name} + penalties, mean per element";

    /// <summary>The unit of each of <see cref="EvaluationFigures"/>, by figure name. Default: none.</summary>
    public virtual IReadOnlyDictionary<string, string> FigureUnits => new Dictionary<string, string>();

    /// <summary>
    /// The layers in forward order, each fed the previous one's output, with the bottleneck flagged: what
    /// <see cref="ModelSummary"/> walks to print shapes and parameter counts.
    /// </summary>
    public abstract IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers();

    /// <summary>
    /// The family's own figures measured on <paramref name="data"/> (a VAE's ELBO, a VQ-VAE's perplexity, ...), which
    /// a run reports beside the reconstruction figures. The plain autoencoder has none.
    /// </summary>
    public virtual IReadOnlyDictionary<string, double> EvaluationFigures(Bottleneck.Data.Dataset data) => new Dictionary<string, double>();

    /// <summary>Number of trainable parameters.</summary>
    public long TrainableParameterCount => parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>Number of non-trainable values counted as parameters the way Keras does: BatchNorm's moving mean and variance.</summary>
    public long NonTrainableParameterCount =>
        parameters().Where(p => !p.requires_grad).Sum(p => p.numel())
        + named_buffers().Where(b => torch.is_floating_point(b.buffer)).Sum(b => b.buffer.numel());
}
