
namespace Bottleneck.Evaluation;

/// <summary>
/// Summary of a group of per-sample errors: count, mean, standard deviation (ddof = 0, as numpy's std), median, 95th
/// percentile (numpy's linear interpolation), smallest and largest.
/// </summary>
internal sealed record ErrorSummary(int Count, double Mean, double Std, double Median, double P95, double Min, double Max)
{
    /// <summary>The summary of <paramref name="errors"/>; at least one value is needed.</summary>
    public static ErrorSummary Of(IReadOnlyCollection<double> errors)
    {
        if (errors.Count == 0) throw new ArgumentException("a summary of no errors is undefined", nameof(errors));
        double mean = errors.Average();
        // The chapter prints mean and std of the errors (§10.1), with numpy's population std.
        double std = Math.Sqrt(errors.Sum(e => (e - mean) * (e - mean)) / errors.Count);
        return new ErrorSummary(errors.Count, mean, std, Percentile.Of(errors, 50), Percentile.Of(errors, 95), errors.Min(), errors.Max());
    }
}
