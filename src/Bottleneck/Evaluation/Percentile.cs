namespace Bottleneck.Evaluation;

/// <summary>
/// Percentiles exactly as numpy.percentile computes them with its default method, 'linear' (Hyndman and Fan's type 7):
/// the chapter sets the anomaly threshold with np.percentile(errors, 95) (§8.4).
/// </summary>
internal static class Percentile
{
    /// <summary>
    /// The <paramref name="q"/>-th percentile (0 ≤ q ≤ 100) of <paramref name="values"/>: with the values sorted,
    /// the virtual index h = (n − 1)·q/100 falls between positions ⌊h⌋ and ⌊h⌋ + 1, and the result interpolates linearly
    /// between the two with numpy's own formula, so that the same inputs give the same double.
    /// </summary>
    /// <exception cref="ArgumentException">No values, a value that is NaN, or q outside [0, 100].</exception>
    public static double Of(IEnumerable<double> values, double q)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0) throw new ArgumentException("the percentile of no values is undefined", nameof(values));
        if (sorted.Any(double.IsNaN)) throw new ArgumentException("the values include NaN", nameof(values));
        if (!(q >= 0 && q <= 100)) throw new ArgumentOutOfRangeException(nameof(q), q, "a percentile lies in [0, 100]");
        Array.Sort(sorted);
        // numpy: quantile = q / 100; virtual index = (n − 1)·quantile; neighbours clipped to the last position.
        double quantile = q / 100.0;
        double virtualIndex = (sorted.Length - 1) * quantile;
        int previous = Math.Clamp((int)Math.Floor(virtualIndex), 0, sorted.Length - 1);
        int next = Math.Min(previous + 1, sorted.Length - 1);
        double gamma = virtualIndex - previous;
        return Lerp(sorted[previous], sorted[next], gamma);
    }

    /// <summary>The percentile of float32 values (per-sample errors), computed in double as numpy computes float64.</summary>
    public static double Of(IEnumerable<float> values, double q) => Of(values.Select(v => (double)v), q);

    /// <summary>
    /// numpy's _lerp: a + (b − a)·t, but b − (b − a)·(1 − t) when t ≥ 0.5, which is exact at t = 1 and keeps the result
    /// monotonic in t.
    /// </summary>
    internal static double Lerp(double a, double b, double t)
    {
        double difference = b - a;
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
    }
}
