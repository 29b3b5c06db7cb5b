using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>The classifier's confidence and the gap profile, on images small enough to reason about by hand.</summary>
public class InterpolationGapsTests
{
    /// <summary>40 four-pixel images: class 0 bright on the left half, class 1 bright on the right, mirror images of each other.</summary>
    static Dataset Halves()
    {
        var values = new List<float>();
        var labels = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            float bright = 0.8f + 0.01f * i, dark = 0.01f * (i % 5);
            values.AddRange([bright, bright, dark, dark]);
            labels.Add(0);
            values.AddRange([dark, dark, bright, bright]);
            labels.Add(1);
        }
        return new Dataset("halves", tensor(values.ToArray(), [40, 4]), labels.ToArray());
    }

    [Fact]
    public void The_classifier_is_sure_of_real_images_and_unsure_of_a_double_exposure()
    {
        using var data = Halves();
        using var judge = new ClassifierConfidence(data, 100);
        Assert.Equal((40, 2), (judge.Count, judge.Classes));   // capped at what there is
        Assert.Equal(1.0, judge.Accuracy(data, 40));
        var (classes, confidence) = judge.Measure(tensor(new[] { 1f, 1, 0, 0, 0, 0, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f }, [3, 4]));
        Assert.Equal([0, 1], classes[..2]);
        Assert.True(confidence[0] > 0.9 && confidence[1] > 0.9, $"{confidence[0]}, {confidence[1]}");
        // The 50/50 blend is the mirror image of itself, and so are the two classes: the classifier splits it evenly.
        Assert.Equal(0.5, confidence[2], 2);
    }

    [Fact]
    public void Class_probabilities_sum_to_one_and_agree_with_the_predicted_class()
    {
        using var data = Halves();
        using var regression = SoftmaxRegression.Fit(data.Batch(0, 40), data.Labels!, 2);
        var images = tensor(new[] { 0.9f, 0.7f, 0.1f, 0f, 0.2f, 0.3f, 0.6f, 0.9f }, [2, 4]);
        var probabilities = regression.Probabilities(images);
        Assert.Equal([2L, 2], probabilities.shape);
        Assert.Equal([1.0, 1.0], probabilities.sum([1]).data<double>().ToArray().Select(p => Math.Round(p, 12)));
        Assert.Equal(regression.Predict(images), probabilities.argmax(1).to_type(ScalarType.Int32).data<int>().ToArray());
        // softmax(xW + b) by hand from the fitted weights.
        var logits = images.to_type(ScalarType.Float64).matmul(regression.Weight) + regression.Bias;
        double p0 = 1 / (1 + Math.Exp(logits[0, 1].item<double>() - logits[0, 0].item<double>()));
        Assert.Equal(p0, probabilities[0, 0].item<double>(), 12);
    }

    [Fact]
    public void Labels_are_required()
    {
        using var unlabelled = new Dataset("plain", zeros(4, 4));
        Assert.Contains("needs labelled training data", Assert.Throws<BadInputException>(() => new ClassifierConfidence(unlabelled, 4)).Message);
    }

    [Fact]
    public void The_cross_fade_between_the_two_classes_dips_to_even_odds_in_the_middle()
    {
        using var data = Halves();
        using var judge = new ClassifierConfidence(data, 40);
        // Pair (0 → 1) crosses from class 0 to class 1; pair (0 → 0) stays on one image, so its confidence never moves.
        var profile = InterpolationGaps.Measure([], data, judge, [(0, 1), (0, 0)], 3, spherical: false).Single();
        Assert.Equal(InterpolationGaps.CrossFade, profile.Name);
        var (_, ends) = judge.Measure(data.Batch(0, 2));
        var (_, middle) = judge.Measure(0.5f * (data.Batch(0, 1) + data.Batch(1, 1)));
        Assert.Equal(ends[0], profile.Confidence[0], 9);                 // t = 0: both pairs start at image 0
        Assert.Equal((ends[1] + ends[0]) / 2, profile.Confidence[2], 9);  // t = 1: images 1 and 0
        Assert.Equal((middle[0] + ends[0]) / 2, profile.Confidence[1], 9);
        Assert.Equal((middle[0] + ends[0]) / 2, profile.Interior, 9);
        Assert.Equal(0.5, profile.Lowest.T);
        // Two pairs: the standard error of the interior mean is |x₁ − x₂| / 2.
        Assert.Equal(Math.Abs(middle[0] - ends[0]) / 2, profile.InteriorStandardError, 9);
    }

    [Fact]
    public void The_ratio_compares_the_middle_with_the_ends()
    {
        var profile = new GapProfile("hand", [0.92, 0.85, 0.62, 0.70, 0.96], [0.7233]);
        Assert.Equal(0.94, profile.Ends, 12);
        Assert.Equal(2.17 / 3, profile.Interior, 12);
        Assert.Equal(2.17 / 3 / 0.94, profile.Ratio, 12);
        Assert.Equal((0.62, 0.5), profile.Lowest);
    }

    [Fact]
    public void Paired_differences_take_their_error_from_the_differences()
    {
        // Interiors a = (0.9, 0.7, 0.5) and b = (0.8, 0.5, 0.4): differences (0.1, 0.2, 0.1), mean 0.4/3,
        // s² = ((−1/30)² + (2/30)² + (−1/30)²)/2 = 1/300, standard error √(1/300/3) = 1/30.
        var a = new GapProfile("a", [1, 0.7, 1], [0.9, 0.7, 0.5]);
        var b = new GapProfile("b", [1, 0.6, 1], [0.8, 0.5, 0.4]);
        var (difference, error) = a.PairedDifference(b);
        Assert.Equal(0.4 / 3, difference, 12);
        Assert.Equal(1 / 30.0, error, 12);
        // Apart, each interior's error is 0.2/√3 = 0.1155 and 0.1202: the pairing removes what the pairs share.
        Assert.Equal(0.2 / Math.Sqrt(3), a.InteriorStandardError, 12);
        Assert.Throws<ArgumentException>(() => a.PairedDifference(new GapProfile("c", [1, 1, 1], [0.5])));
    }

    [Fact]
    public void Random_pairs_are_distinct_repeatable_and_in_range()
    {
        var pairs = InterpolationGaps.RandomPairs(5, 200, 7);
        Assert.All(pairs, p => Assert.True(p.From != p.To && p.From is >= 0 and < 5 && p.To is >= 0 and < 5));
        Assert.Equal(pairs, InterpolationGaps.RandomPairs(5, 200, 7));
        Assert.NotEqual(pairs, InterpolationGaps.RandomPairs(5, 200, 8));
        Assert.Equal(20, pairs.Distinct().Count());   // every ordered pair of 5 distinct indices shows up in 200 draws
    }
}
