using System.Globalization;
using Bottleneck.Evaluation;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// The rule that turns held-out normal errors into a threshold (§8.4): the p-th percentile of the errors
/// (default 95, so about 5% of normal data is flagged by construction), or, given a contamination rate c — the share
/// of normal-looking data one accepts to flag — the (100 − 100·c)-th percentile, which is how scikit-learn's and
/// PyOD's detectors turn their contamination parameter into a threshold.
/// </summary>
internal sealed record AnomalyThreshold
{
    /// <summary>The chapter's default: the 95th percentile.</summary>
    public const double DefaultPercentile = 95;

    AnomalyThreshold(double percentile, double? contamination)
    {
        PercentileRank = percentile;
        Contamination = contamination;
    }

    /// <summary>The percentile of held-out normal errors the threshold sits at, in (0, 100).</summary>
    public double PercentileRank { get; }

    /// <summary>The contamination rate it was given as, or null when it was given as a percentile.</summary>
    public double? Contamination { get; }

    /// <summary>
    /// The rule from the command line's --percentile and --contamination (at most one; neither means the 95th percentile).
    /// </summary>
    /// <exception cref="BadInputException">Both are given, or one is out of its range.</exception>
    public static AnomalyThreshold From(double? percentile, double? contamination)
    {
        if (percentile is not null && contamination is not null)
            throw new OptionException(["percentile", "contamination"], "give one or the other (contamination c means percentile 100 − 100·c)");
        if (contamination is double c)
        {
            if (!(c > 0 && c < 1))
                throw new OptionException("contamination", $"expected a rate in (0, 1), got {c.ToString(CultureInfo.InvariantCulture)}");
            return new AnomalyThreshold(100 - 100 * c, c);
        }
        var p = percentile ?? DefaultPercentile;
        if (!(p > 0 && p < 100))
            throw new OptionException("percentile", $"expected a value in (0, 100), got {p.ToString(CultureInfo.InvariantCulture)}");
        return new AnomalyThreshold(p, null);
    }

    /// <summary>The threshold for <paramref name="normalErrors"/>: their percentile, interpolated as numpy.percentile does.</summary>
    public double Apply(IEnumerable<double> normalErrors) => Percentile.Of(normalErrors, PercentileRank);

    /// <summary>"95th percentile" or "contamination 0.05 (95th percentile)", for reports.</summary>
    public override string ToString()
    {
        var p = $"{PercentileRank.ToString("0.###", CultureInfo.InvariantCulture)}th percentile of held-out normal errors";
        return Contamination is double c ? $"contamination {c.ToString(CultureInfo.InvariantCulture)} ({p})" : p;
    }
}
