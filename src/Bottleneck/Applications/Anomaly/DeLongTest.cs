namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// DeLong's test for two ROC AUCs measured on the same samples (DeLong, DeLong and Clarke-Pearson, 1988): whether one
/// ranking of anomalies is better than another by more than the sampling noise of a finite test set. Each method's
/// AUC is the mean of its placement values — for an anomaly, the share of normal samples it outscores (ties ½); for a
/// normal sample, the share of anomalies that outscore it — and the covariance of those placements across the two
/// methods gives the variance of the difference.
/// </summary>
internal static class DeLongTest
{
    /// <summary>The difference AUC(a) − AUC(b), its standard error, and the two-sided p-value of "no difference".</summary>
    public sealed record Result(double AucA, double AucB, double Difference, double StandardError, double PValue);

    /// <summary>Compares the rankings <paramref name="a"/> and <paramref name="b"/> of the same samples against <paramref name="isAnomaly"/>.</summary>
    /// <exception cref="BadInputException">Fewer than two anomalies or two normal samples.</exception>
    public static Result Compare(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<bool> isAnomaly)
    {
        if (a.Count != isAnomaly.Count || b.Count != isAnomaly.Count) throw new ArgumentException("scores and labels differ in length");
        int m = isAnomaly.Count(x => x), n = isAnomaly.Count - m;
        if (m < 2 || n < 2) throw new BadInputException($"comparing AUCs needs at least two anomalies and two normal samples (got {m} and {n})");
        var (pa, qa) = Placements(a, isAnomaly);
        var (pb, qb) = Placements(b, isAnomaly);
        double aucA = pa.Average(), aucB = pb.Average();
        // Var(Â − B̂) = (S10_aa + S10_bb − 2·S10_ab)/m + (S01_aa + S01_bb − 2·S01_ab)/n.
        double variance = (Covariance(pa, pa) + Covariance(pb, pb) - 2 * Covariance(pa, pb)) / m
                        + (Covariance(qa, qa) + Covariance(qb, qb) - 2 * Covariance(qa, qb)) / n;
        double se = Math.Sqrt(Math.Max(0, variance));
        double difference = aucA - aucB;
        double p = se > 0 ? Erfc(Math.Abs(difference) / se / Math.Sqrt(2)) : (difference == 0 ? 1 : 0);
        return new Result(aucA, aucB, difference, se, p);
    }

    /// <summary>
    /// Placement values: for each anomaly, the share of normal samples with a lower score (equal counts ½); for each
    /// normal sample, the share of anomalies with a higher score (equal counts ½). Sorted look-ups, O(N log N).
    /// </summary>
    internal static (double[] Anomalies, double[] Normal) Placements(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        var positive = scores.Where((_, i) => isAnomaly[i]).ToArray();
        var negative = scores.Where((_, i) => !isAnomaly[i]).ToArray();
        var sortedPositive = positive.Order().ToArray();
        var sortedNegative = negative.Order().ToArray();
        var v10 = positive.Select(x => (Below(sortedNegative, x) + 0.5 * Equal(sortedNegative, x)) / sortedNegative.Length).ToArray();
        var v01 = negative.Select(y => (sortedPositive.Length - Below(sortedPositive, y) - Equal(sortedPositive, y) + 0.5 * Equal(sortedPositive, y)) / sortedPositive.Length).ToArray();
        return (v10, v01);
    }

    // Count of values strictly below x, and equal to x, in a sorted array.
    static int Below(double[] sorted, double x) => LowerBound(sorted, x);
    static int Equal(double[] sorted, double x) => UpperBound(sorted, x) - LowerBound(sorted, x);

    static int LowerBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) / 2; if (sorted[mid] < x) lo = mid + 1; else hi = mid; }
        return lo;
    }

    static int UpperBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi) { int mid = (lo + hi) / 2; if (sorted[mid] <= x) lo = mid + 1; else hi = mid; }
        return lo;
    }

    /// <summary>Sample covariance (denominator N − 1), as DeLong's S10 and S01.</summary>
    static double Covariance(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sum = 0;
        for (int i = 0; i < x.Length; i++) sum += (x[i] - mx) * (y[i] - my);
        return sum / (x.Length - 1);
    }

    /// <summary>The complementary error function, with fractional error below 1.2·10⁻⁷ (Numerical Recipes' erfcc, Chebyshev fit).</summary>
    internal static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                   t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
