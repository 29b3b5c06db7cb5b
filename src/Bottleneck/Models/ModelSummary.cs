using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;

namespace Bottleneck.Models;

/// <summary>One row of a model summary: a layer, its output shape for one sample, and its parameter counts.</summary>
internal sealed record LayerSummary(string Name, string Type, long[] OutputShape, long TrainableParams, long NonTrainableParams, bool IsBottleneck)
{
    /// <summary>All the layer's parameters, trainable and not, as Keras's "Param #": the rows sum to the model's total.</summary>
    public long Params => TrainableParams + NonTrainableParams;
}

/// <summary>
/// A layer table like Keras's <c>model.summary()</c>: each layer's output shape (found by running one sample through)
/// and its parameters, trainable and not (BatchNorm's moving mean and variance count as non-trainable, as in Keras).
/// </summary>
internal static class ModelSummary
{
    public static IReadOnlyList<LayerSummary> Of(Autoencoder model)
    {
        var rows = new List<LayerSummary>();
        var wasTraining = model.training;
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = zeros([1, .. model.InputShape]);
        rows.Add(new LayerSummary("input", "Input", model.InputShape, 0, 0, false));
        foreach (var (name, layer, isBottleneck) in model.Layers())
        {
            x = layer.call(x);
            long trainable = layer.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
            long frozen = layer.parameters().Where(p => !p.requires_grad).Sum(p => p.numel())
                          + layer.named_buffers().Where(b => is_floating_point(b.buffer)).Sum(b => b.buffer.numel());
            rows.Add(new LayerSummary(name, Describe(layer), x.shape[1..], trainable, frozen, isBottleneck));
        }
        var output = model.Output.Kind;
        if (output != ActivationKind.Linear)
            rows.Add(new LayerSummary("output", $"{char.ToUpperInvariant(output.Name()[0])}{output.Name()[1..]} (output activation)", x.shape[1..], 0, 0, false));
        if (wasTraining) model.train();
        return rows;
    }

    static string Describe(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        Linear l => $"Dense({l.in_features}→{l.out_features})",
        TiedLinear t => $"Dense({t.InFeatures}→{t.OutFeatures}, tied: {t.EncoderName}.weightᵀ)",
        BatchNorm => "BatchNorm",
        Dropout or ReproducibleDropout => "Dropout",
        Convolution { transposed: true } c => $"Conv2DTranspose({c.in_channels}→{c.out_channels}, {c.kernel_size[0]}×{c.kernel_size[1]}{Stride(c.stride)}{Padding(c.padding!)}"
                             + (c.output_padding.Any(p => p != 0) ? $", output_padding {c.output_padding[0]}" : "") + ")",
        Convolution c => $"Conv2D({c.in_channels}→{c.out_channels}, {c.kernel_size[0]}×{c.kernel_size[1]}{Stride(c.stride)}{Padding(c.padding!)})",
        MaxPool2d p => $"MaxPool2D({p.kernel_size[0]}×{p.kernel_size[1]}{Padding(p.padding)}{(p.ceil_mode ? ", ceil_mode" : "")})",
        Upsample u => $"UpSampling2D(×{u.scale_factor[0]:0.##}, {u.mode.ToString().ToLowerInvariant()})",
        ZeroPad2d z when z.padding.All(p => p <= 0) => $"Crop({string.Join(", ", z.padding.Select(p => -p))})",
        ZeroPad2d z => $"ZeroPad2D({string.Join(", ", z.padding)})",
        Flatten => "Flatten",
        Unflatten u => $"Reshape({string.Join(", ", u.unflattened_size)})",
        LayoutChange l => l.Description,
        _ => layer.GetType().Name,
    };

    static string Stride(long[] stride) => stride.All(s => s == 1) ? "" : $", stride {stride[0]}";

    static string Padding(long[] padding) => padding.All(p => p == 0) ? "" : $", padding {padding[0]}";
}
