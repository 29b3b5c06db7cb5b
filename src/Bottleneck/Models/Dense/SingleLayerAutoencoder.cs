using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Models.Dense;

/// <summary>
/// The single-layer autoencoder of chapter §1.0 and §5.3, h = σ_e(W_e x + b_e), x̂ = σ_d(W_d h + b_d), with the switches
/// the PCA-equivalence experiment turns: biases on or off, a linear or ReLU code, a linear or sigmoid output. With
/// biases off it is the bias-free form the chapter's theorem states (§5.3). Weights Glorot-uniform, biases zero.
/// </summary>
internal sealed class SingleLayerAutoencoder : Autoencoder
{
    readonly Linear encoder, decoder;
    readonly bool reluCode;

    /// <summary>Builds d → k → d from torch's global generator (seed it first for repeatable runs).</summary>
    public SingleLayerAutoencoder(int inputSize, int codeSize, bool biases, bool reluCode, bool sigmoidOutput)
        : base("SingleLayerAutoencoder", new ModelSpec
        {
            Name = $"single-layer {inputSize}-{codeSize}-{inputSize}",
            InputShape = [inputSize],
            Bottleneck = codeSize,
            Activation = reluCode ? "relu" : "linear",
            OutputActivation = sigmoidOutput ? "sigmoid" : "linear",
        })
    {
        this.reluCode = reluCode;
        Output = new OutputFunction(sigmoidOutput ? ActivationKind.Sigmoid : ActivationKind.Linear);
        encoder = nn.Linear(inputSize, codeSize, hasBias: biases);
        decoder = nn.Linear(codeSize, inputSize, hasBias: biases);
        using (no_grad())
        {
            nn.init.xavier_uniform_(encoder.weight);
            nn.init.xavier_uniform_(decoder.weight);
            if (biases) { nn.init.zeros_(encoder.bias); nn.init.zeros_(decoder.bias); }
        }
        RegisterComponents();
    }

    public override long[] InputShape => [encoder.in_features];
    public override long[] CodeShape => [encoder.out_features];
    public override OutputFunction Output { get; }

    /// <summary>W_e, [k, d]: its rows span the encoder's row space.</summary>
    public Tensor EncoderWeight => encoder.weight!;

    /// <summary>W_d, [d, k]: its columns span the decoder's column space, where every reconstruction lies (before b_d).</summary>
    public Tensor DecoderWeight => decoder.weight!;

    /// <summary>b_d, or null without biases.</summary>
    public Tensor? DecoderBias => decoder.bias;

    public override Tensor Encode(Tensor input)
    {
        var h = encoder.forward(input.reshape(input.shape[0], encoder.in_features));
        return reluCode ? F.relu(h) : h;
    }

    public override Tensor DecodePreActivation(Tensor code) => decoder.forward(code);

    public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers()
    {
        yield return ("encoder", encoder, true);
        yield return ("decoder", decoder, false);
    }
}
