namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// What a fixed threshold does (§8.4): samples whose score exceeds it are flagged as anomalies
/// (errors &gt; threshold, as the chapter's code), and the flags are counted against the true labels.
/// </summary>
internal sealed record DetectionCounts(long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives)
{
    /// <summary>Counts the flags of <paramref name="threshold"/> on <paramref name="scores"/> against <paramref name="isAnomaly"/>.</summary>
    public static DetectionCounts At(IReadOnlyList<double> scores, IReadOnlyList<bool> isAnomaly, double threshold)
    {
        if (scores.Count != isAnomaly.Count) throw new ArgumentException($"{scores.Count} scores but {isAnomaly.Count} labels");
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            bool flagged = scores[i] > threshold;
            if (flagged && isAnomaly[i]) tp++;
            else if (flagged) fp++;
            else if (isAnomaly[i]) fn++;
            else tn++;
        }
        return new DetectionCounts(tp, fp, fn, tn);
    }

    /// <summary>Precision = TP / (TP + FP): the share of alarms that are real; 0 when nothing is flagged (scikit-learn's zero_division).</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Recall = TP / (TP + FN): the share of anomalies caught.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>F1 = 2·P·R / (P + R), 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>False-positive rate FP / (FP + TN): the share of normal samples flagged.</summary>
    public double FalsePositiveRate => FalsePositives + TrueNegatives == 0 ? 0 : (double)FalsePositives / (FalsePositives + TrueNegatives);
}
