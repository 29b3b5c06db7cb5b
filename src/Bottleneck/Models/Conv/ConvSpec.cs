using Bottleneck.Objectives;

namespace Bottleneck.Models.Conv;

/// <summary>
/// The layers of a convolutional autoencoder (§3.4, §10.3), encoder then decoder. The encoder's last layer is the one
/// the chapter names 'bottleneck': its output is the code. The decoder's last layer takes the model's output_activation.
/// </summary>
internal sealed record ConvSpec
{
    /// <summary>Encoder layers, input side first.</summary>
    public ConvLayerSpec[] Encoder { get; init; } = [];

    /// <summary>Decoder layers, code side first; the last one produces the reconstruction.</summary>
    public ConvLayerSpec[] Decoder { get; init; } = [];

    /// <summary>Checks every layer's fields (shapes are checked when the model is built, against the input shape).</summary>
    public void Validate(string source, string outputActivation)
    {
        if (Encoder.Length == 0) throw new BadInputException($"{source}: field 'conv.encoder': expected at least one layer");
        if (Decoder.Length == 0) throw new BadInputException($"{source}: field 'conv.decoder': expected at least one layer");
        for (int i = 0; i < Encoder.Length; i++) Encoder[i].Validate(source, $"conv.encoder[{i}]");
        for (int i = 0; i < Decoder.Length; i++) Decoder[i].Validate(source, $"conv.decoder[{i}]");
        var last = Decoder[^1];
        if (last.Type is not ("conv" or "conv_transpose" or "dense"))
            throw new BadInputException($"{source}: field 'conv.decoder[{Decoder.Length - 1}].type': the last layer must be conv, conv_transpose or dense (it produces the reconstruction), got {last.Type}");
        if (last.Activation is { } a && Activations.Parse(a, "") != Activations.Parse(outputActivation, ""))
            throw new BadInputException($"{source}: field 'conv.decoder[{Decoder.Length - 1}].activation': the last layer's activation is the model's output_activation ('{outputActivation}'); set that instead of '{a}'");
    }
}
