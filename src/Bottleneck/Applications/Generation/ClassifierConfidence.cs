using Bottleneck.Data;
using Bottleneck.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Generation;

/// <summary>
/// How much an image looks like a real sample of some class: the largest class probability that softmax regression on
/// pixels (§8.2's classifier), fitted to labelled training images, gives it. It turns §8.6's "interpolation may produce
/// invalid outputs" into a number that a double exposure (two classes at once) and a broken or faded stroke both
/// lower, while the blur of a VAE's Bernoulli means does not (a linear classifier scores class prototypes highly).
/// </summary>
internal sealed class ClassifierConfidence : IDisposable
{
    readonly SoftmaxRegression classifier;

    /// <summary>
    /// Fits the classifier to the first <paramref name="count"/> samples of <paramref name="labelled"/> (all of them
    /// when it has fewer), L-BFGS stopping after <paramref name="maxIterations"/> evaluations at the latest.
    /// </summary>
    public ClassifierConfidence(Dataset labelled, int count, int maxIterations = 500)
    {
        if (count < 2) throw new OptionException("classifier_size", $"expected at least 2 labelled images, got {count}");
        if (labelled.Labels is not { } labels)
            throw new BadInputException($"{labelled.Name}: the classifier that scores decoded images needs labelled training data");
        Count = Math.Min(count, labelled.Count);
        Classes = labels.Max() + 1;
        if (labels.Min() < 0) throw new BadInputException($"{labelled.Name}: labels must be 0 or more, found {labels.Min()}");
        using var scope = NewDisposeScope();
        var features = labelled.Batch(0, Count).reshape(Count, -1);
        classifier = SoftmaxRegression.Fit(features, labels[..Count], Classes, maxIterations: maxIterations);
        Source = labelled.Name;
    }

    /// <summary>Training images the classifier was fitted to.</summary>
    public int Count { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Where the training images came from ("mnist/train").</summary>
    public string Source { get; }

    /// <summary>The fraction of <paramref name="data"/> the classifier labels right: how far its confidence can be trusted.</summary>
    public double Accuracy(Dataset data, int count)
    {
        if (data.Labels is not { } labels) throw new BadInputException($"{data.Name}: accuracy needs labels");
        int n = Math.Min(count, data.Count);
        using var scope = NewDisposeScope();
        return classifier.Accuracy(data.Batch(0, n).reshape(n, -1), labels[..n]);
    }

    /// <summary>For each row of <paramref name="images"/> [m, ...]: the most probable class and its probability.</summary>
    public (int[] Classes, double[] Confidence) Measure(Tensor images)
    {
        using var scope = NewDisposeScope();
        var probabilities = classifier.Probabilities(images.reshape(images.shape[0], -1));
        var (confidence, predicted) = probabilities.max(1);
        return (predicted.to_type(ScalarType.Int32).data<int>().ToArray(), confidence.data<double>().ToArray());
    }

    public void Dispose() => classifier.Dispose();
}
