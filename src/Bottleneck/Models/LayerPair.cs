using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;

namespace Bottleneck.Models;

/// <summary>
/// One shallow autoencoder of layer-wise greedy pretraining (chapter §4.4): encoder layer k of a deep dense model and
/// its mirror in the decoder, h_{k−1} → h_k → ĥ_{k−1}. It is built with the deep layers' own structure and initial
/// weights, trained on its own, and then copied back into the deep model with <see cref="CopyInto"/>.
/// </summary>
internal sealed class LayerPair : Autoencoder
{
    readonly Sequential encoder, decoder;
    readonly int inputSize, codeSize;

    /// <summary>
    /// The pair for <paramref name="stage"/> (0 = the layer next to the data) of <paramref name="deep"/>, holding copies
    /// of that encoder layer (Dense, BatchNorm, activation, Dropout as the deep model has them) and of the mirrored
    /// decoder layer up to its pre-activation. The pair's output activation is the deep decoder layer's: the model's
    /// output function for stage 0, the hidden activation above it.
    /// </summary>
    public LayerPair(DenseAutoencoder deep, int stage) : base("LayerPair", PairSpec(deep.Spec, stage))
    {
        var encoderGroups = Groups(deep.EncoderLayers);
        var decoderGroups = Groups(deep.DecoderLayers);
        if (stage < 0 || stage >= encoderGroups.Count)
            throw new ArgumentOutOfRangeException(nameof(stage), $"the model has {encoderGroups.Count} encoder layers, so stages 0..{encoderGroups.Count - 1}");
        Stage = stage;
        var spec = deep.Spec;
        var hidden = Activations.Parse(spec.Activation, "activation");
        var code = Activations.Parse(spec.BottleneckActivation ?? spec.Activation, "bottleneck_activation");
        bool last = stage == encoderGroups.Count - 1;

        EncoderSource = encoderGroups[stage];
        DecoderSource = decoderGroups[decoderGroups.Count - 1 - stage].TakeWhile(m => m is Linear or BatchNorm).ToArray();
        // The encoder layer keeps its activation and dropout; the decoder layer stops at its pre-activation, since
        // the pair's output function plays its activation and dropout on a reconstruction would only add noise.
        encoder = nn.Sequential(EncoderSource.Select(m => Fresh(m, last ? code : hidden, spec.LeakyReluSlope)));
        decoder = nn.Sequential(DecoderSource.Select(m => Fresh(m, hidden, spec.LeakyReluSlope)));
        Output = stage == 0 ? deep.Output : new OutputFunction(hidden, spec.LeakyReluSlope);
        inputSize = checked((int)((Linear)EncoderSource[0]).in_features);
        codeSize = checked((int)((Linear)EncoderSource[0]).out_features);
        RegisterComponents();
        Copy(EncoderSource, encoder.children().ToArray());
        Copy(DecoderSource, decoder.children().ToArray());
    }

    /// <summary>Which encoder layer of the deep model this pair trains, 0 being the one next to the data.</summary>
    public int Stage { get; }

    // The deep model's modules this pair copies from and back into.
    readonly nn.Module[] EncoderSource, DecoderSource;

    public override long[] InputShape => [inputSize];
    public override long[] CodeShape => [codeSize];
    public override OutputFunction Output { get; }

    /// <summary>The pair's encoder layer: Dense, then what follows it in the deep model.</summary>
    public Sequential EncoderLayers => encoder;

    /// <summary>The pair's decoder layer up to its pre-activation.</summary>
    public Sequential DecoderLayers => decoder;

    public override Tensor Encode(Tensor input) => encoder.forward(input.reshape(input.shape[0], inputSize));

    public override Tensor DecodePreActivation(Tensor code) => decoder.forward(code);

    public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers()
    {
        int i = 0;
        foreach (var layer in encoder.children()) { yield return ($"encoder.{i}", (nn.Module<Tensor, Tensor>)layer, i == encoder.Count - 1); i++; }
        i = 0;
        foreach (var layer in decoder.children()) { yield return ($"decoder.{i}", (nn.Module<Tensor, Tensor>)layer, false); i++; }
    }

    /// <summary>Copies this pair's trained weights and BatchNorm statistics into the deep model's layers it was built from.</summary>
    public void CopyInto()
    {
        Copy(encoder.children().ToArray(), EncoderSource);
        Copy(decoder.children().ToArray(), DecoderSource);
    }

    /// <summary>
    /// The layers of a dense model's Sequential in groups, one per Dense layer: the Dense layer and what follows it up
    /// to the next Dense layer (BatchNorm, activation, Dropout).
    /// </summary>
    public static IReadOnlyList<nn.Module[]> Groups(Sequential layers)
    {
        var groups = new List<List<nn.Module>>();
        foreach (var module in layers.children())
        {
            if (module is Linear) groups.Add([]);
            if (groups.Count == 0) throw new InvalidOperationException("a dense model's layers must start with a Dense layer");
            groups[^1].Add(module);
        }
        return groups.Select(g => g.ToArray()).ToArray();
    }

    static ModelSpec PairSpec(ModelSpec deep, int stage)
    {
        int[] widths = [deep.InputSize, .. deep.Encoder, deep.Bottleneck];
        if (stage < 0 || stage >= widths.Length - 1) return deep;   // the constructor reports the bad stage
        return deep with { Name = $"{deep.Name} pair {stage + 1}", InputShape = [widths[stage]], Encoder = [], Bottleneck = widths[stage + 1], Decoder = null };
    }

    // A module like `source`, with its own parameters; activations are made from the spec's kind, as the deep model made them.
    static nn.Module<Tensor, Tensor> Fresh(nn.Module source, ActivationKind activation, double leakySlope) => source switch
    {
        Linear l => nn.Linear(l.in_features, l.out_features),
        BatchNorm b => new WholeBatchNorm(b.num_features, b.eps, b.momentum ?? 0.1),
        ReproducibleDropout d => new ReproducibleDropout(d.p),
        Dropout d => new ReproducibleDropout(d.p),
        _ => Activations.Create(activation, leakySlope),
    };

    // Copies parameters and buffers module by module; the two lists come from the same layer structure.
    static void Copy(IReadOnlyList<nn.Module> from, IReadOnlyList<nn.Module> to)
    {
        if (from.Count != to.Count) throw new InvalidOperationException($"layer pair: {from.Count} modules to copy into {to.Count}");
        using var noGrad = no_grad();
        for (int i = 0; i < from.Count; i++)
        {
            var target = to[i].state_dict();
            foreach (var (name, tensor) in from[i].state_dict())
            {
                if (!target.TryGetValue(name, out var destination) || !destination.shape.SequenceEqual(tensor.shape))
                    throw new InvalidOperationException($"layer pair: '{name}' of {from[i].GetName()} does not fit {to[i].GetName()}");
                destination.copy_(tensor);
            }
        }
    }
}
