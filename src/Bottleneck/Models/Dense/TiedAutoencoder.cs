using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models.Dense;

/// <summary>
/// The weight-tied autoencoder of chapter §3.3.3: h = σ(W_e x + b_e), x̂ = σ'(W_eᵀh + b_d). Each decoder layer uses the
/// transpose of its mirror encoder layer's weight Parameter (one tensor: its gradient is the sum of both roles, §6
/// Problem 4) and has its own bias, so 784-32-784 has 25,120 + 784 = 25,904 parameters instead of 50,992. The decoder
/// mirrors the encoder. Names follow the equivalent PyTorch module: <c>encoder.N.weight</c>, <c>encoder.N.bias</c>
/// (an <c>nn.Sequential</c>) and <c>decoder.N.bias</c> (decoder layers that hold only a bias and borrow
/// <c>encoder[M].weight.t()</c>). Dropout after hidden activations is supported, BatchNorm is not.
/// </summary>
internal sealed class TiedAutoencoder : StackedDenseAutoencoder
{
    /// <summary>Builds the model; weights are initialised from torch's global generator (seed it first for repeatable runs).</summary>
    public TiedAutoencoder(ModelSpec spec) : base("TiedAutoencoder", spec)
    {
        var hidden = Activations.Parse(spec.Activation, "activation");
        var code = Activations.Parse(spec.BottleneckActivation ?? spec.Activation, "bottleneck_activation");

        var encoderLayers = new List<nn.Module<Tensor, Tensor>>();
        var dense = new List<(string Name, Linear Layer)>();
        int width = inputSize;
        foreach (var w in spec.Encoder.Append(spec.Bottleneck))
        {
            bool isCode = dense.Count == spec.Encoder.Length;
            var activation = isCode ? code : hidden;
            var layer = DenseAutoencoder.Dense(width, w, activation, spec.LeakyReluSlope);
            dense.Add(($"encoder.{encoderLayers.Count}", layer));
            encoderLayers.Add(layer);
            encoderLayers.Add(Activations.Create(activation, spec.LeakyReluSlope));
            if (!isCode && spec.Dropout > 0) encoderLayers.Add(new ReproducibleDropout(spec.Dropout));
            width = w;
        }

        // W_d = W_eᵀ: the decoder walks the encoder's Dense layers backwards, each transposed (§3.3.3).
        var decoderLayers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = dense.Count - 1; i >= 0; i--)
        {
            decoderLayers.Add(new TiedLinear(dense[i].Layer, dense[i].Name));
            if (i == 0) break;                                       // the output pre-activation
            decoderLayers.Add(Activations.Create(hidden, spec.LeakyReluSlope));
            if (spec.Dropout > 0) decoderLayers.Add(new ReproducibleDropout(spec.Dropout));
        }

        // Each shared kernel is penalised once, under its encoder name.
        Assemble(encoderLayers, decoderLayers, new PenalisedObjective(spec.Penalties, dense,
            spec.Encoder.Length == 0 ? dense[0].Layer : null, code, spec.LeakyReluSlope, "model spec"));
    }
}
