using Bottleneck.Applications.Anomaly;
using Bottleneck.Evaluation;
using Xunit;

namespace Bottleneck.Tests.Evaluation;

/// <summary>numpy.percentile's default 'linear' method, to the last bit, and the threshold rules built on it.</summary>
public class PercentileTests
{
    [Theory]
    // np.percentile([10, 7, 4, 3, 2, 1], 50) == 3.5 (numpy's documentation example, flattened).
    [InlineData(new double[] { 10, 7, 4, 3, 2, 1 }, 50, 3.5)]
    // h = (5 − 1)·0.4 = 1.6: 20 + 0.6·(35 − 20) = 29.
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 40, 29.0)]
    // h = 3·0.95 = 2.85 in double is 2.8499999999999996; γ ≥ 0.5, so b − (b − a)(1 − γ) = 3.8499999999999996, as numpy prints.
    [InlineData(new double[] { 4, 1, 3, 2 }, 95, 3.8499999999999996)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 0, 1.0)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 100, 4.0)]
    [InlineData(new double[] { 0.25 }, 95, 0.25)]
    [InlineData(new double[] { 2, 2, 2, 9 }, 50, 2.0)]
    public void Matches_numpy_linear_interpolation(double[] values, double q, double expected) =>
        Assert.Equal(expected, Percentile.Of(values, q));

    [Fact]
    public void Interpolates_from_the_upper_neighbour_when_gamma_is_at_least_a_half()
    {
        // numpy's _lerp: for t ≥ 0.5 it computes b − (b − a)(1 − t); here that differs from a + (b − a)t in the last bit.
        double a = 0.1859062658947177, b = 1.1784496780707827, t = 0.9299732643976449;
        Assert.Equal(1.1089451029724702, Percentile.Lerp(a, b, t));
        Assert.NotEqual(a + (b - a) * t, Percentile.Lerp(a, b, t));
        Assert.Equal(a + (b - a) * 0.25, Percentile.Lerp(a, b, 0.25));
    }

    [Fact]
    public void Threshold_rules_and_their_bounds()
    {
        Assert.Equal(95, AnomalyThreshold.From(null, null).PercentileRank);
        Assert.Equal(99, AnomalyThreshold.From(99, null).PercentileRank);
        var contamination = AnomalyThreshold.From(null, 0.05);
        Assert.Equal(95, contamination.PercentileRank);
        Assert.Equal(0.05, contamination.Contamination);
        // 20 normal errors 1..20: the 95th percentile sits at h = 19·0.95 = 18.05, between 19 and 20.
        Assert.Equal(19.05, AnomalyThreshold.From(null, null).Apply(Enumerable.Range(1, 20).Select(i => (double)i)), 12);

        foreach (var p in new[] { 0.0, 100.0, -5.0, 150.0, double.NaN })
            Assert.Contains("percentile: expected a value in (0, 100)", Assert.Throws<OptionException>(() => AnomalyThreshold.From(p, null)).Message);
        foreach (var c in new[] { 0.0, 1.0, 1.5 })
            Assert.Contains("contamination: expected a rate in (0, 1)", Assert.Throws<OptionException>(() => AnomalyThreshold.From(null, c)).Message);
        Assert.Contains("give one or the other", Assert.Throws<OptionException>(() => AnomalyThreshold.From(95, 0.05)).Message);
    }

    [Fact]
    public void Undefined_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Percentile.Of(Array.Empty<double>(), 50));
        Assert.Throws<ArgumentException>(() => Percentile.Of(new[] { 1.0, double.NaN }, 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.Of(new[] { 1.0 }, 101));
    }
}
