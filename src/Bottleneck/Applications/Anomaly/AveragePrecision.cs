namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// Average precision of anomaly scores, as scikit-learn's average_precision_score: AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the
/// distinct scores taken as thresholds from the largest down, where Pₙ and Rₙ are the precision and recall of flagging
/// every sample that scores at least the n-th threshold (no interpolation; tied scores are one threshold).
/// </summary>
internal static class AveragePrecision
{
    /// <summary>AP of <paramref name="scores"/> (larger = more anomalous) against <paramref name="isAnomaly"/>.</summary>
    /// <exception cref="BadInputException">All samples are of one kind.</exception>
    public static double Of(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly)
    {
        var ranked = RankedScores.Of(scores, isAnomaly);
        RocCurve.RequireBothKinds(ranked);
        double sum = 0, previousRecall = 0;
        for (int i = 0; i < ranked.Thresholds.Length; i++)
        {
            double tp = ranked.TruePositives[i], flagged = tp + ranked.FalsePositives[i];
            double recall = tp / ranked.Positives;
            sum += (recall - previousRecall) * (tp / flagged);
            previousRecall = recall;
        }
        return sum;
    }
}
