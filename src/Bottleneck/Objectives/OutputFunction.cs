using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Objectives;

/// <summary>
/// The activation of a model's output layer, kept apart from the layers so a loss can use the pre-activation
/// directly (BCE from logits for a sigmoid output).
/// </summary>
internal readonly record struct OutputFunction(ActivationKind Kind, double LeakySlope = 0.01)
{
    /// <summary>Applies the activation to the output layer's pre-activation.</summary>
    public Tensor Apply(Tensor preActivation) => Kind switch
    {
        ActivationKind.Sigmoid => preActivation.sigmoid(),
        ActivationKind.Tanh => preActivation.tanh(),
        ActivationKind.Relu => F.relu(preActivation),
        ActivationKind.LeakyRelu => F.leaky_relu(preActivation, LeakySlope),
        ActivationKind.Elu => F.elu(preActivation, 1.0),
        _ => preActivation.alias(),
    };

    /// <summary>
    /// The activation applied in place, for a pre-activation nobody else reads (scoring): no second tensor the size of
    /// the batch. Returns the activated values.
    /// </summary>
    public Tensor ApplyInPlace(Tensor preActivation) => Kind switch
    {
        ActivationKind.Sigmoid => preActivation.sigmoid_(),
        ActivationKind.Tanh => preActivation.tanh_(),
        ActivationKind.Relu => F.relu(preActivation, inplace: true),
        ActivationKind.LeakyRelu => F.leaky_relu(preActivation, LeakySlope, inplace: true),
        ActivationKind.Elu => F.elu(preActivation, 1.0, inplace: true),
        _ => preActivation,
    };
}
