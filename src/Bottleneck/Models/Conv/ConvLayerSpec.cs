using Bottleneck.Objectives;

namespace Bottleneck.Models.Conv;

/// <summary>
/// One layer of a convolutional encoder or decoder, as Keras names them (§3.4, §10.3): "conv" (Conv2D), "conv_transpose"
/// (Conv2DTranspose), "max_pool" (MaxPooling2D), "upsample" (UpSampling2D, nearest), and "flatten", "dense", "reshape"
/// for a dense code between convolutions (Practice Problem 1). Fields a layer type does not use stay null.
/// </summary>
internal sealed record ConvLayerSpec
{
    /// <summary>conv, conv_transpose, max_pool, upsample, flatten, dense or reshape.</summary>
    public string Type { get; init; } = "conv";

    /// <summary>Output channels of a conv or conv_transpose layer.</summary>
    public int? Filters { get; init; }

    /// <summary>Square kernel side of a conv or conv_transpose layer (default 3, the chapter's 3×3).</summary>
    public int? Kernel { get; init; }

    /// <summary>Stride of a conv or conv_transpose layer (default 1).</summary>
    public int? Stride { get; init; }

    /// <summary>"same" (Keras's, output ⌈I/S⌉, or I·S when transposed) or "valid" (no padding); default "same", as every layer in the chapter.</summary>
    public string? Padding { get; init; }

    /// <summary>Activation after a conv, conv_transpose or dense layer (default relu); the decoder's last layer uses the model's output_activation.</summary>
    public string? Activation { get; init; }

    /// <summary>Pooling window and stride of max_pool, or the factor of upsample (default 2).</summary>
    public int? Size { get; init; }

    /// <summary>Width of a dense layer.</summary>
    public int? Units { get; init; }

    /// <summary>Target shape of a reshape layer, channels first: [C, H, W].</summary>
    public int[]? Shape { get; init; }

    /// <summary>The layer types a spec may use.</summary>
    public static readonly IReadOnlyList<string> Types = ["conv", "conv_transpose", "max_pool", "upsample", "flatten", "dense", "reshape"];

    /// <summary>Conv2D(filters, kernel×kernel, stride, padding, activation).</summary>
    public static ConvLayerSpec Conv(int filters, int kernel = 3, int stride = 1, string padding = "same", string? activation = null) =>
        new() { Type = "conv", Filters = filters, Kernel = kernel, Stride = stride, Padding = padding, Activation = activation };

    /// <summary>Conv2DTranspose(filters, kernel×kernel, stride, padding, activation).</summary>
    public static ConvLayerSpec ConvTranspose(int filters, int kernel = 3, int stride = 2, string padding = "same", string? activation = null) =>
        new() { Type = "conv_transpose", Filters = filters, Kernel = kernel, Stride = stride, Padding = padding, Activation = activation };

    /// <summary>MaxPooling2D(size×size), stride = size, as Keras's default.</summary>
    public static ConvLayerSpec MaxPool(int size = 2, string padding = "same") => new() { Type = "max_pool", Size = size, Padding = padding };

    /// <summary>UpSampling2D(size×size), nearest neighbour.</summary>
    public static ConvLayerSpec Upsample(int size = 2) => new() { Type = "upsample", Size = size };

    /// <summary>Flatten [C, H, W] to C·H·W values.</summary>
    public static ConvLayerSpec Flatten() => new() { Type = "flatten" };

    /// <summary>Dense(units, activation).</summary>
    public static ConvLayerSpec Dense(int units, string? activation = null) => new() { Type = "dense", Units = units, Activation = activation };

    /// <summary>Reshape a vector to [C, H, W].</summary>
    public static ConvLayerSpec Reshape(params int[] shape) => new() { Type = "reshape", Shape = shape };

    /// <summary>Kernel side, with the default filled in.</summary>
    public int KernelSize => Kernel ?? 3;

    /// <summary>Stride, with the default filled in.</summary>
    public int StrideSize => Stride ?? 1;

    /// <summary>Pool window or upsampling factor, with the default filled in.</summary>
    public int Factor => Size ?? 2;

    /// <summary>True for Keras's 'same' padding (the default).</summary>
    public bool SamePadding => (Padding ?? "same") == "same";

    /// <summary>
    /// Checks the layer's own fields; <paramref name="source"/> names the spec and <paramref name="path"/> the layer
    /// (e.g. "conv.encoder[2]") in the <see cref="BadInputException"/>.
    /// </summary>
    public void Validate(string source, string path)
    {
        BadInputException Bad(string name, string expected) => new($"{source}: field '{path}.{name}': {expected}");
        if (!Types.Contains(Type)) throw Bad("type", $"unknown layer type '{Type}' (expected one of {string.Join(", ", Types)})");
        if (Type is "conv" or "conv_transpose" && Filters is null) throw Bad("filters", $"required for a {Type} layer");
        if (Filters is int f && f <= 0) throw Bad("filters", $"expected a positive number of channels, got {f}");
        if (Kernel is int k && k <= 0) throw Bad("kernel", $"expected a positive kernel size, got {k}");
        if (Stride is int s && s <= 0) throw Bad("stride", $"expected a positive stride, got {s}");
        if (Size is int z && z <= 0) throw Bad("size", $"expected a positive size, got {z}");
        if (Padding is { } p && p is not ("same" or "valid")) throw Bad("padding", $"expected \"same\" or \"valid\", got \"{p}\"");
        if (Activation is { } a) Activations.Parse(a, $"{source}: field '{path}.activation'");
        if (Type == "dense" && Units is not > 0) throw Bad("units", $"a dense layer needs a positive width, got {Units?.ToString() ?? "none"}");
        if (Type == "reshape" && (Shape is not { Length: 3 } || Shape.Any(d => d <= 0)))
            throw Bad("shape", $"expected three positive sizes [C, H, W], got [{string.Join(", ", Shape ?? [])}]");
        // A field the layer ignores is almost always a mistake (a stride on a pooling layer, a kernel on upsampling).
        var used = Type switch
        {
            "conv" or "conv_transpose" => new[] { "filters", "kernel", "stride", "padding", "activation" },
            "max_pool" => ["size", "padding"],
            "upsample" => ["size"],
            "dense" => ["units", "activation"],
            "reshape" => ["shape"],
            _ => [],
        };
        var given = new (string Name, bool Set)[]
        {
            ("filters", Filters is not null), ("kernel", Kernel is not null), ("stride", Stride is not null), ("padding", Padding is not null),
            ("activation", Activation is not null), ("size", Size is not null), ("units", Units is not null), ("shape", Shape is not null),
        };
        foreach (var (name, set) in given)
            if (set && !used.Contains(name)) throw Bad(name, $"a {Type} layer has no '{name}'");
    }
}
