using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Models.Conv;
using Bottleneck.Models.Vq;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Kernels;

/// <summary>
/// Every float32 convolution a model runs is checked against float64 on this CPU, and a wrong kernel is replaced by a
/// path that is right. Kernels that are right here are declared wrong on purpose (<see cref="SimulatedKernelFaults"/>)
/// to prove the fallbacks: without the guard, those tests compare a wrong float32 model with float64 and fail.
/// </summary>
public class KernelGuardTests
{
    // Whole models are compared by ‖a − b‖ / ‖b‖ over each tensor, not by the largest element: a ReLU whose input is
    // within float32 rounding of zero can switch in one precision and not the other, which changes a few elements of a
    // gradient completely (measured: one element at 1.2e-3 of the largest in conv-color's decoder.0.weight, with every
    // kernel right to 2e-6). A wrong kernel is off by 20-100 % everywhere (the simulated ones by 50 %).
    const double Tolerance = 1e-3;

    // A DCGAN-style decoder: 4×4 transposed kernels with stride 2, the shape that was wrong on an AMD EPYC (DESIGN.md).
    static readonly ModelSpec Dcgan = new()
    {
        Name = "dcgan", Family = "conv", InputShape = [28, 28], Conv = new ConvSpec
        {
            Encoder = [ConvLayerSpec.Conv(16, kernel: 4, stride: 2), ConvLayerSpec.Conv(32, kernel: 4, stride: 2)],
            Decoder = [ConvLayerSpec.ConvTranspose(16, kernel: 4, stride: 2), ConvLayerSpec.ConvTranspose(1, kernel: 4, stride: 2)],
        },
    };

    static Autoencoder Build(string preset, ScalarType dtype)
    {
        random.manual_seed(3);
        var spec = preset == "dcgan" ? Dcgan : Presets.Get(preset);
        var model = ModelFactory.Create(spec.InputShape is null ? spec.WithInputShape([28, 28]) : spec);
        if (dtype != ScalarType.Float32) model.to(dtype);
        return model;
    }

    /// <summary>The decoder's output for a batch and the gradient of its squared sum with respect to every parameter.</summary>
    static (Tensor Output, Tensor[] Gradients) Run(Autoencoder model, Tensor x, Tensor? indices)
    {
        model.zero_grad();
        Tensor output;
        if (model is VectorQuantizedAutoencoder vq)
            // Nearest-codebook indices are discrete: both precisions decode the same indices, and the encoder is compared directly.
            output = cat([vq.EncodeContinuous(x).flatten(1), vq.DecodePreActivation(indices!).flatten(1)], 1);
        else
            output = model.DecodePreActivation(model.Encode(x)).flatten(1);
        output.square().sum().backward();
        return (output.detach().to_type(ScalarType.Float64), model.parameters().Select(p => p.grad is null ? zeros_like(p, dtype: ScalarType.Float64) : p.grad.to_type(ScalarType.Float64)).ToArray());
    }

    static double Relative(Tensor a, Tensor reference)
    {
        double difference = (a - reference).norm().item<double>();
        return double.IsFinite(difference) ? difference / Math.Max(reference.norm().item<double>(), 1e-30) : double.PositiveInfinity;
    }

    static void AssertMatchesFloat64(string preset)
    {
        using var scope = NewDisposeScope();
        using var single = Build(preset, ScalarType.Float32);
        using var reference = Build(preset, ScalarType.Float64);
        var shape = single.InputShape;
        using var generator = new Generator(5);
        var x64 = rand([4, .. shape], dtype: ScalarType.Float64, generator: generator).to_type(ScalarType.Float32).to_type(ScalarType.Float64);
        Tensor? indices = reference is VectorQuantizedAutoencoder vq ? vq.Encode(x64).detach() : null;
        var (output, gradients) = Run(single, x64.to_type(ScalarType.Float32), indices?.to_type(ScalarType.Float32));
        var (expected, expectedGradients) = Run(reference, x64, indices);
        Assert.True(Relative(output, expected) <= Tolerance, $"{preset}: output off by {Relative(output, expected):e2} relative to float64 (norm of the difference ÷ norm)");
        var names = single.named_parameters().Select(p => p.name).ToArray();
        for (int i = 0; i < gradients.Length; i++)
            Assert.True(Relative(gradients[i], expectedGradients[i]) <= Tolerance,
                $"{preset}: gradient of {names[i]} off by {Relative(gradients[i], expectedGradients[i]):e2} relative to float64");
    }

    static IEnumerable<CheckedConvolution> Convolutions(Autoencoder model) => model.modules().OfType<CheckedConvolution>();

    [Theory]
    [InlineData("conv")]
    [InlineData("conv-transpose")]
    [InlineData("conv-blog")]
    [InlineData("conv-color")]
    [InlineData("conv-vae")]
    [InlineData("vq-vae")]
    [InlineData("dcgan")]
    public void Float32_outputs_and_gradients_match_float64(string preset) => AssertMatchesFloat64(preset);

    [Theory]
    [InlineData("conv", "conv2d/channels_last/forward", "conv2d", nameof(ConvolutionPath.Standard))]
    [InlineData("conv", "conv2d/channels_last/weight_grad,conv2d/standard/input_grad", "conv2d", nameof(ConvolutionPath.Float64))]
    [InlineData("conv-transpose", "conv_transpose2d/channels_last/input_grad,conv_transpose2d/standard/forward", "conv_transpose2d", nameof(ConvolutionPath.ZeroStuffed))]
    [InlineData("dcgan", "conv_transpose2d/channels_last/forward,conv_transpose2d/standard/weight_grad", "conv_transpose2d", nameof(ConvolutionPath.ZeroStuffed))]
    [InlineData("dcgan", "conv_transpose2d/channels_last,conv_transpose2d/standard,conv_transpose2d/zero_stuffed", "conv_transpose2d", nameof(ConvolutionPath.Float64))]
    [InlineData("vq-vae", "*/channels_last/weight_grad", "conv2d", nameof(ConvolutionPath.Standard))]
    public void A_wrong_kernel_is_replaced_and_the_model_still_matches_float64(string preset, string faults, string op, string expectedName)
    {
        // The enum is internal: a public theory takes its name.
        var expected = Enum.Parse<ConvolutionPath>(expectedName);
        using var simulated = SimulatedKernelFaults.Simulate(faults);
        AssertMatchesFloat64(preset);
        using var model = Build(preset, ScalarType.Float32);
        using (no_grad()) model.Encode(zeros([1, .. model.InputShape]));
        using (no_grad()) model.Reconstruct(zeros([1, .. model.InputShape]));
        var affected = Convolutions(model).Where(c => (c.transposed ? "conv_transpose2d" : "conv2d") == op).ToList();
        Assert.NotEmpty(affected);
        Assert.All(affected, c => Assert.Equal(expected, c.PathInUse));
        Assert.Contains(KernelGuard.Decisions, d => d.IsFallback && d.Shape.Op == op && d.Chosen == expected);
    }

    [Fact]
    public void A_declared_wrong_path_really_computes_wrong_numbers()
    {
        // The control for the test above: the simulated fault is as large as the real ones (half the output), so a model
        // that kept using the path would fail the float64 comparison by far more than the tolerance.
        using var simulated = SimulatedKernelFaults.Simulate("conv2d/channels_last/forward");
        var shape = new ConvolutionShape(false, 1, 8, 3, 1, (1, 1), 0, 7, 7, get_num_threads());
        var errors = KernelGuard.MeasureAll(shape);
        Assert.InRange(errors.Single(e => e.Path == ConvolutionPath.ChannelsLast).Forward, 0.3, 0.7);
        Assert.All(errors.Where(e => e.Path != ConvolutionPath.ChannelsLast), e => Assert.True(e.IsRight, $"{e}"));
    }

    [Fact]
    public void When_no_path_is_right_the_work_is_refused_with_one_line_naming_the_op_and_the_errors()
    {
        using var simulated = SimulatedKernelFaults.Simulate("conv_transpose2d/*/forward");
        using var model = Build("conv-transpose", ScalarType.Float32);
        var error = Assert.Throws<KernelCheckException>(() => model.Reconstruct(zeros([2, 28, 28])));
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith("conv_transpose2d ", error.Message);
        foreach (var path in new[] { "channels_last", "standard", "zero_stuffed", "float64" })
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(error.Message, $"{path}: max relative error 0\\.[3-7]"), error.Message);
        Assert.IsAssignableFrom<BadInputException>(error);
    }

    [Fact]
    public void Each_shape_is_checked_once_and_torchs_global_generator_is_left_alone()
    {
        using var reset = SimulatedKernelFaults.Simulate("");
        var shape = new ConvolutionShape(true, 4, 2, 4, 2, (1, 1), 0, 5, 5, get_num_threads());
        random.manual_seed(11);
        var first = KernelGuard.Choose(shape, ConvolutionPath.ChannelsLast);
        var drawn = rand(8);
        random.manual_seed(11);
        Assert.True(drawn.eq(rand(8)).all().item<bool>(), "the check drew from torch's global generator");
        Assert.Same(first, KernelGuard.Choose(shape, ConvolutionPath.ChannelsLast));
        Assert.Single(KernelGuard.Decisions);
        Assert.Equal(ConvolutionPath.ChannelsLast, first.Chosen);
    }

    public static TheoryData<int, int, int, int> TransposedShapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (var k in new[] { 1, 2, 3, 4, 5 })
        foreach (var s in new[] { 1, 2, 3 })
        foreach (var p in new[] { 0, 1, 2 })
            if (p < k) data.Add(k, s, p, s > 1 && p > 0 ? 1 : 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(TransposedShapes))]
    public void The_zero_stuffed_path_is_libtorchs_transposed_convolution_in_float64(int k, int s, int p, int outputPadding)
    {
        // An identity of the arithmetic, so float64 on both sides: the stuffed, padded, flipped convolution and its
        // gradients equal libtorch's conv_transpose2d and its gradients.
        using var scope = NewDisposeScope();
        var shape = new ConvolutionShape(true, 3, 2, k, s, (p, p), outputPadding, 5, 4, 1);
        using var generator = new Generator(9);
        var x = randn([2, 3, 5, 4], dtype: ScalarType.Float64, generator: generator).requires_grad_();
        var w = randn(shape.WeightShape, dtype: ScalarType.Float64, generator: generator).requires_grad_();
        var b = randn([2], dtype: ScalarType.Float64, generator: generator).requires_grad_();
        var expected = ConvolutionPaths.Direct(shape, x, w, b);
        var g = randn(expected.shape, dtype: ScalarType.Float64, generator: generator);
        var (gx, gw) = Gradients(expected);
        var actual = ConvolutionPaths.Run(ConvolutionPath.ZeroStuffed, shape, x, w, b);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((actual - expected).abs().max().item<double>() < 1e-12);
        var (ax, aw) = Gradients(actual);
        Assert.True((ax - gx).abs().max().item<double>() < 1e-12 && (aw - gw).abs().max().item<double>() < 1e-12);

        (Tensor, Tensor) Gradients(Tensor y)
        {
            x.grad?.zero_();
            w.grad?.zero_();
            (y * g).sum().backward();
            return (x.grad!.clone(), w.grad!.clone());
        }
    }

    [Theory]
    [InlineData("conv2d")]
    [InlineData("conv2d/sideways")]
    [InlineData("conv3d/standard")]
    [InlineData("conv2d/standard/backward")]
    public void A_malformed_fault_specification_is_one_line(string spec)
    {
        var error = Assert.Throws<BadInputException>(() => SimulatedKernelFaults.Parse(spec, "test"));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains($"'{spec}'", error.Message);
    }
}
