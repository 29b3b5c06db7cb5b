using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Conv;
using Bottleneck.Models.Dense;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Bottleneck.Export.Onnx;

/// <summary>A graph value an exported encoder produces or a decoder takes: its name, element type and per-sample shape.</summary>
internal sealed record OnnxValue(string Name, DataType Type, long[] Shape);

/// <summary>
/// How one model family's encoder and decoder become ONNX nodes. Each family walks its own layers (the modules its
/// constructor registered, by their state_dict names) and adds what lies between them: the layout changes of the conv
/// family, the VAE's two Gaussian heads, the VQ-VAE's nearest-code search and codebook lookup.
/// </summary>
internal abstract class OnnxFamily(Autoencoder model)
{
    protected Autoencoder Model { get; } = model;

    /// <summary>The translation for <paramref name="model"/>'s family; a family with no ONNX form is refused by name.</summary>
    public static OnnxFamily For(Autoencoder model) => model switch
    {
        StackedDenseAutoencoder dense => new DenseFamily(dense),
        ConvolutionalAutoencoder conv => new ConvFamily(conv),
        VariationalAutoencoder vae => new VaeFamily(vae),
        VectorQuantizedAutoencoder vq => new VqFamily(vq),
        _ => throw new BadInputException($"model family '{model.Spec.Family}' ({model.GetType().Name}) has no ONNX form in this exporter; nothing was written"),
    };

    /// <summary>What the encode graph outputs; the first is the code the decoder takes.</summary>
    public abstract IReadOnlyList<OnnxValue> Codes { get; }

    /// <summary>What the decode graph takes.</summary>
    public virtual OnnxValue CodeInput => Codes[0];

    /// <summary>Appends the encoder applied to <paramref name="input"/> ([batch, ..InputShape]); returns <see cref="Codes"/>, in order.</summary>
    public abstract IReadOnlyList<string> Encode(OnnxGraphBuilder graph, string input);

    /// <summary>Appends the decoder up to its output pre-activation, in the data's layout ([batch, ..InputShape]).</summary>
    public abstract string DecodePreActivation(OnnxGraphBuilder graph, string code);

    /// <summary>Appends every layer of <paramref name="layers"/> (state_dict prefix <paramref name="prefix"/>) in order.</summary>
    protected static string Walk(OnnxGraphBuilder graph, string prefix, Sequential layers, string input)
    {
        var value = input;
        foreach (var (name, layer) in layers.named_children()) value = OnnxLayers.Emit(graph, $"{prefix}.{name}", layer, value);
        return value;
    }

    /// <summary>A registered child module of the model, by its state_dict name ("encoder", "mu", ...).</summary>
    protected T Child<T>(string name) where T : nn.Module =>
        Model.named_children().FirstOrDefault(c => c.name == name).module as T
        ?? throw new InvalidOperationException($"{Model.GetType().Name} has no {typeof(T).Name} named '{name}'");

    static long[] Batch(params long[] sampleShape) => [0, .. sampleShape];

    /// <summary>Dense and tied: Dense layers (tied decoders reading the encoder's weights) on flat samples.</summary>
    sealed class DenseFamily(StackedDenseAutoencoder dense) : OnnxFamily(dense)
    {
        public override IReadOnlyList<OnnxValue> Codes => [new("code", DataType.Float, dense.CodeShape)];

        public override IReadOnlyList<string> Encode(OnnxGraphBuilder graph, string input) => [Walk(graph, "encoder", dense.EncoderLayers, input)];

        public override string DecodePreActivation(OnnxGraphBuilder graph, string code) => Walk(graph, "decoder", dense.DecoderLayers, code);
    }

    /// <summary>Conv: the data's layout to channels first and back around the conv stacks (<see cref="ImageLayout"/>).</summary>
    sealed class ConvFamily(ConvolutionalAutoencoder conv) : OnnxFamily(conv)
    {
        readonly ImageLayout layout = new(conv.Spec.InputShape!, "model spec: field 'input_shape'");

        public override IReadOnlyList<OnnxValue> Codes => [new("code", DataType.Float, conv.CodeShape)];

        public override IReadOnlyList<string> Encode(OnnxGraphBuilder graph, string input)
        {
            var (c, h, w) = (layout.Channels, layout.Height, layout.Width);
            var channelsFirst = layout.ChannelsLast
                ? graph.Node("Transpose", "input_layout", [graph.Node("Reshape", "input_layout", [input, graph.Constant("input_layout/shape", Batch(h, w, c))])],
                    OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2))
                : layout.IsChannelsFirst ? input : graph.Node("Reshape", "input_layout", [input, graph.Constant("input_layout/shape", Batch(c, h, w))]);
            return [Walk(graph, "encoder", conv.EncoderLayers, channelsFirst)];
        }

        public override string DecodePreActivation(OnnxGraphBuilder graph, string code)
        {
            var channelsFirst = Walk(graph, "decoder", conv.DecoderLayers, code);
            if (layout.ChannelsLast) return graph.Node("Transpose", "output_layout", [channelsFirst], OnnxGraphBuilder.Ints("perm", 0, 2, 3, 1));
            return layout.IsChannelsFirst ? channelsFirst
                : graph.Node("Reshape", "output_layout", [channelsFirst, graph.Constant("output_layout/shape", Batch(layout.SampleShape))]);
        }
    }

    /// <summary>VAE: the encoder's features feed two linear heads, μ and log σ² (§13.1); the code decoded is μ.</summary>
    sealed class VaeFamily(VariationalAutoencoder vae) : OnnxFamily(vae)
    {
        public override IReadOnlyList<OnnxValue> Codes =>
            [new("mu", DataType.Float, vae.CodeShape), new("log_var", DataType.Float, vae.CodeShape)];

        public override OnnxValue CodeInput => new("z", DataType.Float, vae.CodeShape);

        public override IReadOnlyList<string> Encode(OnnxGraphBuilder graph, string input)
        {
            var features = Walk(graph, "encoder", Child<Sequential>("encoder"), input);
            return [OnnxLayers.Emit(graph, "mu", Child<Linear>("mu"), features), OnnxLayers.Emit(graph, "log_var", Child<Linear>("log_var"), features)];
        }

        public override string DecodePreActivation(OnnxGraphBuilder graph, string code) => Walk(graph, "decoder", Child<Sequential>("decoder"), code);
    }

    /// <summary>
    /// VQ-VAE (§13.3): the code is the grid of nearest codebook indices, k = argmin_j ‖z_e − e_j‖², and decoding looks
    /// the indices up in the codebook (Gather) before the decoder.
    /// </summary>
    sealed class VqFamily(VectorQuantizedAutoencoder vq) : OnnxFamily(vq)
    {
        public override IReadOnlyList<OnnxValue> Codes => [new("indices", DataType.Int64, vq.CodeShape)];

        public override IReadOnlyList<string> Encode(OnnxGraphBuilder graph, string input)
        {
            var encoded = Walk(graph, "encoder", Child<Sequential>("encoder"), input);                // z_e [B, D, h, w]
            var vectors = graph.Node("Transpose", "quantizer", [encoded], OnnxGraphBuilder.Ints("perm", 0, 2, 3, 1));   // [B, h, w, D]
            // ‖v − e_j‖² = ‖v‖² − 2 v·e_j + ‖e_j‖², without ‖v‖² (the same for every j), as VectorQuantizer.Nearest computes
            // it: ‖e_j‖² and −2·eᵀ are precomputed (doubling is exact in float32, so v·(−2e) = −2(v·e) bit for bit).
            using var codebook = vq.Quantizer.Codebook.detach();
            using var norms = codebook.square().sum([1]);
            using var scaled = (-2 * codebook).t();
            var products = graph.Node("MatMul", "quantizer", [vectors, graph.Weight("quantizer.codebook_times_minus_2_transposed", scaled)]);
            var distances = graph.Node("Add", "quantizer", [products, graph.Weight("quantizer.codebook_squared_norms", norms)]);
            // The first of tied minima, as torch's argmin.
            return [graph.Node("ArgMin", "quantizer", [distances], OnnxGraphBuilder.Int("axis", -1), OnnxGraphBuilder.Int("keepdims", 0),
                OnnxGraphBuilder.Int("select_last_index", 0))];
        }

        public override string DecodePreActivation(OnnxGraphBuilder graph, string code)
        {
            var vectors = graph.Node("Gather", "codebook_lookup", [graph.Weight("quantizer.codebook", vq.Quantizer.Codebook), code], OnnxGraphBuilder.Int("axis", 0));
            var quantized = graph.Node("Transpose", "codebook_lookup", [vectors], OnnxGraphBuilder.Ints("perm", 0, 3, 1, 2));   // [B, D, h, w]
            return Walk(graph, "decoder", Child<Sequential>("decoder"), quantized);
        }
    }
}
