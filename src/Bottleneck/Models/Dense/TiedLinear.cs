using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models.Dense;

/// <summary>
/// A decoder layer with tied weights (chapter §3.3.3): it computes W_eᵀh + b_d with the encoder layer's own weight
/// Parameter W_e (the same tensor, read at every call, never a copy) and a bias b_d of its own, its only parameter.
/// </summary>
internal sealed class TiedLinear : nn.Module<Tensor, Tensor>
{
    // A delegate, not a Module field, so that TorchSharp does not register the encoder layer a second time under this one.
    readonly Func<Tensor> encoderWeight;
    Parameter bias;

    /// <summary>Ties to <paramref name="encoderLayer"/> (named <paramref name="encoderName"/>), mapping its outputs back to its inputs.</summary>
    public TiedLinear(Linear encoderLayer, string encoderName) : base(nameof(TiedLinear))
    {
        EncoderName = encoderName;
        InFeatures = encoderLayer.out_features;
        OutFeatures = encoderLayer.in_features;
        encoderWeight = () => encoderLayer.weight!;
        bias = nn.Parameter(zeros(OutFeatures));   // Keras's default zero bias
        RegisterComponents();
    }

    /// <summary>The encoder layer whose weight this layer uses, by its state_dict prefix.</summary>
    public string EncoderName { get; }

    public long InFeatures { get; }
    public long OutFeatures { get; }

    /// <summary>The shared weight W_e [InFeatures, OutFeatures]: the encoder layer's Parameter itself.</summary>
    public Tensor Weight => encoderWeight();

    /// <summary>The decoder's own bias b_d.</summary>
    public Parameter Bias => bias;

    // x̂ = W_eᵀh + b_d  (§3.3.3); for a batch of row vectors h that is H·W_e + b_d.
    public override Tensor forward(Tensor code) => code.matmul(encoderWeight()) + bias;
}
