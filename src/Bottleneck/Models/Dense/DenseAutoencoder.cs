using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models.Dense;

/// <summary>
/// The fully connected autoencoder of chapter §2-§4: h = σ_e(W_e x + b_e), x̂ = σ_d(W_d h + b_d), stacked to any depth.
/// Each hidden layer is Dense → [BatchNorm] → activation → [Dropout]; the bottleneck and the output layer get neither
/// BatchNorm nor Dropout (§4.4). Parameter names follow the equivalent PyTorch module: <c>encoder.N.*</c> and
/// <c>decoder.N.*</c>, numbered as in an <c>nn.Sequential</c>. The penalties of §3.3 (L2 on kernels, L1 or KL sparsity on
/// the code, contractive) are added to its loss when the spec asks for them.
/// </summary>
internal sealed class DenseAutoencoder : StackedDenseAutoencoder
{
    /// <summary>Builds the model; weights are initialised from torch's global generator (seed it first for repeatable runs).</summary>
    public DenseAutoencoder(ModelSpec spec) : base("DenseAutoencoder", spec)
    {
        var hidden = Activations.Parse(spec.Activation, "activation");
        var code = Activations.Parse(spec.BottleneckActivation ?? spec.Activation, "bottleneck_activation");

        var encoderLayers = new List<nn.Module<Tensor, Tensor>>();
        int width = inputSize;
        foreach (var w in spec.Encoder) { AddHidden(encoderLayers, width, w, hidden, spec); width = w; }
        encoderLayers.Add(Dense(width, spec.Bottleneck, code, spec.LeakyReluSlope));      // the layer named "bottleneck"
        encoderLayers.Add(Activations.Create(code, spec.LeakyReluSlope));

        var decoderLayers = new List<nn.Module<Tensor, Tensor>>();
        width = spec.Bottleneck;
        foreach (var w in spec.DecoderWidths) { AddHidden(decoderLayers, width, w, hidden, spec); width = w; }
        decoderLayers.Add(Dense(width, inputSize, Output.Kind, spec.LeakyReluSlope));     // output pre-activation

        var kernels = encoderLayers.Select((layer, i) => (Name: $"encoder.{i}", Layer: layer))
            .Concat(decoderLayers.Select((layer, i) => (Name: $"decoder.{i}", Layer: layer)))
            .Where(l => l.Layer is Linear).Select(l => (l.Name, (Linear)l.Layer)).ToList();
        Assemble(encoderLayers, decoderLayers, new PenalisedObjective(spec.Penalties, kernels,
            spec.Encoder.Length == 0 ? (Linear)encoderLayers[0] : null, code, spec.LeakyReluSlope, "model spec"));
    }

    internal static void AddHidden(List<nn.Module<Tensor, Tensor>> layers, int inWidth, int outWidth, ActivationKind activation, ModelSpec spec)
    {
        layers.Add(Dense(inWidth, outWidth, activation, spec.LeakyReluSlope));
        // Keras's BatchNormalization defaults: ε = 1e-3 and moving-average momentum 0.99 (0.01 in torch's convention).
        if (spec.BatchNorm) layers.Add(new WholeBatchNorm(outWidth, eps: 1e-3, momentum: 0.01));
        layers.Add(Activations.Create(activation, spec.LeakyReluSlope));
        if (spec.Dropout > 0) layers.Add(new ReproducibleDropout(spec.Dropout));
    }

    /// <summary>A Dense layer initialised for the activation that follows it: He for the ReLU family, Glorot otherwise (§7.9).</summary>
    internal static Linear Dense(int inWidth, int outWidth, ActivationKind next, double leakySlope)
    {
        var layer = nn.Linear(inWidth, outWidth);
        using (no_grad())
        {
            if (next.IsReluFamily())
                nn.init.kaiming_normal_(layer.weight, a: next == ActivationKind.LeakyRelu ? leakySlope : 0,
                    mode: nn.init.FanInOut.FanIn, nonlinearity: next == ActivationKind.LeakyRelu ? nn.init.NonlinearityType.LeakyReLU : nn.init.NonlinearityType.ReLU);
            else
                nn.init.xavier_uniform_(layer.weight);
            nn.init.zeros_(layer.bias);
        }
        return layer;
    }
}
