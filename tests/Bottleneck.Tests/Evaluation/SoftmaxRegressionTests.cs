using Bottleneck.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Evaluation;

public class SoftmaxRegressionTests
{
    /// <summary>Three well-separated clusters around (0, 0), (6, 0) and (0, 6), 20 points each.</summary>
    static (Tensor X, int[] Y) Clusters()
    {
        using var generator = new Generator(11);
        var centres = tensor(new double[,] { { 0, 0 }, { 6, 0 }, { 0, 6 } });
        var labels = Enumerable.Range(0, 60).Select(i => i % 3).ToArray();
        var x = centres.index_select(0, tensor(labels.Select(l => (long)l).ToArray())) + 0.5 * randn([60, 2], dtype: ScalarType.Float64, generator: generator);
        x.DetachFromDisposeScope();
        return (x, labels);
    }

    [Fact]
    public void A_separable_problem_is_learned_perfectly_and_to_convergence()
    {
        var (x, y) = Clusters();
        using var _ = x;
        using var model = SoftmaxRegression.Fit(x, y, classes: 3);
        Assert.Equal(1.0, model.Accuracy(x, y));
        Assert.True(model.Converged, $"max |gradient| {model.GradientMaxNorm}");
        Assert.Equal([0, 1, 2], model.Predict(tensor(new double[,] { { -1, -1 }, { 8, 0.5 }, { 0.5, 8 } })));
    }

    [Fact]
    public void The_gradient_of_the_objective_matches_finite_differences_and_the_closed_form()
    {
        var (x, y) = Clusters();
        using var _ = x;
        using var generator = new Generator(5);
        double c = 0.7;
        var w = randn([2, 3], dtype: ScalarType.Float64, generator: generator).requires_grad_();
        var b = randn([3], dtype: ScalarType.Float64, generator: generator).requires_grad_();
        var labels = tensor(y.Select(l => (long)l).ToArray());
        var loss = SoftmaxRegression.Loss(w, b, x, labels, c);
        loss.backward();
        var autograd = w.grad!.clone();

        // ∂L/∂W = Xᵀ(P − Y)/n + W/(Cn); ∂L/∂b = Σ(P − Y)/n: the intercepts carry no penalty.
        using (no_grad())
        {
            var p = (x.matmul(w) + b).softmax(1);
            var residual = p - nn.functional.one_hot(labels, 3).to_type(ScalarType.Float64);
            var closedW = x.T.matmul(residual) / 60 + w / (c * 60);
            var closedB = residual.sum([0]) / 60;   // sum(0) would bind to sum(ScalarType)
            Assert.True((closedW - autograd).abs().max().item<double>() < 1e-12);
            Assert.True((closedB - b.grad!).abs().max().item<double>() < 1e-12);

            const double h = 1e-6;
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++)
                {
                    var plus = w.clone(); plus[i, j] += h;
                    var minus = w.clone(); minus[i, j] -= h;
                    double numeric = (SoftmaxRegression.Loss(plus, b, x, labels, c).item<double>() - SoftmaxRegression.Loss(minus, b, x, labels, c).item<double>()) / (2 * h);
                    Assert.Equal(numeric, autograd[i, j].item<double>(), 7);
                }
        }
    }

    [Fact]
    public void At_the_fitted_weights_the_closed_form_gradient_vanishes_even_for_badly_scaled_features()
    {
        // Noisy labels (not separable, so the optimum is interior) and features on scales 1e-3 to 1e2: the rescaled
        // coordinates must still reach the minimiser of the original objective.
        using var generator = new Generator(2);
        var x = randn([80, 3], dtype: ScalarType.Float64, generator: generator) * tensor(new double[] { 1e-3, 1, 100 });
        var noise = randn([80], dtype: ScalarType.Float64, generator: generator);
        var y = (x[.., 0] * 1000 + 0.5 * x[.., 1] + 0.005 * x[.., 2] + 0.8 * noise).gt(0).to_type(ScalarType.Int32).data<int>().ToArray();
        using var model = SoftmaxRegression.Fit(x, y, classes: 2, c: 1.0, tolerance: 1e-7);
        Assert.True(model.Converged);
        Assert.InRange(model.Accuracy(x, y), 0.6, 0.99);   // noisy labels: not separable

        using var w = model.Weight;
        using var b = model.Bias;
        var labels = tensor(y.Select(l => (long)l).ToArray());
        var residual = (x.matmul(w) + b).softmax(1) - nn.functional.one_hot(labels, 2).to_type(ScalarType.Float64);
        var gradientW = x.T.matmul(residual) / 80 + w / 80;
        var gradientB = residual.sum([0]) / 80;
        Assert.True(gradientW.abs().max().item<double>() <= 1e-7, $"∂L/∂W = {gradientW.abs().max().item<double>()}");
        Assert.True(gradientB.abs().max().item<double>() <= 1e-7, $"∂L/∂b = {gradientB.abs().max().item<double>()}");
    }
}
