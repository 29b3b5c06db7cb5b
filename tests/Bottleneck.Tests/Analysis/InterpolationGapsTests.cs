using Bottleneck.Analysis;
using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Analysis;

/// <summary>The nearest-image distance and the gap profile, on images small enough to work out by hand.</summary>
public class InterpolationGapsTests
{
    /// <summary>Three reference "images" of four pixels: black, white, and left half white.</summary>
    static Dataset Reference() => new("ref", tensor(new[] { 0f, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0 }, [3, 4]));

    [Fact]
    public void The_distance_is_the_per_pixel_mse_to_the_closest_reference_image()
    {
        using var data = Reference();
        using var nearest = new NearestImageDistance(data, 10);
        Assert.Equal(3, nearest.Count);   // capped at what there is
        var distances = nearest.Measure(tensor(new[] { 0f, 0, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, 0.9f, 1, 0.2f, 0 }, [3, 4]));
        // (0,0,0,0) is a reference image: 0. Grey 0.5 is 0.25 from each of them. (0.9, 1, 0.2, 0) is nearest the
        // half-white image: (0.01 + 0 + 0.04 + 0) / 4 = 0.0125.
        Assert.Equal(0, distances[0], 6);
        Assert.Equal(0.25, distances[1], 6);
        Assert.Equal(0.0125, distances[2], 6);
    }

    [Fact]
    public void Only_the_first_count_images_are_searched()
    {
        using var data = Reference();
        using var blackOnly = new NearestImageDistance(data, 1);
        Assert.Equal(1.0, blackOnly.Measure(ones(1, 4))[0], 6);   // white, with only black to compare against
    }

    [Fact]
    public void The_cross_fade_between_black_and_white_is_a_quarter_away_in_the_middle()
    {
        // Pairs (black → white) and (white → black), 5 steps: the cross-fade passes through grey t, whose nearest image
        // is black for t ≤ ½ (distance t²) and white above (distance (1 − t)²): 0, 1/16, 1/4, 1/16, 0 for both pairs.
        using var data = new Dataset("bw", tensor(new[] { 0f, 0, 0, 0, 1, 1, 1, 1 }, [2, 4]));
        using var reference = new NearestImageDistance(data, 2);
        var profile = InterpolationGaps.Measure([], data, reference, [(0, 1), (1, 0)], 5, spherical: false).Single();
        Assert.Equal(InterpolationGaps.CrossFade, profile.Name);
        Assert.Equal([0, 0.0625, 0.25, 0.0625, 0], profile.Distance.Select(d => Math.Round(d, 6)));
        Assert.Equal(0, profile.Ends, 9);
        Assert.Equal(0.375 / 3, profile.Interior, 6);
        Assert.Equal((0.25, 0.5), (Math.Round(profile.Peak.Distance, 6), profile.Peak.T));
    }

    [Fact]
    public void The_ratio_compares_the_middle_with_the_ends()
    {
        var profile = new GapProfile("hand", [0.02, 0.05, 0.08, 0.03, 0.04]);
        Assert.Equal(0.03, profile.Ends, 12);
        Assert.Equal(0.16 / 3, profile.Interior, 12);
        Assert.Equal(0.16 / 3 / 0.03, profile.Ratio, 12);
        Assert.Equal((0.08, 0.5), profile.Peak);
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
