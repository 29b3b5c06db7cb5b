using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models.Dense;

/// <summary>
/// What the dense and the weight-tied autoencoders share: an encoder and a decoder, each an <c>nn.Sequential</c> of
/// Dense layers and activations (so the weights are named <c>encoder.N.*</c> and <c>decoder.N.*</c>), a code at the
/// last encoder activation, and the penalties of §3.3 added to the loss. The families differ only in how they build
/// the layers.
/// </summary>
internal abstract class StackedDenseAutoencoder : Autoencoder
{
    // Protected, not private: TorchSharp's RegisterComponents finds a base class's modules only when they are visible
    // to the derived type, and these two names are the weights' prefixes.
    protected Sequential encoder = null!, decoder = null!;
    protected readonly int inputSize;

    protected StackedDenseAutoencoder(string name, ModelSpec spec) : base(name, spec)
    {
        spec.Validate("model spec");
        inputSize = spec.InputSize;
        Output = new OutputFunction(Activations.Parse(spec.OutputActivation, "output_activation"), spec.LeakyReluSlope);
    }

    /// <summary>
    /// Installs the layers built by the derived constructor (the encoder ending in the code's Dense layer and its
    /// activation; the decoder ending in the output pre-activation) and the objective, and registers them.
    /// </summary>
    protected void Assemble(List<nn.Module<Tensor, Tensor>> encoderLayers, List<nn.Module<Tensor, Tensor>> decoderLayers, PenalisedObjective objective)
    {
        encoder = nn.Sequential(encoderLayers);
        decoder = nn.Sequential(decoderLayers);
        BottleneckIndex = encoderLayers.Count - 2;
        Objective = objective;
        RegisterComponents();
    }

    /// <summary>The reconstruction loss with the spec's penalties (§3.3).</summary>
    public PenalisedObjective Objective { get; private set; } = null!;

    /// <summary>Index within <c>encoder</c> of the Dense layer whose activation is the code.</summary>
    public int BottleneckIndex { get; private set; }

    public override long[] InputShape => [inputSize];
    public override long[] CodeShape => [Spec.Bottleneck];
    public override OutputFunction Output { get; }

    /// <summary>The encoder's layers, input side first.</summary>
    public Sequential EncoderLayers => encoder;

    /// <summary>The decoder's layers up to the output pre-activation.</summary>
    public Sequential DecoderLayers => decoder;

    public override Tensor Encode(Tensor input) => encoder.forward(input.reshape(input.shape[0], inputSize));

    public override Tensor DecodePreActivation(Tensor code) => decoder.forward(code);

    public override LossTerms Loss(Tensor input, Tensor target, ReconstructionLoss loss) =>
        Objective.IsPlain ? base.Loss(input, target, loss) : Objective.Loss(this, input, target, loss);

    /// <summary>jacobian_norm, the mean ‖J_f(x)‖_F of §3.3.5, when the encoder is one layer or the model is contractive.</summary>
    public override IReadOnlyDictionary<string, double> EvaluationFigures(Bottleneck.Data.Dataset data) =>
        Objective.JacobianNorm(this, data) is double norm ? new Dictionary<string, double> { ["jacobian_norm"] = norm } : new Dictionary<string, double>();

    public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers()
    {
        int i = 0;
        foreach (var layer in encoder.children()) { yield return ($"encoder.{i}", (nn.Module<Tensor, Tensor>)layer, i == BottleneckIndex + 1); i++; }
        i = 0;
        foreach (var layer in decoder.children()) { yield return ($"decoder.{i}", (nn.Module<Tensor, Tensor>)layer, false); i++; }
    }
}
