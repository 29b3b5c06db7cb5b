using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static Bottleneck.Export.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Bottleneck.Export.Onnx;

/// <summary>
/// The ONNX form of each layer the model families build, in inference form: BatchNorm with its running statistics,
/// Dropout as the identity. A layer with no ONNX form here is refused by name, before anything is written.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>Appends the nodes of <paramref name="layer"/> (state_dict prefix <paramref name="name"/>) applied to <paramref name="input"/>; returns its output.</summary>
    public static string Emit(OnnxGraphBuilder graph, string name, nn.Module layer, string input) => layer switch
    {
        Linear linear => Dense(graph, name, linear, input),
        // x̂ = W_eᵀh + b_d computed as H·W_e + b_d (§3.3.3): the encoder's weight initializer, not a transposed copy.
        TiedLinear tied => graph.Node("Gemm", name, [input, graph.Weight($"{tied.EncoderName}.weight", tied.Weight), graph.Weight($"{name}.bias", tied.Bias)]),
        BatchNorm1d norm => BatchNorm(graph, name, norm, input),
        Convolution convolution => Convolution(graph, name, convolution, input),
        ZeroPad2d pad => ZeroPad(graph, name, pad.padding, input),
        MaxPool2d pool => MaxPool(graph, name, pool, input),
        Upsample upsample => Upsample(graph, name, upsample, input),
        Flatten { start_dim: 1, end_dim: -1 } => graph.Node("Flatten", name, [input], Int("axis", 1)),
        // Unflatten(1, [C, H, W]): Reshape to [batch, C, H, W], 0 copying the batch dimension from the input.
        Unflatten { dim: 1 } unflatten => graph.Node("Reshape", name, [input, graph.Constant($"{name}/shape", [0, .. unflatten.unflattened_size])]),
        ReLU => graph.Node("Relu", name, [input]),
        LeakyReLU leaky => graph.Node("LeakyRelu", name, [input], Float("alpha", leaky.negative_slope)),
        ELU elu => graph.Node("Elu", name, [input], Float("alpha", elu.alpha)),
        Tanh => graph.Node("Tanh", name, [input]),
        Sigmoid => graph.Node("Sigmoid", name, [input]),
        Identity or Dropout => input,
        _ => throw NoOnnxForm(name, layer, "this layer type"),
    };

    /// <summary>Applies the output function of a model (§2.6: sigmoid for data in [0, 1], linear for standardised data).</summary>
    public static string Activation(OnnxGraphBuilder graph, string name, OutputFunction output, string input) => output.Kind switch
    {
        ActivationKind.Relu => graph.Node("Relu", name, [input]),
        ActivationKind.LeakyRelu => graph.Node("LeakyRelu", name, [input], Float("alpha", output.LeakySlope)),
        ActivationKind.Elu => graph.Node("Elu", name, [input], Float("alpha", 1.0)),
        ActivationKind.Tanh => graph.Node("Tanh", name, [input]),
        ActivationKind.Sigmoid => graph.Node("Sigmoid", name, [input]),
        _ => input,
    };

    /// <summary>The refusal for a layer the exporter cannot translate: names the layer, its type and what is missing.</summary>
    public static BadInputException NoOnnxForm(string name, nn.Module layer, string what) =>
        new($"layer '{name}' ({layer.GetType().Name}): {what} has no ONNX form in this exporter; nothing was written");

    // y = x·Wᵀ + b: Gemm with transB, the weight kept in PyTorch's [out, in] layout.
    static string Dense(OnnxGraphBuilder graph, string name, Linear linear, string input)
    {
        string[] inputs = linear.bias is { } bias
            ? [input, graph.Weight($"{name}.weight", linear.weight!), graph.Weight($"{name}.bias", bias)]
            : [input, graph.Weight($"{name}.weight", linear.weight!)];
        return graph.Node("Gemm", name, inputs, Int("transB", 1));
    }

    // Inference form: y = γ (x − running mean) / √(running var + ε) + β.
    static string BatchNorm(OnnxGraphBuilder graph, string name, BatchNorm1d norm, string input)
    {
        if (norm.running_mean is not { } mean || norm.running_var is not { } variance)
            throw NoOnnxForm(name, norm, "BatchNorm without running statistics");
        var gamma = norm.weight is { } w ? graph.Weight($"{name}.weight", w) : graph.Weight($"{name}.weight", ones(norm.num_features));
        var beta = norm.bias is { } b ? graph.Weight($"{name}.bias", b) : graph.Weight($"{name}.bias", zeros(norm.num_features));
        return graph.Node("BatchNormalization", name,
            [input, gamma, beta, graph.Weight($"{name}.running_mean", mean), graph.Weight($"{name}.running_var", variance)],
            Float("epsilon", norm.eps));
    }

    static string Convolution(OnnxGraphBuilder graph, string name, Convolution convolution, string input)
    {
        if (convolution.padding_mode != PaddingModes.Zeros || convolution.groups != 1 || convolution.dilation.Any(d => d != 1)
            || convolution.padding is not { Length: 2 } padding || convolution.kernel_size.Length != 2)
            throw NoOnnxForm(name, convolution, "a convolution other than 2-D, zero-padded, ungrouped and undilated with explicit padding");
        // PyTorch pads (or, transposed, crops) symmetrically: ONNX lists [top, left, bottom, right].
        long[] pads = [padding[0], padding[1], padding[0], padding[1]];
        string[] inputs = convolution.bias is { } bias
            ? [input, graph.Weight($"{name}.weight", convolution.weight!), graph.Weight($"{name}.bias", bias)]
            : [input, graph.Weight($"{name}.weight", convolution.weight!)];
        if (!convolution.transposed)
            return graph.Node("Conv", name, inputs, Ints("kernel_shape", convolution.kernel_size), Ints("strides", convolution.stride), Ints("pads", pads));
        // Output (I − 1)·S − 2P + K + output_padding, as ConvTranspose2d: ONNX's formula with the same pads.
        return graph.Node("ConvTranspose", name, inputs, Ints("kernel_shape", convolution.kernel_size), Ints("strides", convolution.stride),
            Ints("pads", pads), Ints("output_padding", convolution.output_padding));
    }

    /// <summary>
    /// ZeroPad2d (left, right, top, bottom): positive entries pad with zeros (Pad), negative ones crop (the one-pixel
    /// crop after a Keras-'same' transposed convolution). ONNX's Pad takes no negative pads, so the crop is a Slice.
    /// </summary>
    static string ZeroPad(OnnxGraphBuilder graph, string name, long[] padding, string input)
    {
        if (padding.Length != 4) throw new InvalidOperationException($"ZeroPad2d '{name}' has {padding.Length} paddings, expected 4");
        var (left, right, top, bottom) = (padding[0], padding[1], padding[2], padding[3]);
        var value = input;
        if (padding.Any(p => p > 0))
        {
            long[] pads = [0, 0, Math.Max(top, 0), Math.Max(left, 0), 0, 0, Math.Max(bottom, 0), Math.Max(right, 0)];
            value = graph.Node("Pad", name, [value, graph.Constant($"{name}/pads", pads)], Text("mode", "constant"));
        }
        if (padding.Any(p => p < 0))
        {
            // Rows [top crop, H − bottom crop) and columns likewise; an end of long.MaxValue means "to the end".
            long[] starts = [Math.Max(-top, 0), Math.Max(-left, 0)];
            long[] ends = [bottom < 0 ? bottom : long.MaxValue, right < 0 ? right : long.MaxValue];
            value = graph.Node("Slice", name, [value, graph.Constant($"{name}/starts", starts), graph.Constant($"{name}/ends", ends), graph.Constant($"{name}/axes", 2, 3)]);
        }
        return value;
    }

    // Padding never wins a maximum in either library; ceil_mode lets the last window hang over the end, as trained.
    static string MaxPool(OnnxGraphBuilder graph, string name, MaxPool2d pool, string input)
    {
        if (pool.dilation is { } dilation && dilation.Any(d => d != 1)) throw NoOnnxForm(name, pool, "a dilated max pooling");
        var padding = pool.padding ?? [0, 0];
        var stride = pool.stride ?? pool.kernel_size;
        return graph.Node("MaxPool", name, [input], Ints("kernel_shape", pool.kernel_size), Ints("strides", stride),
            Ints("pads", padding[0], padding[1], padding[0], padding[1]), Int("ceil_mode", pool.ceil_mode ? 1 : 0));
    }

    // UpSampling2D repeats each pixel f×f times: PyTorch's nearest is source index ⌊dst / f⌋, ONNX's asymmetric + floor.
    static string Upsample(OnnxGraphBuilder graph, string name, Upsample upsample, string input)
    {
        var factors = upsample.scale_factor.ToArray();
        if (upsample.mode != UpsampleMode.Nearest || factors.Length != 2 || !upsample.size.IsEmpty)
            throw NoOnnxForm(name, upsample, "an upsampling other than nearest-neighbour by a 2-D scale factor");
        var scales = graph.Constant($"{name}/scales", [1f, 1f, (float)factors[0], (float)factors[1]], [4]);
        return graph.Node("Resize", name, [input, "", scales], Text("mode", "nearest"),
            Text("coordinate_transformation_mode", "asymmetric"), Text("nearest_mode", "floor"));
    }
}
