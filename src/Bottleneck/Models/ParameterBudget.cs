using System.Globalization;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;

namespace Bottleneck.Models;

/// <summary>
/// The largest model the toolkit builds: 2^28 parameters (1 GiB of float32 weights; training adds the gradients and
/// Adam's two moments, 4 GiB in all). A spec is measured against it from its numbers alone, before a single tensor is
/// allocated, so a typo such as 10^9 units is one line instead of a multi-terabyte allocation.
/// </summary>
internal static class ParameterBudget
{
    public const long MaxParameters = 1L << 28;

    /// <summary>Refuses a spec whose model would exceed <see cref="MaxParameters"/>; <paramref name="source"/> names it in the message.</summary>
    public static void Check(ModelSpec spec, string source)
    {
        double count = Estimate(spec);
        if (count > MaxParameters)
            throw new BadInputException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: the model would have about {count:G3} parameters, more than the limit of 2^28 = {MaxParameters:N0} (1 GiB of float32 weights); use narrower layers or a smaller input"));
    }

    /// <summary>
    /// An upper bound on the parameters (trainable or not) the spec's model holds, worked out in floating point so
    /// that no size overflows. Layers are counted as the family builds them: weights and biases of each dense or
    /// convolution layer, BatchNorm's four values a unit, a VQ-VAE's codebook.
    /// </summary>
    public static double Estimate(ModelSpec spec)
    {
        double input = spec.InputShape?.Aggregate(1.0, (a, b) => a * b) ?? 1;
        return spec.Family switch
        {
            "conv" => ConvStack(spec, input),
            VectorQuantizedAutoencoder.FamilyName => VqVae(spec),
            VariationalAutoencoder.FamilyName => Vae(spec, input),
            _ => DenseChain(spec, input),
        };
    }

    /// <summary>
    /// Optional strided convolutions down to a feature map and back up, a dense chain between, and a second head at
    /// the bottleneck (μ and log σ²).
    /// </summary>
    static double Vae(ModelSpec spec, double input)
    {
        double features = input, convolutions = 0;
        if (spec.Vae?.ConvChannels is { Length: > 0 } channels)
        {
            convolutions = 2 * StridedConvolutions(channels);
            features = channels[^1] * input / Math.Pow(4, channels.Length);   // each stride-2 layer quarters the area
        }
        return convolutions + DenseChain(spec, features) + Dense(spec.Encoder.Length > 0 ? spec.Encoder[^1] : features, spec.Bottleneck);
    }

    /// <summary>3×3 convolutions from one channel through <paramref name="channels"/>.</summary>
    static double StridedConvolutions(IReadOnlyList<int> channels)
    {
        double count = 0, previous = 1;
        foreach (double c in channels) { count += 9 * previous * c + c; previous = c; }
        return count;
    }

    static double Dense(double inputs, double outputs) => inputs * outputs + outputs;

    /// <summary>input → encoder widths → bottleneck → decoder widths → input, with BatchNorm on the hidden layers.</summary>
    static double DenseChain(ModelSpec spec, double input)
    {
        double[] widths = [input, .. spec.Encoder.Select(w => (double)w), spec.Bottleneck, .. spec.DecoderWidths.Select(w => (double)w), input];
        double count = 0;
        for (int i = 1; i < widths.Length; i++) count += Dense(widths[i - 1], widths[i]);
        if (spec.BatchNorm) count += 4 * (spec.Encoder.Sum(w => (double)w) + spec.DecoderWidths.Sum(w => (double)w));
        return count;
    }

    /// <summary>Strided 3×3 convolutions down and transposed ones up, the 1×1 and 3×3 convolutions at the code, and the codebook.</summary>
    static double VqVae(ModelSpec spec)
    {
        var options = spec.Vq ?? new VqSpec();
        double last = options.ConvChannels.Length > 0 ? options.ConvChannels[^1] : 1, code = spec.Bottleneck;
        return 2 * StridedConvolutions(options.ConvChannels) + Dense(last, code) + 9 * code * last + last + options.CodebookSize * code;
    }

    /// <summary>Follows the conv family's layers as the stack builds them, channels and image size included.</summary>
    static double ConvStack(ModelSpec spec, double input)
    {
        var shape = spec.InputShape ?? [];
        // [H, W] has one channel; [C, H, W] or [H, W, C] has the smaller end as channels (1 or 3 for images).
        double c = shape.Length == 3 ? Math.Min(shape[0], shape[2]) : 1, area = input / c, vector = 0;
        double count = 0;
        foreach (var layer in (spec.Conv?.Encoder ?? []).Concat(spec.Conv?.Decoder ?? []))
        {
            double k = layer.KernelSize, s = layer.StrideSize;
            switch (layer.Type)
            {
                case "conv":
                    count += c * (layer.Filters ?? 0) * k * k + (layer.Filters ?? 0);
                    c = layer.Filters ?? 0;
                    area = Math.Ceiling(area / (s * s));
                    break;
                case "conv_transpose":
                    count += c * (layer.Filters ?? 0) * k * k + (layer.Filters ?? 0);
                    c = layer.Filters ?? 0;
                    area *= Math.Max(s, k) * Math.Max(s, k);   // at most stride·H + kernel per side: a generous bound
                    break;
                case "max_pool":
                    area = Math.Ceiling(area / ((double)layer.Factor * layer.Factor));
                    break;
                case "upsample":
                    area *= (double)layer.Factor * layer.Factor;
                    break;
                case "flatten":
                    vector = c * area;
                    break;
                case "dense":
                    count += Dense(vector, layer.Units ?? 0);
                    vector = layer.Units ?? 0;
                    break;
                case "reshape":
                    var target = layer.Shape ?? [];
                    c = target.Length > 0 ? target[0] : 1;
                    area = target.Skip(1).Aggregate(1.0, (a, b) => a * b);
                    break;
            }
        }
        return count;
    }
}
