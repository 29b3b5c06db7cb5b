using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Analysis;

/// <summary>
/// Multinomial logistic regression as sklearn's <c>LogisticRegression()</c> fits it by default (chapter §8.2's
/// classifier): softmax over classes, an L2 penalty with C = 1 on the weights and none on the intercepts, minimised in
/// float64 by L-BFGS (TorchSharp's). sklearn stops after 100 iterations by default; this runs to convergence.
/// </summary>
public sealed class SoftmaxRegression : IDisposable
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
    public static SoftmaxRegression Fit(Tensor features, int[] labels, int classes, double c = 1.0, int maxIterations = 2000, double tolerance = 1e-6)
    {
        if (features.dim() != 2 || features.shape[0] != labels.Length)
            throw new ArgumentException($"features must be [n, F] with one label per row; got [{string.Join(", ", features.shape)}] and {labels.Length} labels");
        if (labels.Length == 0) throw new BadInputException("softmax regression: no labelled samples");
        if (!(c > 0)) throw new BadInputException($"softmax regression: C must be positive, got {c}");
        if (labels.Any(l => l < 0 || l >= classes)) throw new ArgumentException($"labels must lie in 0 .. {classes - 1}");

        var weight = new Parameter(zeros(features.shape[1], classes, dtype: ScalarType.Float64));
        var bias = new Parameter(zeros(classes, dtype: ScalarType.Float64));
        int evaluations = 0;
        using (var scope = NewDisposeScope())
        {
            var x = features.to_type(ScalarType.Float64);
            var y = tensor(labels.Select(l => (long)l).ToArray());
            // tolerance_change is set far below any real change so that only the gradient test (or the budget) stops it.
            using var optimizer = optim.LBFGS([weight, bias], lr: 1, max_iter: maxIterations, max_eval: maxIterations * 5 / 4,
                tolerange_grad: tolerance, tolerance_change: 1e-15, history_size: 20);
            optimizer.step(() =>
            {
                evaluations++;
                optimizer.zero_grad();
                var loss = Loss(weight, bias, x, y, c);
                loss.backward();
                return loss;
            });
            optimizer.zero_grad();
            var final = Loss(weight, bias, x, y, c);
            final.backward();
            double gradient = Math.Max(weight.grad!.abs().max().item<double>(), bias.grad!.abs().max().item<double>());
            double objective = final.item<double>();
            if (!double.IsFinite(objective))
                throw new InvalidOperationException("softmax regression diverged (the objective is not finite)");
            var w = weight.detach().clone().DetachFromDisposeScope();
            var b = bias.detach().clone().DetachFromDisposeScope();
            var model = new SoftmaxRegression(w, b, evaluations, gradient <= tolerance, objective, gradient);
            weight.Dispose();
            bias.Dispose();
            return model;
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
