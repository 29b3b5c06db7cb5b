using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// The filters an encoder's first layer learned, each shaped as the part of the image it looks at (chapter §3.5,
/// §3.5: "the hidden neurons essentially behave like edge detectors"): for a Dense first layer, row i of W_e [k, d]
/// reshaped to the input image (what unit i responds to); for a Conv2D first layer, each kernel [C_in, kh, kw].
/// </summary>
/// <param name="Layer">The layer's name in the model ("encoder.0").</param>
/// <param name="Kind">"dense" (weight rows) or "conv" (kernels).</param>
/// <param name="Width">Tile width in pixels.</param>
/// <param name="Height">Tile height in pixels.</param>
/// <param name="Channels">1, or 3 for colour kernels; values are channels last, as <see cref="Reporting.ImageGrid"/> takes them.</param>
/// <param name="Weights">The raw weights of each tile kept, row-major, channels last.</param>
/// <param name="Units">Which unit (row or output channel) each tile is.</param>
/// <param name="Total">Units the layer has, of which <see cref="Weights"/> holds the first ones.</param>
internal sealed record FilterBank(string Layer, string Kind, int Width, int Height, int Channels, IReadOnlyList<float[]> Weights,
    IReadOnlyList<string> Units, int Total)
{
    /// <summary>
    /// A tile scaled symmetrically around 0: w / max|w| over the tile, in [−1, 1], so 0 stays 0 (a pixel the unit
    /// ignores) and the sign stays readable; an all-zero tile stays all zero.
    /// </summary>
    public static float[] Normalise(float[] weights)
    {
        float largest = weights.Length == 0 ? 0 : weights.Max(MathF.Abs);
        return largest > 0 ? weights.Select(w => w / largest).ToArray() : new float[weights.Length];
    }

    /// <summary>max|w| of each tile: the scale <see cref="Normalise"/> divides by.</summary>
    public float[] Scales => Weights.Select(w => w.Length == 0 ? 0 : w.Max(MathF.Abs)).ToArray();

    /// <summary>
    /// The first layer of <paramref name="model"/> that has weights, as tiles: at most <paramref name="count"/> of them
    /// (all when null), first units first.
    /// </summary>
    /// <exception cref="BadInputException">The first layer does not look at an image (a CSV model, a dense layer on a
    /// non-square vector), or <paramref name="count"/> is below 1.</exception>
    public static FilterBank Of(Autoencoder model, int? count = null)
    {
        if (count is < 1) throw new OptionException("count", $"expected at least 1 filter, got {count}");
        var (name, layer) = model.Layers().Select(l => (l.Name, l.Layer)).FirstOrDefault(l => l.Layer.parameters().Any());
        if (layer is null) throw new OptionException("model", $"'{model.Spec.Name}' has no layer with weights");
        using var scope = NewDisposeScope();
        var weight = layer.parameters().First().detach().to_type(ScalarType.Float32).cpu();
        long inputSize = model.InputShape.Aggregate(1L, (a, b) => a * b);

        if (weight.dim() == 4 && layer is Convolution { transposed: false })
        {
            // Conv2d's weight is [C_out, C_in, kh, kw]: one tile per output channel, colour when it reads 3 channels.
            var (outputs, inputs, kh, kw) = ((int)weight.shape[0], (int)weight.shape[1], (int)weight.shape[2], (int)weight.shape[3]);
            if (inputs is 1 or 3)
            {
                int n = Math.Min(count ?? outputs, outputs);
                var tiles = Enumerable.Range(0, n).Select(o => weight[o].permute(1, 2, 0).contiguous().data<float>().ToArray()).ToArray();
                return new FilterBank(name, "conv", kw, kh, inputs, tiles, Enumerable.Range(0, n).Select(o => $"{o}").ToArray(), outputs);
            }
            // Any other channel count: one grey tile per (output, input) pair.
            int pairs = outputs * inputs, kept = Math.Min(count ?? pairs, pairs);
            var flat = Enumerable.Range(0, kept).Select(p => weight[p / inputs, p % inputs].contiguous().data<float>().ToArray()).ToArray();
            return new FilterBank(name, "conv", kw, kh, 1, flat, Enumerable.Range(0, kept).Select(p => $"{p / inputs}.{p % inputs}").ToArray(), pairs);
        }
        if (weight.dim() == 2 && weight.shape[1] == inputSize)
        {
            // A Dense layer's weight is [k, d] (PyTorch's layout): row i holds unit i's weight on every input value.
            var image = ImageShape.Of(model.Spec.InputShape is { } shape ? shape.Select(d => (long)d).ToArray() : model.InputShape)
                ?? throw new OptionException("model", $"the first layer '{name}' of '{model.Spec.Name}' takes {inputSize} values, which do not form an image " +
                                               "(filters are drawn for image inputs: [H, W], [H, W, C], [C, H, W] with 1 or 3 channels, or a square number of values)");
            int units = (int)weight.shape[0], n = Math.Min(count ?? units, units);
            var rows = Enumerable.Range(0, n).Select(u => image.Interleave(weight[u].contiguous().data<float>().ToArray())).ToArray();
            return new FilterBank(name, "dense", image.Width, image.Height, image.Channels, rows, Enumerable.Range(0, n).Select(u => $"{u}").ToArray(), units);
        }
        throw new OptionException("model", $"the first layer '{name}' of '{model.Spec.Name}' ({layer.GetType().Name}, weight [{string.Join(", ", weight.shape)}]) " +
                                    "is neither a Dense layer on the input image nor a Conv2D, so it has no image-shaped filters");
    }
}
