using System.Text.Json;
using System.Text.Json.Serialization;
using Bottleneck.IO;
using Bottleneck.Models.Conv;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;
using Bottleneck.Objectives;

namespace Bottleneck.Models;

/// <summary>
/// What a model is, as plain data: a family and its layer widths, activations and options. It is what a spec JSON
/// file holds, what a preset expands to, and what <c>model.json</c> stores so a saved model can be rebuilt exactly.
/// </summary>
internal sealed record ModelSpec
{
    /// <summary>Model family (see <see cref="ModelFactory.Families"/>); "dense" is the fully connected autoencoder of chapter §2-§4.</summary>
    public string Family { get; init; } = "dense";

    /// <summary>A name for people: the preset's name, or the spec file's.</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Shape of one input sample; dense models flatten it. Null takes the shape of the training data.</summary>
    public int[]? InputShape { get; init; }

    /// <summary>Widths of the encoder's hidden layers, input side first, not counting the bottleneck.</summary>
    public int[] Encoder { get; init; } = [];

    /// <summary>Width of the code layer, named "bottleneck" as in the chapter's Keras code.</summary>
    public int Bottleneck { get; init; } = 32;

    /// <summary>Widths of the decoder's hidden layers; null mirrors the encoder (§4.2's symmetric design).</summary>
    public int[]? Decoder { get; init; }

    /// <summary>Activation of the hidden layers (relu, leaky_relu, elu, tanh, sigmoid, linear).</summary>
    public string Activation { get; init; } = "relu";

    /// <summary>Activation of the bottleneck; null means the hidden activation. §8.1's 2-D map uses linear.</summary>
    public string? BottleneckActivation { get; init; }

    /// <summary>Activation of the output layer: sigmoid for data in [0, 1], linear for standardised data (§2.6).</summary>
    public string OutputActivation { get; init; } = "sigmoid";

    /// <summary>Negative-side slope of leaky_relu; the chapter says 0.01 (Keras's own default is 0.3).</summary>
    public double LeakyReluSlope { get; init; } = 0.01;

    /// <summary>BatchNorm after each hidden Dense layer, before its activation; never at the bottleneck or output (§4.4).</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Dropout rate after each hidden activation; never at the bottleneck or output (§4.4).</summary>
    public double Dropout { get; init; }

    /// <summary>The penalties of §3.3 added to the loss (L2, L1 activity, KL sparsity, contractive); null for none. Dense and tied families.</summary>
    public PenaltySpec? Penalties { get; init; }
    /// <summary>Options of the "vae" family (β, convolutional encoder, importance samples); null takes the defaults.</summary>
    public VaeSpec? Vae { get; init; }

    /// <summary>Options of the "vq-vae" family (codebook size, commitment weight, dead-code revival); null takes the defaults.</summary>
    public VqSpec? Vq { get; init; }
    /// <summary>The layers of a convolutional model (family "conv", §3.4); the dense fields above do not apply to it.</summary>
    public ConvSpec? Conv { get; init; }

    /// <summary>Number of values in one input sample.</summary>
    [JsonIgnore] public int InputSize => (InputShape ?? throw new InvalidOperationException("the spec has no input_shape yet: take it from the data with WithInputShape"))
        .Aggregate(1, (a, b) => a * b);

    /// <summary>The spec with the input shape filled in from data when it has none; a spec that names one keeps it.</summary>
    public ModelSpec WithInputShape(IEnumerable<long> sampleShape) =>
        InputShape is null ? this with { InputShape = sampleShape.Select(d => checked((int)d)).ToArray() } : this;

    /// <summary>The decoder's hidden widths after applying the mirror default.</summary>
    [JsonIgnore] public int[] DecoderWidths => Decoder ?? Encoder.Reverse().ToArray();

    /// <summary>JSON options for specs: snake_case names, as the command line and model.json use them (<see cref="SnakeCaseJson"/>).</summary>
    public static readonly JsonSerializerOptions Json = SnakeCaseJson.Options;

    /// <summary>Reads and validates a spec from a JSON file.</summary>
    public static ModelSpec Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: model spec file not found");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates a spec from JSON text; <paramref name="source"/> names it in errors.</summary>
    public static ModelSpec Parse(string json, string source)
    {
        ModelSpec? spec;
        try { spec = JsonSerializer.Deserialize<ModelSpec>(json, Json); }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } p ? $" at {p}" : "";
            var line = e.LineNumber is long l ? $" (line {l + 1})" : "";
            throw new BadInputException($"{source}: not a valid model spec{where}{line}: {FirstLine(e.Message)}");
        }
        if (spec is null) throw new BadInputException($"{source}: the model spec is empty (expected a JSON object)");
        spec.Validate(source);
        return spec;
    }

    /// <summary>Checks every field; throws <see cref="BadInputException"/> naming the source and the field.</summary>
    public void Validate(string source)
    {
        if (!ModelFactory.Families.Contains(Family))
            throw new BadInputException($"{source}: field 'family': unknown model family '{Family}' (expected {string.Join(", ", ModelFactory.Families)})");
        if (InputShape is not null && (InputShape.Length == 0 || InputShape.Any(d => d <= 0)))
            throw new BadInputException($"{source}: field 'input_shape': expected positive sizes, got [{string.Join(", ", InputShape)}]");
        if (InputShape is not null && InputShape.Aggregate(1.0, (a, b) => a * b) > int.MaxValue)
            throw new BadInputException($"{source}: field 'input_shape': [{string.Join(", ", InputShape)}] holds more than 2^31 − 1 values a sample");
        if (Encoder.Any(w => w <= 0))
            throw new BadInputException($"{source}: field 'encoder': layer widths must be positive, got [{string.Join(", ", Encoder)}]");
        if (Decoder is { } d && d.Any(w => w <= 0))
            throw new BadInputException($"{source}: field 'decoder': layer widths must be positive, got [{string.Join(", ", d)}]");
        if (Bottleneck <= 0)
            throw new BadInputException($"{source}: field 'bottleneck': expected a positive width, got {Bottleneck}");
        Activations.Parse(Activation, $"{source}: field 'activation'");
        if (BottleneckActivation is { } b) Activations.Parse(b, $"{source}: field 'bottleneck_activation'");
        Activations.Parse(OutputActivation, $"{source}: field 'output_activation'");
        if (!(LeakyReluSlope >= 0 && LeakyReluSlope < 1))
            throw new BadInputException($"{source}: field 'leaky_relu_slope': expected a value in [0, 1), got {LeakyReluSlope}");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new BadInputException($"{source}: field 'dropout': expected a rate in [0, 1), got {Dropout}");
        if (Penalties is { } penalties)
        {
            if (Family is not ("dense" or "tied"))
                throw new BadInputException($"{source}: field 'penalties': penalties apply to the dense and tied families, not '{Family}'");
            penalties.Validate(source, BottleneckActivation ?? Activation);
        }
        if (Family == "tied")
        {
            // W_d = W_eᵀ (§3.3.3): each decoder layer is an encoder layer transposed, so the decoder must mirror the encoder.
            var mirror = Encoder.Reverse().ToArray();
            if (Decoder is { } own && !own.SequenceEqual(mirror))
                throw new BadInputException($"{source}: field 'decoder': a tied model's decoder mirrors its encoder (expected [{string.Join(", ", mirror)}] or no decoder), got [{string.Join(", ", own)}]");
            if (BatchNorm)
                throw new BadInputException($"{source}: field 'batch_norm': not supported by the tied family");
        }
        ValidateFamilyOptions(source);
    }

    void ValidateFamilyOptions(string source)
    {
        if (Vae is not null && Family != VariationalAutoencoder.FamilyName)
            throw new BadInputException($"{source}: field 'vae': only the '{VariationalAutoencoder.FamilyName}' family takes it (this spec's family is '{Family}')");
        if (Vq is not null && Family != VectorQuantizedAutoencoder.FamilyName)
            throw new BadInputException($"{source}: field 'vq': only the '{VectorQuantizedAutoencoder.FamilyName}' family takes it (this spec's family is '{Family}')");
        Vae?.Validate(source);
        Vq?.Validate(source);
        // A VAE's decoder is a Bernoulli likelihood p(x|z), so its mean must lie in (0, 1).
        if (Family == VariationalAutoencoder.FamilyName && Activations.Parse(OutputActivation, "output_activation") != ActivationKind.Sigmoid)
            throw new BadInputException($"{source}: field 'output_activation': the vae family's decoder is a Bernoulli likelihood, so its output must be sigmoid, got {OutputActivation}");
        if (Family == "conv")
        {
            if (Conv is null) throw new BadInputException($"{source}: field 'conv': required for family 'conv' (the encoder and decoder layers)");
            Conv.Validate(source, OutputActivation);
        }
    }

    /// <summary>The spec as indented snake_case JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
