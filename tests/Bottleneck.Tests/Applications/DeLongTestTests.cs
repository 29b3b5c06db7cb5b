using Bottleneck.Applications.Anomaly;
using Xunit;

namespace Bottleneck.Tests.Applications;

public class DeLongTestTests
{
    static (double[] A, double[] B, bool[] Y) RandomCase(int seed, int count = 200)
    {
        var random = new Random(seed);
        var y = Enumerable.Range(0, count).Select(_ => random.NextDouble() < 0.3).ToArray();
        // Rounded scores, so ties occur; b is a noisier version of a.
        var a = y.Select(p => Math.Round((p ? 1 : 0) + random.NextDouble() * 1.5, 1)).ToArray();
        var b = a.Select(v => Math.Round(v + (random.NextDouble() - 0.5) * 1.2, 1)).ToArray();
        return (a, b, y);
    }

    [Fact]
    public void Placements_match_the_pairwise_definition_and_average_to_the_auc()
    {
        var (a, _, y) = RandomCase(1);
        var (v10, v01) = DeLongTest.Placements(a, y);
        var positives = a.Where((_, i) => y[i]).ToArray();
        var negatives = a.Where((_, i) => !y[i]).ToArray();
        double Psi(double x, double z) => x > z ? 1 : x == z ? 0.5 : 0;
        for (int i = 0; i < positives.Length; i++)
            Assert.Equal(negatives.Average(z => Psi(positives[i], z)), v10[i], 12);
        for (int j = 0; j < negatives.Length; j++)
            Assert.Equal(positives.Average(x => Psi(x, negatives[j])), v01[j], 12);
        Assert.Equal(RocCurve.AucOf(a, y), v10.Average(), 12);
        Assert.Equal(RocCurve.AucOf(a, y), v01.Average(), 12);
    }

    [Fact]
    public void A_case_worked_by_hand()
    {
        // Anomalies score (0.9, 0.8, 0.3) under a and (0.7, 0.9, 0.5) under b; normal samples (0.6, 0.2, 0.4) and (0.1, 0.3, 0.5).
        // Placements: a → anomalies (1, 1, ⅓), normal (⅔, 1, ⅔); b → anomalies (1, 1, 5/6) (0.5 ties 0.5), normal (1, 1, 5/6).
        // AUC(a) = 7/9, AUC(b) = 17/18. S10: var(a) = 4/27, var(b) = 1/108, cov = 1/27; S01: 1/27, 1/108, 1/108.
        // Var(Â − B̂) = (4/27 + 1/108 − 2/27)/3 + (1/27 + 1/108 − 2/108)/3 = 1/27.
        double[] a = [0.9, 0.8, 0.3, 0.6, 0.2, 0.4], b = [0.7, 0.9, 0.5, 0.1, 0.3, 0.5];
        bool[] y = [true, true, true, false, false, false];
        var result = DeLongTest.Compare(a, b, y);
        Assert.Equal(7.0 / 9, result.AucA, 12);
        Assert.Equal(17.0 / 18, result.AucB, 12);
        Assert.Equal(-1.0 / 6, result.Difference, 12);
        Assert.Equal(Math.Sqrt(1.0 / 27), result.StandardError, 12);
        Assert.Equal(0.386476, result.PValue, 5);   // 2·(1 − Φ(|−1/6| / √(1/27)))
    }

    [Fact]
    public void A_ranking_compared_with_itself_shows_no_difference()
    {
        var (a, _, y) = RandomCase(2);
        var result = DeLongTest.Compare(a, a, y);
        Assert.Equal(0, result.Difference);
        Assert.Equal(0, result.StandardError, 12);
        Assert.Equal(1, result.PValue);
    }

    [Fact]
    public void A_much_noisier_ranking_is_significantly_worse_and_the_test_is_symmetric()
    {
        var (a, b, y) = RandomCase(3, 2000);
        var ab = DeLongTest.Compare(a, b, y);
        var ba = DeLongTest.Compare(b, a, y);
        Assert.True(ab.Difference > 0.03, $"difference {ab.Difference}");
        Assert.True(ab.PValue < 0.001, $"p {ab.PValue}");
        Assert.Equal(-ab.Difference, ba.Difference, 12);
        Assert.Equal(ab.StandardError, ba.StandardError, 12);
        Assert.Equal(ab.PValue, ba.PValue, 12);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.157299207050285)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(-1.0, 1.842700792949715)]
    public void Erfc_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, DeLongTest.Erfc(x), 6);
}
