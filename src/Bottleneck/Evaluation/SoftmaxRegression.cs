using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Bottleneck.Kernels;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Evaluation;

/// <summary>
/// Multinomial logistic regression as sklearn's <c>LogisticRegression()</c> fits it by default (chapter §8.2's
/// classifier): softmax over classes, an L2 penalty with C = 1 on the weights and none on the intercepts, minimised in
/// float64 by L-BFGS (TorchSharp's), to sklearn's own tolerance, max |gradient| ≤ 1e-4. sklearn also stops after 100
/// iterations (max_iter), often before that tolerance on raw pixels; this does not stop early.
/// </summary>
internal sealed class SoftmaxRegression : IDisposable
{
    readonly Tensor weight, bias;   // W [features, classes], b [classes], float64

    SoftmaxRegression(Tensor weight, Tensor bias, int iterations, bool converged, double objective, double gradient)
    {
        this.weight = weight;
        this.bias = bias;
        Iterations = iterations;
        Converged = converged;
        Objective = objective;
        GradientMaxNorm = gradient;
    }

    /// <summary>Objective evaluations L-BFGS used (its iterations plus any extra evaluations).</summary>
    public int Iterations { get; }

    /// <summary>Whether the largest gradient component fell below the tolerance.</summary>
    public bool Converged { get; }

    /// <summary>The final value of <see cref="Loss"/>.</summary>
    public double Objective { get; }

    /// <summary>The largest |∂L/∂θ| at the end.</summary>
    public double GradientMaxNorm { get; }

    /// <summary>The weights W, [features, classes] float64 (a copy).</summary>
    public Tensor Weight => weight.clone();

    /// <summary>The intercepts b, [classes] float64 (a copy).</summary>
    public Tensor Bias => bias.clone();

    /// <summary>Number of input features.</summary>
    public long Features => weight.shape[0];

    /// <summary>Number of classes.</summary>
    public long Classes => weight.shape[1];

    /// <summary>
    /// The objective, divided by C·n from sklearn's form C·Σ_i CE_i + ½‖W‖² (the same minimiser):
    /// L = (1/n)Σ_i −log softmax(x_i W + b)_{y_i} + ‖W‖²_F / (2Cn).
    /// </summary>
    public static Tensor Loss(Tensor weight, Tensor bias, Tensor features, Tensor labels, double c)
    {
        long n = features.shape[0];
        return F.cross_entropy(features.matmul(weight) + bias, labels) + weight.square().sum() / (2 * c * n);
    }

    /// <summary>
    /// Fits on <paramref name="features"/> [n, F] with integer <paramref name="labels"/> in 0 .. classes−1. L-BFGS stops
    /// when max |∂L/∂θ| ≤ <paramref name="tolerance"/> or after <paramref name="maxIterations"/> evaluations.
    /// </summary>
    public static SoftmaxRegression Fit(Tensor features, int[] labels, int classes, double c = 1.0, int maxIterations = 10000, double tolerance = 1e-4)
    {
        if (features.dim() != 2 || features.shape[0] != labels.Length)
            throw new ArgumentException($"features must be [n, F] with one label per row; got [{string.Join(", ", features.shape)}] and {labels.Length} labels");
        if (labels.Length == 0) throw new BadInputException("softmax regression: no labelled samples");
        if (!(c > 0)) throw new BadInputException($"softmax regression: C must be positive, got {c}");
        if (labels.Any(l => l < 0 || l >= classes)) throw new ArgumentException($"labels must lie in 0 .. {classes - 1}");

        // L-BFGS without a line search (TorchSharp's has none) crawls on badly scaled features such as ReLU codes, so it
        // works in rescaled coordinates W' = sW (x' = x/s), s_i = √(mean x_i² + 1/(Cn)), about the square root of the
        // Hessian's diagonal: the same objective (the penalty becomes Σ(W'_ij/s_i)²), hence the same minimiser.
        var scaledWeight = new Parameter(zeros(features.shape[1], classes, dtype: ScalarType.Float64));
        var bias = new Parameter(zeros(classes, dtype: ScalarType.Float64));
        int evaluations = 0;
        using (var scope = NewDisposeScope())
        {
            var x = features.to_type(ScalarType.Float64);
            var y = tensor(labels.Select(l => (long)l).ToArray());
            var sd = (x.square().mean([0]) + 1.0 / (c * x.shape[0])).sqrt();
            var standardised = x / sd;
            var inverseScale = (1 / sd).unsqueeze(1);
            long n = x.shape[0];
            // ∂L/∂W = s·∂L/∂W' and ∂L/∂b is unchanged, so stopping at tolerance/max(s, 1) meets the tolerance in the old coordinates.
            double innerTolerance = tolerance / Math.Max(1, sd.max().item<double>());
            using var optimizer = NativeWarnings.Suppressed(() => optim.LBFGS([scaledWeight, bias], lr: 1, max_iter: maxIterations,
                max_eval: maxIterations * 5 / 4, tolerange_grad: innerTolerance, tolerance_change: 1e-15, history_size: 20));
            // tolerance_change is set far below any real change so that only the gradient test (or the budget) stops it.
            optimizer.step(() =>
            {
                evaluations++;
                // Zeroing the two gradients here rather than through the optimiser avoids a libtorch deprecation warning per call.
                scaledWeight.grad?.zero_();
                bias.grad?.zero_();
                var loss = nn.functional.cross_entropy(standardised.matmul(scaledWeight) + bias, y)
                           + (scaledWeight * inverseScale).square().sum() / (2 * c * n);
                loss.backward();
                return loss;
            });

            using var noGrad = no_grad();
            var weight = (scaledWeight * inverseScale).requires_grad_();
            var b = bias.detach().clone().requires_grad_();
            using (enable_grad())
            {
                var final = Loss(weight, b, x, y, c);
                final.backward();
                double gradient = Math.Max(weight.grad!.abs().max().item<double>(), b.grad!.abs().max().item<double>());
                double objective = final.item<double>();
                if (!double.IsFinite(objective))
                    throw new InvalidOperationException("softmax regression diverged (the objective is not finite)");
                var model = new SoftmaxRegression(weight.detach().clone().DetachFromDisposeScope(), b.detach().clone().DetachFromDisposeScope(),
                    evaluations, gradient <= tolerance, objective, gradient);
                scaledWeight.Dispose();
                bias.Dispose();
                return model;
            }
        }
    }

    /// <summary>The most probable class of each row of <paramref name="features"/> [n, F].</summary>
    public int[] Predict(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Features)
            throw new BadInputException($"softmax regression: features have shape [{string.Join(", ", features.shape)}], expected [n, {Features}]");
        using var scope = NewDisposeScope();
        var logits = features.to_type(ScalarType.Float64).matmul(weight) + bias;
        return logits.argmax(1).to_type(ScalarType.Int32).data<int>().ToArray();
    }

    /// <summary>softmax(xW + b) for each row of <paramref name="features"/> [n, F]: the class probabilities, [n, classes] float64 (sklearn's predict_proba).</summary>
    public Tensor Probabilities(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Features)
            throw new BadInputException($"softmax regression: features have shape [{string.Join(", ", features.shape)}], expected [n, {Features}]");
        return nn.functional.softmax(features.to_type(ScalarType.Float64).matmul(weight) + bias, 1);
    }

    /// <summary>The fraction of rows whose predicted class is the label (sklearn's score).</summary>
    public double Accuracy(Tensor features, int[] labels)
    {
        var predicted = Predict(features);
        return predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    }

    public void Dispose()
    {
        weight.Dispose();
        bias.Dispose();
    }
}
