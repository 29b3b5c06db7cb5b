namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// Scores sorted from the most to the least anomalous, grouped by distinct score: after each group, how many true
/// anomalies (positives) and normal samples (negatives) score at least that much. ROC and precision-recall curves
/// are read off these counts; tied scores fall into one group, as in scikit-learn's _binary_clf_curve.
/// </summary>
internal sealed class RankedScores
{
    RankedScores(double[] thresholds, long[] truePositives, long[] falsePositives, long positives, long negatives)
    {
        Thresholds = thresholds;
        TruePositives = truePositives;
        FalsePositives = falsePositives;
        Positives = positives;
        Negatives = negatives;
    }

    /// <summary>Distinct scores, largest first.</summary>
    public double[] Thresholds { get; }

    /// <summary>Positives scoring at least Thresholds[i].</summary>
    public long[] TruePositives { get; }

    /// <summary>Negatives scoring at least Thresholds[i].</summary>
    public long[] FalsePositives { get; }

    public long Positives { get; }
    public long Negatives { get; }

    /// <summary>Ranks <paramref name="scores"/>; <paramref name="isPositive"/> marks the true anomalies.</summary>
    /// <exception cref="ArgumentException">Lengths differ, there are no scores, or a score is NaN.</exception>
    public static RankedScores Of(IReadOnlyList<double> scores, IReadOnlyList<bool> isPositive)
    {
        if (scores.Count != isPositive.Count)
            throw new ArgumentException($"{scores.Count} scores but {isPositive.Count} labels");
        if (scores.Count == 0) throw new ArgumentException("no scores to rank");
        if (scores.Any(double.IsNaN)) throw new ArgumentException("a score is NaN");
        var order = Enumerable.Range(0, scores.Count).ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        var thresholds = new List<double>();
        var tps = new List<long>();
        var fps = new List<long>();
        long tp = 0, fp = 0;
        for (int i = 0; i < order.Length; i++)
        {
            if (isPositive[order[i]]) tp++; else fp++;
            // A group ends where the next score differs (or at the end): only then is a threshold between two scores.
            if (i == order.Length - 1 || scores[order[i + 1]] != scores[order[i]])
            {
                thresholds.Add(scores[order[i]]);
                tps.Add(tp);
                fps.Add(fp);
            }
        }
        return new RankedScores(thresholds.ToArray(), tps.ToArray(), fps.ToArray(), tp, fp);
    }
}
