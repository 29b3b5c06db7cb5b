using Bottleneck.Kernels;
using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models.Conv;

/// <summary>
/// Builds a convolutional encoder or decoder (an <c>nn.Sequential</c>, numbered as PyTorch numbers it) from
/// <see cref="ConvLayerSpec"/>s, following the shape through every layer so that each 'same' layer gets exactly the
/// padding Keras gives it (§3.4, GUIDE §4.6). Where Keras pads unevenly (an odd total, the extra row at the bottom and
/// column at the right), an explicit <c>ZeroPad2d</c> does it before the convolution, and a transposed convolution is
/// followed by a one-pixel crop (a <c>ZeroPad2d</c> with negative padding, as PyTorch allows): the result is the same
/// function as Keras's layer, not merely the same output size.
/// </summary>
internal static class ConvStack
{
    /// <summary>
    /// The layers for <paramref name="specs"/> applied to samples of <paramref name="inputShape"/> ([C, H, W], or [N] for
    /// a vector), and the shape they produce. With <paramref name="output"/> the last layer is the model's output layer:
    /// it gets no activation module (the model applies <paramref name="output"/> itself, so a loss can use logits).
    /// </summary>
    public static (Sequential Layers, long[] OutputShape) Build(IReadOnlyList<ConvLayerSpec> specs, long[] inputShape,
        string source, string path, OutputFunction? output, double leakySlope)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        var shape = inputShape;
        for (int i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            string where = $"{source}: field '{path}[{i}]'";
            bool isOutput = output is not null && i == specs.Count - 1;
            var activation = isOutput ? output!.Value.Kind : Activations.Parse(spec.Activation ?? "relu", where);
            switch (spec.Type)
            {
                case "conv":
                    shape = AddConv(layers, spec, Image(shape, where, spec.Type), where, activation, leakySlope);
                    break;
                case "conv_transpose":
                    shape = AddConvTranspose(layers, spec, Image(shape, where, spec.Type), activation, leakySlope);
                    break;
                case "max_pool":
                    shape = AddMaxPool(layers, spec, Image(shape, where, spec.Type), where);
                    break;
                case "upsample":
                {
                    var (c, h, w) = Image(shape, where, spec.Type);
                    // UpSampling2D repeats each pixel size×size times: nearest-neighbour interpolation
                    layers.Add(nn.Upsample(scale_factor: [spec.Factor, spec.Factor], mode: UpsampleMode.Nearest));
                    shape = [c, (long)h * spec.Factor, (long)w * spec.Factor];
                    break;
                }
                case "flatten":
                {
                    var (c, h, w) = Image(shape, where, spec.Type);
                    layers.Add(nn.Flatten());
                    shape = [(long)c * h * w];
                    break;
                }
                case "dense":
                {
                    if (shape.Length != 1)
                        throw new BadInputException($"{where}: a dense layer takes a vector, got [{string.Join(", ", shape)}] (add a flatten layer before it)");
                    var linear = nn.Linear(shape[0], spec.Units!.Value);
                    Initialise(linear.weight!, linear.bias, activation, leakySlope);
                    layers.Add(linear);
                    shape = [spec.Units!.Value];
                    break;
                }
                case "reshape":
                {
                    long values = spec.Shape!.Aggregate(1L, (a, b) => a * b);
                    if (shape.Length != 1 || shape[0] != values)
                        throw new BadInputException($"{where}: cannot reshape [{string.Join(", ", shape)}] to [{string.Join(", ", spec.Shape!)}] ({values} values)");
                    layers.Add(nn.Unflatten(1, spec.Shape!.Select(d => (long)d).ToArray()));
                    shape = spec.Shape!.Select(d => (long)d).ToArray();
                    break;
                }
            }
            if (spec.Type is "conv" or "conv_transpose" or "dense" && !isOutput && activation != ActivationKind.Linear)
                layers.Add(Activations.Create(activation, leakySlope));
        }
        return (nn.Sequential(layers), shape);
    }

    static long[] AddConv(List<nn.Module<Tensor, Tensor>> layers, ConvLayerSpec spec, (int C, int H, int W) input, string where,
        ActivationKind activation, double leakySlope)
    {
        int k = spec.KernelSize, s = spec.StrideSize, filters = spec.Filters!.Value;
        (int Before, int After) rows = (0, 0), columns = (0, 0);
        int outH, outW;
        if (spec.SamePadding)
        {
            rows = ConvArithmetic.SamePadding(input.H, k, s);
            columns = ConvArithmetic.SamePadding(input.W, k, s);
            (outH, outW) = (ConvArithmetic.SameOutput(input.H, s), ConvArithmetic.SameOutput(input.W, s));
        }
        else
        {
            if (input.H < k || input.W < k)
                throw new BadInputException($"{where}: a {k}×{k} 'valid' convolution does not fit a {input.H}×{input.W} input");
            (outH, outW) = (ConvArithmetic.Output(input.H, k, s), ConvArithmetic.Output(input.W, k, s));
        }
        bool even = rows.Before == rows.After && columns.Before == columns.After;
        // Keras pads unevenly when the total is odd (stride 2 on an even size, or an even kernel): pad explicitly.
        if (!even) layers.Add(nn.ZeroPad2d((columns.Before, columns.After, rows.Before, rows.After)));
        var conv = CheckedConvolution.Conv2d(input.C, filters, k, s, even ? (rows.Before, columns.Before) : (0, 0));
        Initialise(conv.weight!, conv.bias, activation, leakySlope);
        layers.Add(conv);
        return [filters, outH, outW];
    }

    static long[] AddConvTranspose(List<nn.Module<Tensor, Tensor>> layers, ConvLayerSpec spec, (int C, int H, int W) input,
        ActivationKind activation, double leakySlope)
    {
        int k = spec.KernelSize, s = spec.StrideSize, filters = spec.Filters!.Value;
        // Keras's Conv2DTranspose is the gradient of the Conv2D that maps its output back to its input. Its full output,
        // (I − 1)·S + K, is cropped by that Conv2D's padding: for 'same' the total K − S, ⌊(K − S)/2⌋ at the top/left
        // and the rest at the bottom/right; when K < S the output is extended by S − K at the bottom/right instead.
        int crop = spec.SamePadding ? Math.Max(k - s, 0) : 0;
        int before = crop / 2, after = crop - before;
        int outputPadding = Math.Max(s - k, 0);
        var deconv = CheckedConvolution.ConvTranspose2d(input.C, filters, k, s, before, outputPadding);
        Initialise(deconv.weight!, deconv.bias, activation, leakySlope);
        layers.Add(deconv);
        // ConvTranspose2d crops `padding` on both sides; the odd pixel Keras crops at the bottom/right needs its own step.
        if (after > before) layers.Add(nn.ZeroPad2d((0, before - after, 0, before - after)));
        int outH = ConvArithmetic.KerasTransposedOutput(input.H, k, s, spec.SamePadding);
        int outW = ConvArithmetic.KerasTransposedOutput(input.W, k, s, spec.SamePadding);
        return [filters, outH, outW];
    }

    static long[] AddMaxPool(List<nn.Module<Tensor, Tensor>> layers, ConvLayerSpec spec, (int C, int H, int W) input, string where)
    {
        int p = spec.Factor;
        if (!spec.SamePadding)
        {
            if (input.H < p || input.W < p)
                throw new BadInputException($"{where}: a {p}×{p} 'valid' pooling window does not fit a {input.H}×{input.W} input");
            layers.Add(nn.MaxPool2d((p, p), stride: (p, p)));
            return [input.C, ConvArithmetic.Output(input.H, p, p), ConvArithmetic.Output(input.W, p, p)];
        }
        // 'same' pooling pads ⌊total/2⌋ before and the rest after, never counting padding as a maximum. MaxPool2d's own
        // padding (ignored by the max) covers the part before, and ceil_mode lets the last window hang over the end.
        var rows = ConvArithmetic.SamePadding(input.H, p, p);
        var columns = ConvArithmetic.SamePadding(input.W, p, p);
        bool ragged = rows.After > 0 || columns.After > 0;
        layers.Add(nn.MaxPool2d((p, p), stride: (p, p), padding: (rows.Before, columns.Before), ceil_mode: ragged));
        return [input.C, ConvArithmetic.SameOutput(input.H, p), ConvArithmetic.SameOutput(input.W, p)];
    }

    static (int C, int H, int W) Image(long[] shape, string where, string type) => shape.Length == 3
        ? ((int)shape[0], (int)shape[1], (int)shape[2])
        : throw new BadInputException($"{where}: a {type} layer takes an image [C, H, W], got a vector of {shape[0]} values (add a reshape layer before it)");

    /// <summary>He initialisation before the ReLU family, Glorot otherwise (§7.9), biases zero — as the dense family does.</summary>
    static void Initialise(Tensor weight, Tensor? bias, ActivationKind next, double leakySlope)
    {
        using var noGrad = no_grad();
        if (next.IsReluFamily())
            nn.init.kaiming_normal_(weight, a: next == ActivationKind.LeakyRelu ? leakySlope : 0, mode: nn.init.FanInOut.FanIn,
                nonlinearity: next == ActivationKind.LeakyRelu ? nn.init.NonlinearityType.LeakyReLU : nn.init.NonlinearityType.ReLU);
        else
            nn.init.xavier_uniform_(weight);
        if (bias is not null) nn.init.zeros_(bias);
    }
}
