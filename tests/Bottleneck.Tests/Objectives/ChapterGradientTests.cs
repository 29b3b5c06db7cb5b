using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Tests.Objectives;

/// <summary>
/// The gradient formulas of chapter §6, as written out in <see cref="ChapterGradients"/>, checked in float64 against
/// TorchSharp's autograd (on the loss as torch defines it) and against central finite differences.
/// </summary>
public class ChapterGradientTests
{
    const int N = 6, K = 3;        // input width n and hidden width k of the §6.1 network
    const double Step = 1e-6;      // finite-difference step

    static SigmoidAutoencoderWeights Weights(int seed)
    {
        using var g = new Generator((ulong)seed);
        return new SigmoidAutoencoderWeights(
            randn([K, N], dtype: ScalarType.Float64, generator: g),
            randn([K], dtype: ScalarType.Float64, generator: g) * 0.5,
            randn([N, K], dtype: ScalarType.Float64, generator: g),
            randn([N], dtype: ScalarType.Float64, generator: g) * 0.5);
    }

    // An input in (0, 1), not binary, so that no term of the cross-entropy vanishes.
    static Tensor Input(int seed)
    {
        using var g = new Generator((ulong)seed);
        return rand([N], dtype: ScalarType.Float64, generator: g) * 0.9 + 0.05;
    }

    static SigmoidAutoencoderWeights WithGrad(SigmoidAutoencoderWeights w) => new(
        w.W.clone().requires_grad_(), w.B.clone().requires_grad_(), w.WStar.clone().requires_grad_(), w.C.clone().requires_grad_());

    // Central differences of `loss` with respect to every element of `parameter` (perturbed in place, then restored).
    static Tensor FiniteDifferences(Tensor parameter, Func<double> loss)
    {
        var gradient = zeros_like(parameter);
        var flat = parameter.view(-1);
        var g = gradient.view(-1);
        for (long i = 0; i < flat.numel(); i++)
        {
            var original = flat[i].item<double>();
            flat[i].fill_(original + Step);
            var plus = loss();
            flat[i].fill_(original - Step);
            var minus = loss();
            flat[i].fill_(original);
            g[i].fill_((plus - minus) / (2 * Step));
        }
        return gradient;
    }

    static void Close(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var difference = (expected - actual).abs().max().item<double>();
        var scale = Math.Max(1e-3, expected.abs().max().item<double>());
        Assert.True(difference <= tolerance * scale, $"{what}: max difference {difference:E2} (scale {scale:E2})");
    }

    static void CheckAgainstAutogradAndFiniteDifferences(Func<SigmoidAutoencoderWeights, Tensor, SingleLayerGradients> backward,
        Func<Tensor, Tensor, Tensor> torchLoss, int seed)
    {
        var w = Weights(seed);
        var x = Input(seed + 100);
        var hand = backward(w, x);

        // Autograd on the loss as torch itself defines it, not on the hand-written formula.
        var g = WithGrad(w);
        torchLoss(ChapterGradients.Forward(g, x).XHat, x).backward();
        Close(g.W.grad!, hand.W, 1e-12, "∂L/∂W vs autograd");
        Close(g.B.grad!, hand.B, 1e-12, "∂L/∂b vs autograd");
        Close(g.WStar.grad!, hand.WStar, 1e-12, "∂L/∂W* vs autograd");
        Close(g.C.grad!, hand.C, 1e-12, "∂L/∂c vs autograd");

        double Loss() => torchLoss(ChapterGradients.Forward(w, x).XHat, x).item<double>();
        using (no_grad())
        {
            Close(FiniteDifferences(w.W, Loss), hand.W, 1e-7, "∂L/∂W vs finite differences");
            Close(FiniteDifferences(w.B, Loss), hand.B, 1e-7, "∂L/∂b vs finite differences");
            Close(FiniteDifferences(w.WStar, Loss), hand.WStar, 1e-7, "∂L/∂W* vs finite differences");
            Close(FiniteDifferences(w.C, Loss), hand.C, 1e-7, "∂L/∂c vs finite differences");
        }
    }

    static Tensor TorchSquaredError(Tensor xHat, Tensor x) => F.mse_loss(xHat, x, reduction: nn.Reduction.Sum);
    static Tensor TorchCrossEntropy(Tensor xHat, Tensor x) => F.binary_cross_entropy(xHat, x, reduction: nn.Reduction.Sum);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Squared_error_backward_pass_of_section_6_1(int seed) =>
        CheckAgainstAutogradAndFiniteDifferences(ChapterGradients.SquaredErrorBackward, TorchSquaredError, seed);

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Cross_entropy_backward_pass_of_section_6_2(int seed) =>
        CheckAgainstAutogradAndFiniteDifferences(ChapterGradients.CrossEntropyBackward, TorchCrossEntropy, seed);

    [Fact]
    public void Output_gradients_are_2_times_the_error_for_mse_and_the_error_itself_at_a2_for_bce()
    {
        var w = Weights(5);
        var x = Input(6);
        var f = ChapterGradients.Forward(w, x);

        // ∂L/∂x̂ = 2(x̂ − x) for the squared error: autograd with x̂ as the leaf.
        var xHat = f.XHat.detach().clone().requires_grad_();
        TorchSquaredError(xHat, x).backward();
        var mse = ChapterGradients.SquaredErrorBackward(w, x);
        Close(xHat.grad!, mse.OutputGradient, 1e-12, "MSE ∂L/∂x̂");
        Close(2 * (f.XHat - x), mse.OutputGradient, 1e-15, "MSE ∂L/∂x̂ = 2(x̂ − x)");

        // ∂L/∂a2 = x̂ − x for cross-entropy through the sigmoid: autograd with a2 as the leaf, and finite differences.
        var a2 = f.A2.detach().clone().requires_grad_();
        TorchCrossEntropy(a2.sigmoid(), x).backward();
        var bce = ChapterGradients.CrossEntropyBackward(w, x);
        Close(a2.grad!, bce.Delta2, 1e-12, "BCE ∂L/∂a2 vs autograd");
        using (no_grad())
        {
            var leaf = f.A2.clone();
            Close(FiniteDifferences(leaf, () => TorchCrossEntropy(leaf.sigmoid(), x).item<double>()), bce.Delta2, 1e-7, "BCE ∂L/∂a2 vs finite differences");
        }
        // ... and it is the output gradient times σ'(a2): the cancellation of §6.2.
        Close(bce.OutputGradient * ChapterGradients.SigmoidDerivative(f.A2), bce.Delta2, 1e-12, "(∂L/∂x̂) ⊙ σ'(a2) = x̂ − x");
        // "Same form as MSE without the factor 2" (§6.2) holds for the error term, not for δ2: MSE's δ2 keeps σ'(a2).
        Close(2 * (f.XHat - x) * ChapterGradients.SigmoidDerivative(f.A2), mse.Delta2, 1e-15, "MSE δ2");
    }

    // The §6.3 stack, four sigmoid layers 6-5-3-5-6 (the chapter's example has six; the rule does not care).
    static (Tensor[] W, Tensor[] B) Stack(int seed, params int[] widths)
    {
        using var g = new Generator((ulong)seed);
        var w = new Tensor[widths.Length - 1];
        var b = new Tensor[widths.Length - 1];
        for (int l = 0; l < w.Length; l++)
        {
            w[l] = randn([widths[l + 1], widths[l]], dtype: ScalarType.Float64, generator: g);
            b[l] = randn([widths[l + 1]], dtype: ScalarType.Float64, generator: g) * 0.5;
        }
        return (w, b);
    }

    [Fact]
    public void Delta_rule_of_section_6_3_on_a_four_layer_stack()
    {
        var (w, b) = Stack(7, N, 5, K, 5, N);
        var x = Input(8);
        var (dW, db) = ChapterGradients.DeepCrossEntropyBackward(w, b, x);

        var wg = w.Select(t => t.clone().requires_grad_()).ToArray();
        var bg = b.Select(t => t.clone().requires_grad_()).ToArray();
        var (_, h) = ChapterGradients.DeepForward(wg, bg, x);
        TorchCrossEntropy(h[^1], x).backward();
        double Loss() => TorchCrossEntropy(ChapterGradients.DeepForward(w, b, x).H[^1], x).item<double>();
        for (int l = 0; l < w.Length; l++)
        {
            Close(wg[l].grad!, dW[l], 1e-12, $"∂L/∂W{l + 1} vs autograd");
            Close(bg[l].grad!, db[l], 1e-12, $"∂L/∂b{l + 1} vs autograd");
            using (no_grad())
            {
                Close(FiniteDifferences(w[l], Loss), dW[l], 1e-7, $"∂L/∂W{l + 1} vs finite differences");
                Close(FiniteDifferences(b[l], Loss), db[l], 1e-7, $"∂L/∂b{l + 1} vs finite differences");
            }
        }
    }

    [Fact]
    public void The_dense_autoencoder_trains_on_exactly_the_chapters_gradient_divided_by_the_number_of_pixels()
    {
        // A sigmoid DenseAutoencoder 6-5-3-5-6 is the §6.3 stack; training's loss is BCE's per-element mean, so its
        // gradient is the chapter's sum-form gradient divided by n.
        random.manual_seed(9);
        using var model = new DenseAutoencoder(new ModelSpec { InputShape = [N], Encoder = [5], Bottleneck = K, Activation = "sigmoid" });
        model.to(ScalarType.Float64);
        var linear = model.named_parameters().Where(p => p.name.EndsWith(".weight")).Select(p => p.parameter).ToArray();
        var biases = model.named_parameters().Where(p => p.name.EndsWith(".bias")).Select(p => p.parameter).ToArray();
        Assert.Equal(4, linear.Length);
        var x = Input(10);

        model.Loss(x.unsqueeze(0), x.unsqueeze(0), new ReconstructionLoss(LossKind.Bce)).Total.backward();
        using var noGrad = no_grad();
        var (dW, db) = ChapterGradients.DeepCrossEntropyBackward(linear.Select(p => p.detach()).ToArray(), biases.Select(p => p.detach()).ToArray(), x);
        for (int l = 0; l < 4; l++)
        {
            Close(linear[l].grad! * N, dW[l], 1e-10, $"layer {l + 1} weight gradient × n");
            Close(biases[l].grad! * N, db[l], 1e-10, $"layer {l + 1} bias gradient × n");
        }
    }
}
