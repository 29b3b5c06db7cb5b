using Bottleneck.Applications.Pca;
using System.Diagnostics;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>Which training samples keep their labels in a probe.</summary>
internal enum LabelSelection
{
    /// <summary>The first N training samples, as <c>x_train[:N]</c> takes them (MNIST's first 1,000 hold 87 to 117 of each digit).</summary>
    First,

    /// <summary>N/C samples of each of the C classes, the first ones of each in training order.</summary>
    Balanced,
}

/// <summary>One feature set's probe: test accuracy of softmax regression and of k-NN trained on the labelled samples.</summary>
/// <param name="Features">What the features are ("raw pixels", "PCA-32", "encoder").</param>
/// <param name="FittedOn">The data the unsupervised stage (PCA or autoencoder) learned from; empty for raw pixels.</param>
/// <param name="Dimension">Number of features.</param>
/// <param name="LogisticAccuracy">Softmax regression's accuracy on the test set, 0..1.</param>
/// <param name="KnnAccuracy">k-nearest-neighbour accuracy on the test set, 0..1.</param>
/// <param name="Evaluations">Objective evaluations L-BFGS used.</param>
/// <param name="Converged">Whether L-BFGS reached its gradient tolerance.</param>
/// <param name="GradientMaxNorm">The largest |∂L/∂θ| of the regression's objective at the end.</param>
internal sealed record ProbeRow(string Features, string FittedOn, int Dimension, double LogisticAccuracy, double KnnAccuracy,
    int Evaluations, bool Converged, double GradientMaxNorm, double Seconds);

/// <summary>
/// Feature learning measured as chapter §8.2 does (GUIDE §5.4-§5.5): the unsupervised stage sees every training image,
/// a classifier sees only N labelled ones, and accuracy is measured on the whole test set. Features are raw pixels, PCA
/// codes or an encoder's codes; classifiers are softmax regression (sklearn's defaults) and 5-nearest-neighbours.
/// </summary>
internal static class FeatureProbe
{
    /// <summary>Indices of the <paramref name="count"/> training samples that keep their labels.</summary>
    public static int[] LabelledIndices(Dataset data, int count, LabelSelection selection)
    {
        var labels = data.Labels ?? throw new BadInputException($"{data.Name}: has no labels, and a probe needs labelled samples");
        if (count < 1) throw new OptionException("labels", $"expected a positive number of labelled samples, got {count}");
        if (count > data.Count) throw new OptionException("labels", $"{count} labelled samples asked for, but {data.Name} has {data.Count}");
        if (selection == LabelSelection.First) return Enumerable.Range(0, count).ToArray();
        int classes = labels.Max() + 1;
        if (count % classes != 0)
            throw new OptionException("balanced", $"{count} labels do not split evenly over {classes} classes (give a multiple of {classes})");
        int each = count / classes;
        var taken = new int[classes];
        var chosen = new List<int>(count);
        for (int i = 0; i < labels.Length && chosen.Count < count; i++)
            if (taken[labels[i]] < each) { taken[labels[i]]++; chosen.Add(i); }
        if (chosen.Count < count)
            throw new OptionException("balanced", $"{data.Name} has fewer than {each} samples of some class");
        chosen.Sort();
        return chosen.ToArray();
    }

    /// <summary>The labels of the samples at <paramref name="indices"/> (all samples when null).</summary>
    public static int[] Labels(Dataset data, int[]? indices = null)
    {
        var labels = data.Labels ?? throw new BadInputException($"{data.Name}: has no labels, and a probe needs labelled samples");
        return indices is null ? labels : indices.Select(i => labels[i]).ToArray();
    }

    /// <summary>Raw values, flattened: float32 [n, d].</summary>
    public static Tensor Pixels(Dataset data, int[]? indices = null) =>
        Map(data, indices, batch => batch.reshape(batch.shape[0], -1));

    /// <summary>PCA codes z = (x − μ)Vᵀ: float32 [n, k].</summary>
    public static Tensor PcaCodes(PrincipalComponents pca, Dataset data, int[]? indices = null) => Map(data, indices, pca.Encode);

    /// <summary>The encoder's codes h = f(x), flattened: float32 [n, code size].</summary>
    public static Tensor EncoderCodes(Autoencoder model, Dataset data, int[]? indices = null)
    {
        model.eval();
        using var noGrad = no_grad();
        return Map(data, indices, batch => model.Encode(batch).reshape(batch.shape[0], -1));
    }

    /// <summary>Fits softmax regression (C = <paramref name="c"/>) and k-NN on the labelled features and scores both on the test features.</summary>
    public static ProbeRow Run(string features, string fittedOn, Tensor trainFeatures, int[] trainLabels, Tensor testFeatures, int[] testLabels,
        int classes, int k = 5, double c = 1.0)
    {
        var clock = Stopwatch.StartNew();
        using var logistic = SoftmaxRegression.Fit(trainFeatures, trainLabels, classes, c);
        double logisticAccuracy = logistic.Accuracy(testFeatures, testLabels);
        using var knn = new NearestNeighbours(trainFeatures, trainLabels, classes, k);
        double knnAccuracy = knn.Accuracy(testFeatures, testLabels);
        return new ProbeRow(features, fittedOn, (int)trainFeatures.shape[1], logisticAccuracy, knnAccuracy,
            logistic.Iterations, logistic.Converged, logistic.GradientMaxNorm, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Applies <paramref name="map"/> to the samples in batches and stacks the results (float32, outside any dispose scope).</summary>
    static Tensor Map(Dataset data, int[]? indices, Func<Tensor, Tensor> map, int batchSize = 2000)
    {
        int count = indices?.Length ?? data.Count;
        var parts = new List<Tensor>();
        using (var scope = NewDisposeScope())
        {
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                var batch = indices is null ? data.Batch(start, n) : data.Batch(tensor(indices[start..(start + n)].Select(i => (long)i).ToArray()));
                parts.Add(map(batch).to_type(ScalarType.Float32));
            }
            return cat(parts, 0).MoveToOuterDisposeScope();
        }
    }
}
