using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Kernels;

/// <summary>
/// How far a path's float32 results are from float64 for one <see cref="ConvolutionShape"/>: the largest absolute
/// difference divided by the largest absolute float64 value, for the output and for the input and weight gradients.
/// NaN or ∞ counts as an infinite error.
/// </summary>
internal sealed record KernelError(ConvolutionPath Path, double Forward, double InputGradient, double WeightGradient)
{
    /// <summary>
    /// Right kernels measured 1e-7 to 7e-7 here and on the AMD EPYC where libtorch 2.10's were wrong (and the wrong ones
    /// 0.2 to 1.0, or NaN): 1e-4 leaves two orders of magnitude for longer sums (float32 rounding grows with the square
    /// root of the number of terms) and still catches any error a person would see in a loss.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>The largest of the three errors.</summary>
    public double Max => Math.Max(Forward, Math.Max(InputGradient, WeightGradient));

    /// <summary>True when all three are within <see cref="Tolerance"/>.</summary>
    public bool IsRight => Max <= Tolerance;

    /// <summary>The part with the largest error, in words.</summary>
    public string WorstPart => Max == Forward ? "output" : Max == InputGradient ? "input gradient" : "weight gradient";
}

/// <summary>
/// Runs one convolution shape on small random tensors in float32 through a path, and in float64 through libtorch's
/// plain kernels, and measures the difference (<see cref="KernelError"/>). The inputs are drawn in float64 from a
/// generator of its own (torch's global generator is not touched) and rounded to float32 first, so the float64
/// reference sees exactly the float32 inputs. Gradients come from backpropagating a random output gradient. Its
/// tensors belong to the caller's dispose scope: make one around the check.
/// </summary>
internal sealed class KernelCheck
{
    /// <summary>Samples per check: enough to exercise the batch loops, small enough to take milliseconds.</summary>
    public const int Batch = 4;

    readonly ConvolutionShape shape;
    readonly Tensor x, w, b, outputGradient, y, inputGradient, weightGradient;

    public KernelCheck(ConvolutionShape shape)
    {
        this.shape = shape;
        using var grad = enable_grad();
        using var generator = new Generator(20_261_206);
        Tensor Draw(long[] size) => randn(size, dtype: ScalarType.Float64, generator: generator).to_type(ScalarType.Float32).to_type(ScalarType.Float64);
        x = Draw([Batch, shape.InChannels, shape.Height, shape.Width]);
        w = Draw(shape.WeightShape);
        b = Draw([shape.OutChannels]);
        var (xr, wr, br) = (x.detach().requires_grad_(), w.detach().requires_grad_(), b.detach().requires_grad_());
        y = ConvolutionPaths.Direct(shape, xr, wr, br);
        outputGradient = Draw(y.shape);
        (y * outputGradient).sum().backward();
        (y, inputGradient, weightGradient) = (y.detach(), xr.grad!, wr.grad!);
    }

    /// <summary>The float32 errors of <paramref name="path"/> against the float64 reference.</summary>
    public KernelError Measure(ConvolutionPath path)
    {
        using var local = NewDisposeScope();
        using var grad = enable_grad();
        var x32 = x.to_type(ScalarType.Float32).requires_grad_();
        var w32 = w.to_type(ScalarType.Float32).requires_grad_();
        var b32 = b.to_type(ScalarType.Float32).requires_grad_();
        var y32 = ConvolutionPaths.Run(path, shape, x32, w32, b32);
        (y32 * outputGradient.to_type(ScalarType.Float32)).sum().backward();
        return new KernelError(path, Relative(y32, y), Relative(x32.grad!, inputGradient), Relative(w32.grad!, weightGradient));
    }

    /// <summary>max |a − b| / max |b|, infinite when a holds NaN or ∞.</summary>
    internal static double Relative(Tensor a, Tensor reference)
    {
        double difference = (a.detach().to_type(ScalarType.Float64) - reference).abs().max().item<double>();
        double scale = reference.abs().max().item<double>();
        return double.IsFinite(difference) ? difference / Math.Max(scale, double.Epsilon) : double.PositiveInfinity;
    }
}
