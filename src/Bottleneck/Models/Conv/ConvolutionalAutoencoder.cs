using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Bottleneck.Data;
using Bottleneck.Kernels;
using Bottleneck.Objectives;

namespace Bottleneck.Models.Conv;

/// <summary>
/// The convolutional autoencoder of chapter §3.4 and §10.3: Conv2D / MaxPooling2D encoders, UpSampling2D or strided
/// Conv2DTranspose decoders, optionally a dense code between Flatten and Reshape (Practice Problem 1). Layers work
/// channels first, [B, C, H, W], as PyTorch's do, and their parameters are named as an <c>nn.Sequential</c> called
/// <c>encoder</c> and one called <c>decoder</c> would name them. The code is the encoder's last layer's output (the layer
/// the chapter names 'bottleneck'); inputs and reconstructions keep the data's own layout ([28, 28] for MNIST).
/// </summary>
internal sealed class ConvolutionalAutoencoder : Autoencoder
{
    readonly Sequential encoder, decoder;
    readonly ImageLayout layout;
    readonly LayoutChange toChannelsFirst, fromChannelsFirst;
    readonly long[] codeShape;

    /// <summary>Builds the model; weights are initialised from torch's global generator (seed it first for repeatable runs).</summary>
    public ConvolutionalAutoencoder(ModelSpec spec) : base("ConvolutionalAutoencoder", spec)
    {
        spec.Validate("model spec");
        var conv = spec.Conv ?? throw new BadInputException("model spec: field 'conv': required for family 'conv'");
        layout = new ImageLayout(spec.InputShape ?? throw new InvalidOperationException("the spec has no input_shape yet: take it from the data with WithInputShape"),
            "model spec: field 'input_shape'");
        Output = new OutputFunction(Activations.Parse(spec.OutputActivation, "output_activation"), spec.LeakyReluSlope);
        (encoder, codeShape) = ConvStack.Build(conv.Encoder, layout.ChannelsFirst, "model spec", "conv.encoder", null, spec.LeakyReluSlope);
        (decoder, var produced) = ConvStack.Build(conv.Decoder, codeShape, "model spec", "conv.decoder", Output, spec.LeakyReluSlope);
        if (!produced.SequenceEqual(layout.ChannelsFirst))
            throw new BadInputException($"model spec: field 'conv.decoder': the decoder produces [{string.Join(", ", produced)}] " +
                $"but the input is [{string.Join(", ", layout.ChannelsFirst)}] (channels, height, width); the reconstruction must have the input's shape");
        toChannelsFirst = new LayoutChange("Reshape (channels first)", layout.ToChannelsFirst);
        fromChannelsFirst = new LayoutChange("Reshape (data layout)", layout.FromChannelsFirst);
        RegisterComponents();
        ChannelsLast.Apply(this);
    }

    public override long[] InputShape => layout.SampleShape;

    /// <summary>The code's shape, channels first: [32, 7, 7] for the chapter's conv model (1,568 values for 784 pixels).</summary>
    public override long[] CodeShape => codeShape;

    public override OutputFunction Output { get; }

    /// <summary>The encoder's layers, input side first.</summary>
    public Sequential EncoderLayers => encoder;

    /// <summary>The decoder's layers up to the output pre-activation.</summary>
    public Sequential DecoderLayers => decoder;

    /// <summary>h = f(x) for a batch in the data's layout (or flattened): [B, ...CodeShape].</summary>
    public override Tensor Encode(Tensor input) => encoder.forward(layout.ToChannelsFirst(input));

    /// <summary>The output layer's pre-activation in the data's layout; codes may come flattened.</summary>
    public override Tensor DecodePreActivation(Tensor code) =>
        layout.FromChannelsFirst(decoder.forward(code.reshape([code.shape[0], .. codeShape])));

    public override IEnumerable<(string Name, nn.Module<Tensor, Tensor> Layer, bool IsBottleneck)> Layers()
    {
        if (!layout.IsChannelsFirst) yield return ("input_layout", toChannelsFirst, false);
        var encoderLayers = encoder.children().ToList();
        for (int i = 0; i < encoderLayers.Count; i++)
            yield return ($"encoder.{i}", (nn.Module<Tensor, Tensor>)encoderLayers[i], i == encoderLayers.Count - 1);
        int j = 0;
        foreach (var layer in decoder.children()) yield return ($"decoder.{j++}", (nn.Module<Tensor, Tensor>)layer, false);
        if (!layout.IsChannelsFirst) yield return ("output_layout", fromChannelsFirst, false);
    }
}
