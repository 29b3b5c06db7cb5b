using Bottleneck.Models.Conv;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Tests.Models;

/// <summary>
/// The chapter's convolution arithmetic (§3.4, GUIDE §4.6) checked against real layers: each formula is written out
/// here and compared with the shape a TorchSharp layer actually produces, over many sizes; and Keras's 'same' padding
/// is checked to be the same function as Keras's, not just the same size.
/// </summary>
public class ConvArithmeticTests
{
    static readonly int[] Sizes = [5, 6, 7, 8, 13, 14, 27, 28];

    static long[] Run(nn.Module<Tensor, Tensor> layer, int channels, int size)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return layer.call(zeros(1, channels, size, size)).shape[2..];
    }

    static long[] Run(IReadOnlyList<ConvLayerSpec> specs, int channels, int size, out long[] predicted)
    {
        var (layers, shape) = ConvStack.Build(specs, [channels, size, size], "test", "layers", null, 0.01);
        using (layers)
        {
            predicted = shape[1..];
            return Run(layers, channels, size);
        }
    }

    [Fact]
    public void Convolution_output_is_floor_of_I_minus_K_plus_2P_over_S_plus_1()
    {
        foreach (var i in Sizes)
        foreach (var k in new[] { 1, 2, 3, 5 })
        foreach (var s in new[] { 1, 2, 3 })
        foreach (var p in new[] { 0, 1, 2 })
        {
            if (i + 2 * p < k) continue;
            int expected = (i - k + 2 * p) / s + 1;   // O = (I − K + 2P)/S + 1, rounded down
            using var conv = nn.Conv2d(1, 1, k, stride: s, padding: p);
            Assert.Equal(new long[] { expected, expected }, Run(conv, 1, i));
            Assert.Equal(expected, ConvArithmetic.Output(i, k, s, p));
        }
    }

    [Fact]
    public void Pooling_output_follows_the_same_formula()
    {
        foreach (var i in Sizes)
        foreach (var k in new[] { 2, 3 })
        foreach (var s in new[] { 1, 2, 3 })
        foreach (var p in new[] { 0, 1 })
        {
            if (p > k / 2) continue;   // PyTorch allows at most half the window as padding
            int expected = (i - k + 2 * p) / s + 1;
            using var pool = nn.MaxPool2d(k, stride: s, padding: p);
            Assert.Equal(new long[] { expected, expected }, Run(pool, 1, i));
            Assert.Equal(expected, ConvArithmetic.Output(i, k, s, p));
        }
    }

    [Fact]
    public void The_chapters_table_28_14_7_and_back()
    {
        // §3.4: Conv 3×3 same 28 → 28; MaxPool 2×2 28 → 14; Conv 14 → 14; MaxPool 14 → 7; UpSample 7 → 14 → 28.
        Assert.Equal(28, (28 - 3 + 2) / 1 + 1);
        Assert.Equal(14, (28 - 2 + 0) / 2 + 1);
        var shape = Run([ConvLayerSpec.Conv(4), ConvLayerSpec.MaxPool(), ConvLayerSpec.Conv(4), ConvLayerSpec.MaxPool(),
            ConvLayerSpec.Upsample(), ConvLayerSpec.Upsample()], 1, 28, out var predicted);
        Assert.Equal(new long[] { 28, 28 }, shape);
        Assert.Equal(predicted, shape);
        Assert.Equal(new long[] { 7, 7 }, Run([ConvLayerSpec.Conv(4), ConvLayerSpec.MaxPool(), ConvLayerSpec.Conv(4), ConvLayerSpec.MaxPool()], 1, 28, out _));
    }

    [Fact]
    public void Same_convolution_gives_ceil_I_over_S_for_every_kernel()
    {
        foreach (var i in Sizes)
        foreach (var k in new[] { 1, 2, 3, 4, 5 })
        foreach (var s in new[] { 1, 2, 3 })
        {
            int expected = (i + s - 1) / s;   // 'same' ⇒ O = ⌈I/S⌉
            var shape = Run([ConvLayerSpec.Conv(2, kernel: k, stride: s)], 1, i, out var predicted);
            Assert.Equal(new long[] { expected, expected }, shape);
            Assert.Equal(predicted, shape);
        }
    }

    [Fact]
    public void Same_pooling_gives_ceil_I_over_P_and_valid_pooling_floors()
    {
        foreach (var i in Sizes)
        foreach (var p in new[] { 2, 3 })
        {
            int same = (i + p - 1) / p, valid = (i - p) / p + 1;
            Assert.Equal(new long[] { same, same }, Run([ConvLayerSpec.MaxPool(p)], 1, i, out var predicted));
            Assert.Equal(new long[] { same, same }, predicted);
            Assert.Equal(new long[] { valid, valid }, Run([ConvLayerSpec.MaxPool(p, padding: "valid")], 1, i, out _));
        }
        // The Keras blog's third pooling: 7 → 4.
        Assert.Equal(new long[] { 4, 4 }, Run([ConvLayerSpec.MaxPool()], 8, 7, out _));
    }

    [Fact]
    public void Transposed_output_is_I_minus_1_times_S_minus_2P_plus_K_plus_output_padding()
    {
        foreach (var i in new[] { 3, 4, 7, 14 })
        foreach (var k in new[] { 2, 3, 4 })
        foreach (var s in new[] { 1, 2, 3 })
        foreach (var p in new[] { 0, 1 })
        foreach (var op in new[] { 0, 1 })
        {
            if (op >= s) continue;   // output_padding must be smaller than the stride
            int expected = (i - 1) * s - 2 * p + k + op;   // O = (I − 1)·S − 2P + K + output_padding
            using var deconv = nn.ConvTranspose2d(1, 1, k, stride: s, padding: p, output_padding: op);
            Assert.Equal(new long[] { expected, expected }, Run(deconv, 1, i));
            Assert.Equal(expected, ConvArithmetic.TransposedOutput(i, k, s, p, op));
        }
    }

    [Fact]
    public void Keras_transposed_convolution_gives_I_times_S_for_same_and_adds_K_minus_S_for_valid()
    {
        foreach (var i in new[] { 3, 7 })
        foreach (var k in new[] { 1, 2, 3, 4, 5 })
        foreach (var s in new[] { 1, 2, 3 })
        {
            var same = Run([ConvLayerSpec.ConvTranspose(2, kernel: k, stride: s)], 1, i, out var predicted);
            Assert.Equal(new long[] { i * s, i * s }, same);
            Assert.Equal(predicted, same);
            long valid = (long)i * s + Math.Max(k - s, 0);
            Assert.Equal(new long[] { valid, valid }, Run([ConvLayerSpec.ConvTranspose(2, kernel: k, stride: s, padding: "valid")], 1, i, out _));
        }
        // The chapter's decoder: 7 → 14 → 28 (§10.3).
        Assert.Equal(new long[] { 28, 28 }, Run([ConvLayerSpec.ConvTranspose(4), ConvLayerSpec.ConvTranspose(4)], 1, 7, out _));
    }

    [Fact]
    public void Keras_same_padding_puts_the_odd_pixel_at_the_bottom_and_right()
    {
        Assert.Equal((0, 1), ConvArithmetic.SamePadding(28, 3, 2));   // 28 → 14 with a 3×3 stride-2 kernel: one row below
        Assert.Equal((1, 1), ConvArithmetic.SamePadding(28, 3, 1));
        Assert.Equal((0, 1), ConvArithmetic.SamePadding(7, 2, 2));    // pooling 7 → 4
        Assert.Equal((1, 2), ConvArithmetic.SamePadding(8, 4, 1));    // an even kernel: total 3

        // By hand: a 4×4 input 0..15, a 3×3 kernel of ones, stride 2, 'same'. Keras pads one row below and one column to
        // the right, so the first output sums rows 0-2 × columns 0-2; PyTorch's symmetric padding=1 would sum rows −1..1.
        var (layers, _) = ConvStack.Build([ConvLayerSpec.Conv(1, kernel: 3, stride: 2, activation: "linear")], [1, 4, 4], "test", "layers", null, 0.01);
        using (layers)
        using (no_grad())
        {
            var conv = layers.children().OfType<TorchSharp.Modules.Convolution>().Single();
            conv.weight!.fill_(1);
            conv.bias!.zero_();
            var output = layers.call(arange(16, dtype: ScalarType.Float32).reshape(1, 1, 4, 4)).reshape(4).data<float>().ToArray();
            Assert.Equal([0 + 1 + 2 + 4 + 5 + 6 + 8 + 9 + 10, 2 + 3 + 6 + 7 + 10 + 11, 8 + 9 + 10 + 12 + 13 + 14, 10 + 11 + 14 + 15], output);
        }
    }

    [Fact]
    public void Same_transposed_convolution_is_the_adjoint_of_same_convolution_as_in_keras()
    {
        // Keras defines Conv2DTranspose as the gradient of the Conv2D it inverts, so with one shared kernel
        // ⟨conv(x), y⟩ = ⟨conv_transpose(y), x⟩ exactly — which also pins down where the odd pixel is cropped. The
        // identity is checked in float64; the float32 layers (whatever kernel path this CPU needs) must give both sides
        // to within float32 rounding of the float64 values.
        foreach (var k in new[] { 1, 2, 3, 4, 5 })
        foreach (var s in new[] { 1, 2, 3 })
        foreach (var i in new[] { 3, 4 })
        {
            using var scope = NewDisposeScope();
            int n = i * s;
            var (down, _) = ConvStack.Build([ConvLayerSpec.Conv(3, kernel: k, stride: s, activation: "linear")], [2, n, n], "test", "down", null, 0.01);
            var (up, _) = ConvStack.Build([ConvLayerSpec.ConvTranspose(2, kernel: k, stride: s, activation: "linear")], [3, i, i], "test", "up", null, 0.01);
            using (down) using (up) using (no_grad())
            {
                var conv = down.children().OfType<TorchSharp.Modules.Convolution>().Single(c => !c.transposed);
                var deconv = up.children().OfType<TorchSharp.Modules.Convolution>().Single(c => c.transposed);
                deconv.weight!.copy_(conv.weight!);   // [3, 2, k, k] in both: Conv2d is [out, in], ConvTranspose2d is [in, out]
                conv.bias!.zero_();
                deconv.bias!.zero_();
                using var generator = new Generator(7);
                var x = randn([1, 2, n, n], dtype: ScalarType.Float64, generator: generator).to_type(ScalarType.Float32);
                var y = randn([1, 3, i, i], dtype: ScalarType.Float64, generator: generator).to_type(ScalarType.Float32);
                double left32 = (down.call(x) * y).sum().item<float>();
                double right32 = (up.call(y) * x).sum().item<float>();
                down.to(ScalarType.Float64);
                up.to(ScalarType.Float64);
                var (x64, y64) = (x.to_type(ScalarType.Float64), y.to_type(ScalarType.Float64));
                double left = (down.call(x64) * y64).sum().item<double>();
                double right = (up.call(y64) * x64).sum().item<double>();
                string where = $"k={k} s={s} i={i}: ⟨conv x, y⟩ = {left}, ⟨convᵀ y, x⟩ = {right} in float64, {left32} and {right32} in float32";
                Assert.True(Math.Abs(left - right) < 1e-10 * (1 + Math.Abs(left)), where);
                Assert.True(Math.Abs(left32 - left) < 1e-4 * (1 + Math.Abs(left)) && Math.Abs(right32 - right) < 1e-4 * (1 + Math.Abs(right)), where);
            }
        }
    }

    [Fact]
    public void Same_pooling_matches_padding_with_minus_infinity_then_pooling()
    {
        foreach (var i in Sizes)
        foreach (var p in new[] { 2, 3 })
        {
            using var scope = NewDisposeScope();
            var (pool, _) = ConvStack.Build([ConvLayerSpec.MaxPool(p)], [1, i, i], "test", "pool", null, 0.01);
            using (pool)
            {
                // TensorFlow: pad ⌊total/2⌋ before and the rest after with −∞ (never a maximum), then pool without padding.
                var (before, after) = ConvArithmetic.SamePadding(i, p, p);
                using var generator = new Generator(3);
                var x = randn(2, 1, i, i, generator: generator);
                var reference = F.max_pool2d(F.pad(x, [before, after, before, after], value: double.NegativeInfinity), [p, p], [p, p]);
                var actual = pool.call(x);
                Assert.Equal(reference.shape, actual.shape);
                Assert.True(reference.eq(actual).all().item<bool>(), $"size {i}, pool {p}");
            }
        }
    }
}
