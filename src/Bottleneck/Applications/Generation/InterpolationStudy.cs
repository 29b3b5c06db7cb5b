using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Generation;

/// <summary>What an interpolation study is asked to do.</summary>
/// <param name="From">Index of the first pictured input in the split.</param>
/// <param name="To">Index of the second.</param>
/// <param name="Steps">Images along each path, both ends included (3 or more).</param>
/// <param name="Spherical">Walk along the great circle between the codes (slerp) instead of the straight line.</param>
/// <param name="Pairs">Random pairs the gap measure averages over (0: the picture only).</param>
/// <param name="Seed">Seed of the random pairs.</param>
/// <param name="ClassifierSize">Labelled training images the judging classifier is fitted to.</param>
internal sealed record InterpolationSettings(int From, int To, int Steps, bool Spherical, int Pairs, long Seed, int ClassifierSize);

/// <summary>One pictured path: its name ("cross-fade" or the model's), the images [steps, input size], and what the judge sees in each.</summary>
/// <param name="Name">The row's title.</param>
/// <param name="Images">The decoded steps, [steps, input size], float32.</param>
/// <param name="Classes">The class the judging classifier gives each step (empty without a judge).</param>
/// <param name="Confidence">Its probability for that class (empty without a judge).</param>
/// <param name="Captions">Each step's caption, "7: 0.93" (the class by name where the classes have names), or null without a judge.</param>
internal sealed record InterpolationPath(string Name, Tensor Images, int[] Classes, double[] Confidence, string[]? Captions);

/// <summary>The paired difference of two gap profiles' interior confidence over the same pairs, earlier row first.</summary>
internal sealed record GapDifference(GapProfile A, GapProfile B, double Difference, double StandardError);

/// <summary>
/// What an interpolation study found: the pictured paths between two inputs (the pixel cross-fade first, then each
/// model's), the judging classifier (when the training data have labels) and its accuracy, and the gap profiles over
/// random pairs. Disposing frees the paths' images.
/// </summary>
internal sealed record InterpolationResult(string Data, int From, int To, string FromCaption, string ToCaption, InterpolationSettings Settings,
    ImageShape Shape, IReadOnlyList<InterpolationPath> Paths, int? ClassifierImages, string? ClassifierSource, double? ClassifierAccuracy,
    IReadOnlyList<GapProfile> Gaps) : IDisposable
{
    /// <summary>True when a classifier judged the images (the training data have labels).</summary>
    public bool Judged => ClassifierImages is not null;

    /// <summary>"softmax regression on the pixels of the first 10,000 images of mnist/train", or null without a judge.</summary>
    public string? Classifier => Judged ? $"softmax regression on the pixels of the first {ClassifierImages:N0} images of {ClassifierSource}" : null;

    /// <summary>Every two gap profiles, earlier first, with the paired difference of their interior confidence.</summary>
    public IEnumerable<GapDifference> PairedDifferences =>
        from i in Enumerable.Range(0, Gaps.Count)
        from j in Enumerable.Range(i + 1, Gaps.Count - i - 1)
        let d = Gaps[i].PairedDifference(Gaps[j])
        select new GapDifference(Gaps[i], Gaps[j], d.Difference, d.StandardError);

    /// <summary>Frees the paths' images.</summary>
    public void Dispose()
    {
        foreach (var path in Paths) path.Images.Dispose();
    }
}

/// <summary>
/// Walks in latent space between two inputs (§8.6, §13), beside the pixel cross-fade (1 − t)·x₀ + t·x₁, and measures
/// the "gaps in the latent space" with a classifier fitted to labelled training images (<see cref="InterpolationGaps"/>).
/// </summary>
internal static class InterpolationStudy
{
    /// <summary>The name of the picture's reference row.</summary>
    public const string CrossFadeRow = "cross-fade";

    /// <summary>The stage names reported to a progress display.</summary>
    public const string ClassifierStage = "fitting the judging classifier", GapStage = "walking between random pairs";

    /// <summary>
    /// Runs the study on <paramref name="data"/> for <paramref name="models"/> (named rows); the judge is fitted to
    /// <paramref name="labelledTrain"/> when it has labels (otherwise the picture is uncaptioned and the measure skipped).
    /// Every check is made before the first stage is reported to <paramref name="progress"/>.
    /// </summary>
    public static InterpolationResult Run(IReadOnlyList<(string Name, Autoencoder Model)> models, Dataset data, Dataset labelledTrain,
        InterpolationSettings settings, IProgress<StageProgress>? progress = null)
    {
        int n = settings.Steps;
        LatentInterpolation.Times(n);   // checks the steps
        if (settings.Pairs < 0) throw new OptionException("pairs", $"expected 0 or more, got {settings.Pairs}");
        foreach (var (_, model) in models) LatentGaussian.CheckContinuous(model);
        var shape = ImageShape.Of(data.SampleShape) ?? throw new BadInputException($"{data.Name}: samples of shape [{string.Join(", ", data.SampleShape)}] are not images");
        bool judged = labelledTrain.Labels is not null;
        if (judged && settings.ClassifierSize < 2)
            throw new OptionException("classifier_size", $"expected at least 2 labelled images, got {settings.ClassifierSize}");
        var pairs = settings.Pairs == 0 || !judged ? null : InterpolationGaps.RandomPairs(data.Count, settings.Pairs, settings.Seed);
        int a = settings.From, b = settings.To;
        if (a < 0 || a >= data.Count || b < 0 || b >= data.Count)
            throw new ArgumentOutOfRangeException(nameof(settings), $"{a} and {b} must be indices of {data.Name}'s {data.Count} samples");

        // Without labels no classifier is fitted, and no stage says one is.
        if (judged) StageProgress.Start(progress, ClassifierStage, Math.Min(settings.ClassifierSize, labelledTrain.Count));
        using var judge = judged ? new ClassifierConfidence(labelledTrain, settings.ClassifierSize) : null;
        double? accuracy = judge is null || data.Labels is null ? null : judge.Accuracy(data, 10_000);
        if (judge is not null) StageProgress.Advance(progress, ClassifierStage, judge.Count, judge.Count);

        var paths = new List<InterpolationPath>();
        try
        {
            using (var scope = NewDisposeScope())
            {
                var x0 = data.Batch(a, 1);
                var x1 = data.Batch(b, 1);
                paths.Add(Path(CrossFadeRow, LatentInterpolation.CrossFade(x0, x1, n)[0], judge, data.ClassNames));
                foreach (var (name, model) in models)
                    paths.Add(Path(name, LatentInterpolation.Decode(model, x0, x1, n, settings.Spherical)[0], judge, data.ClassNames));
            }
            var gaps = pairs is null ? [] : InterpolationGaps.Measure(models, data, judge!, pairs, n, settings.Spherical, progress: progress, stage: GapStage);
            return new InterpolationResult(data.Name, a, b, LabelText(data, a), LabelText(data, b), settings, shape, paths,
                judge?.Count, judge?.Source, accuracy, gaps);
        }
        catch
        {
            foreach (var path in paths) path.Images.Dispose();
            throw;
        }
    }

    // The path's images kept beyond the caller's dispose scope, with what the judge sees in each.
    static InterpolationPath Path(string name, Tensor steps, ClassifierConfidence? judge, IReadOnlyList<string>? classNames)
    {
        var images = steps.reshape(steps.shape[0], -1).contiguous().DetachFromDisposeScope();
        if (judge is null) return new InterpolationPath(name, images, [], [], null);
        var (classes, confidence) = judge.Measure(steps);
        var captions = classes.Zip(confidence, (c, p) => $"{ClassCaption.Name(c, classNames)}: {p.ToString("0.00", CultureInfo.InvariantCulture)}").ToArray();
        return new InterpolationPath(name, images, classes, confidence, captions);
    }

    static string LabelText(Dataset data, int i) => data.Labels is { } labels ? ClassCaption.Name(labels[i], data.ClassNames) : "no label";
}
