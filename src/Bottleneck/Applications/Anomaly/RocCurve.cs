namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// The receiver operating characteristic of anomaly scores (§8.4): the true-positive rate against the
/// false-positive rate as the threshold sweeps from above the largest score down past the smallest, one point per
/// distinct score, starting at (0, 0) — as scikit-learn's roc_curve with drop_intermediate=False.
/// </summary>
internal sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds)
{
    /// <summary>The curve of <paramref name="scores"/> (larger = more anomalous) against <paramref name="isAnomaly"/>.</summary>
    /// <exception cref="BadInputException">All samples are of one kind, so one of the two rates is undefined.</exception>
    public static RocCurve Of(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        var ranked = RankedScores.Of(scores, isAnomaly);
        RequireBothKinds(ranked);
        var n = ranked.Thresholds.Length;
        var fpr = new double[n + 1];
        var tpr = new double[n + 1];
        var thresholds = new double[n + 1];
        thresholds[0] = double.PositiveInfinity;   // nothing scores above +∞: the curve starts at (0, 0)
        for (int i = 0; i < n; i++)
        {
            fpr[i + 1] = (double)ranked.FalsePositives[i] / ranked.Negatives;
            tpr[i + 1] = (double)ranked.TruePositives[i] / ranked.Positives;
            thresholds[i + 1] = ranked.Thresholds[i];
        }
        return new RocCurve(fpr, tpr, thresholds);
    }

    /// <summary>
    /// Area under the curve by the trapezoidal rule, as scikit-learn's roc_auc_score. A group of tied scores is one
    /// diagonal step, so each tied (anomaly, normal) pair counts one half: the AUC equals the Mann-Whitney probability
    /// P(score of an anomaly &gt; score of a normal sample) + ½·P(equal).
    /// </summary>
    public double Auc
    {
        get
        {
            double area = 0;
            for (int i = 1; i < FalsePositiveRate.Length; i++)
                area += (FalsePositiveRate[i] - FalsePositiveRate[i - 1]) * (TruePositiveRate[i] + TruePositiveRate[i - 1]) / 2;
            return area;
        }
    }

    /// <summary>ROC AUC of <paramref name="scores"/> against <paramref name="isAnomaly"/>.</summary>
    public static double AucOf(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly) => Of(scores, isAnomaly).Auc;

    /// <summary>
    /// The curve with the points that lie on a straight line between their neighbours left out (scikit-learn's
    /// drop_intermediate): the same shape and area with far fewer points to draw.
    /// </summary>
    public RocCurve WithoutCollinearPoints()
    {
        var keep = new List<int> { 0 };
        for (int i = 1; i < FalsePositiveRate.Length - 1; i++)
        {
            // scikit-learn keeps a point where the second difference of either coordinate is non-zero.
            bool bendsFpr = FalsePositiveRate[i - 1] - 2 * FalsePositiveRate[i] + FalsePositiveRate[i + 1] != 0;
            bool bendsTpr = TruePositiveRate[i - 1] - 2 * TruePositiveRate[i] + TruePositiveRate[i + 1] != 0;
            if (bendsFpr || bendsTpr) keep.Add(i);
        }
        if (FalsePositiveRate.Length > 1) keep.Add(FalsePositiveRate.Length - 1);
        return new RocCurve(keep.Select(i => FalsePositiveRate[i]).ToArray(), keep.Select(i => TruePositiveRate[i]).ToArray(),
            keep.Select(i => Thresholds[i]).ToArray());
    }

    internal static void RequireBothKinds(RankedScores ranked)
    {
        if (ranked.Positives == 0 || ranked.Negatives == 0)
            throw new BadInputException($"the labelled data holds {ranked.Positives} anomalies and {ranked.Negatives} normal samples: " +
                                        "ROC AUC and average precision need at least one of each");
    }
}
