using Bottleneck.Applications.Anomaly;
using Xunit;

namespace Bottleneck.Tests.Applications;

/// <summary>ROC AUC, average precision and the counts at a threshold, against small cases worked by hand.</summary>
public class RankingMetricsTests
{
    // scikit-learn's documentation example: roc_auc_score → 0.75, average_precision_score → 0.8333.
    static readonly double[] scores = [0.1, 0.4, 0.35, 0.8];
    static readonly bool[] labels = [false, false, true, true];

    [Fact]
    public void Roc_curve_and_auc_of_the_scikit_learn_example()
    {
        var curve = RocCurve.Of(scores, labels);
        // Thresholds 0.8, 0.4, 0.35, 0.1 in turn flag: one anomaly; + a normal; + the other anomaly; + the other normal.
        Assert.Equal([0, 0, 0.5, 0.5, 1], curve.FalsePositiveRate);
        Assert.Equal([0, 0.5, 0.5, 1, 1], curve.TruePositiveRate);
        Assert.Equal([double.PositiveInfinity, 0.8, 0.4, 0.35, 0.1], curve.Thresholds);
        Assert.Equal(0.75, curve.Auc, 15);
    }

    [Fact]
    public void Average_precision_of_the_scikit_learn_example()
    {
        // (R, P) at each threshold: (0.5, 1), (0.5, 0.5), (1, 2/3), (1, 0.5): AP = 0.5·1 + 0 + 0.5·2/3 + 0 = 5/6.
        Assert.Equal(5.0 / 6.0, AveragePrecision.Of(scores, labels), 15);
    }

    [Fact]
    public void Ties_count_half_in_auc_and_form_one_threshold_in_average_precision()
    {
        double[] tied = [0.5, 0.5, 0.5, 0.9];
        bool[] y = [false, true, false, true];
        // Pairs (anomaly, normal): 0.9 beats both normals (2), 0.5 ties both (2 × ½): AUC = 3/4.
        Assert.Equal(0.75, RocCurve.AucOf(tied, y), 15);
        // Thresholds 0.9 → P = 1, R = ½; 0.5 → P = 2/4, R = 1: AP = ½·1 + ½·½ = 3/4.
        Assert.Equal(0.75, AveragePrecision.Of(tied, y), 15);
        // Everything tied: the diagonal, and AP = the share of anomalies.
        Assert.Equal(0.5, RocCurve.AucOf([1, 1, 1, 1, 1], [true, false, false, false, true]), 15);
        Assert.Equal(0.4, AveragePrecision.Of([1, 1, 1, 1, 1], [true, false, false, false, true]), 15);
    }

    [Fact]
    public void Perfect_and_reversed_rankings()
    {
        Assert.Equal(1.0, RocCurve.AucOf([0.1, 0.2, 0.8, 0.9], [false, false, true, true]));
        Assert.Equal(1.0, AveragePrecision.Of([0.1, 0.2, 0.8, 0.9], [false, false, true, true]));
        Assert.Equal(0.0, RocCurve.AucOf([0.9, 0.8, 0.2, 0.1], [false, false, true, true]));
        // Anomalies ranked last: P at R = ½ is 1/3, at R = 1 is 2/4: AP = ½·⅓ + ½·½ = 5/12.
        Assert.Equal(5.0 / 12.0, AveragePrecision.Of([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), 15);
    }

    [Fact]
    public void Auc_equals_the_mann_whitney_probability_on_random_scores_with_ties()
    {
        var random = new Random(5);
        var s = Enumerable.Range(0, 300).Select(_ => Math.Round(random.NextDouble() * 20) / 20).ToArray();   // 21 levels: many ties
        var y = Enumerable.Range(0, 300).Select(i => random.NextDouble() < 0.3 + 0.4 * s[i]).ToArray();
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.Length; i++)
            for (int j = 0; j < s.Length; j++)
                if (y[i] && !y[j])
                {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
        Assert.Equal(wins / pairs, RocCurve.AucOf(s, y), 12);
        var curve = RocCurve.Of(s, y);
        Assert.Equal(curve.Auc, curve.WithoutCollinearPoints().Auc, 12);
        Assert.True(curve.WithoutCollinearPoints().FalsePositiveRate.Length <= curve.FalsePositiveRate.Length);
    }

    [Fact]
    public void Counts_at_a_threshold_flag_scores_strictly_above_it()
    {
        double[] s = [0.1, 0.5, 0.5, 0.7, 0.9, 0.2];
        bool[] y = [false, true, false, true, false, true];
        var at = DetectionCounts.At(s, y, 0.5);   // flagged: 0.7 (anomaly), 0.9 (normal); 0.5 is not above 0.5
        Assert.Equal(new DetectionCounts(1, 1, 2, 2), at);
        Assert.Equal(0.5, at.Precision);
        Assert.Equal(1.0 / 3.0, at.Recall, 15);
        Assert.Equal(2 * 0.5 * (1.0 / 3.0) / (0.5 + 1.0 / 3.0), at.F1, 15);
        Assert.Equal(1.0 / 3.0, at.FalsePositiveRate, 15);
        var none = DetectionCounts.At(s, y, 1.0);
        Assert.Equal((0.0, 0.0, 0.0), (none.Precision, none.Recall, none.F1));
    }

    [Fact]
    public void One_kind_of_sample_only_is_bad_input()
    {
        Assert.Contains("need at least one of each", Assert.Throws<BadInputException>(() => RocCurve.Of([0.1, 0.2], [false, false])).Message);
        Assert.Throws<BadInputException>(() => AveragePrecision.Of([0.1, 0.2], [true, true]));
    }
}
