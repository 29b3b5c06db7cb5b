using System.Globalization;

namespace Bottleneck.Applications.Report;

/// <summary>
/// One measured number of a claim: its value (the mean over <paramref name="Seeds"/> seeds when there are several, with
/// their standard deviation), its unit, and how many decimals the page shows.
/// </summary>
/// <param name="Name">What was measured ("test MSE, mean per pixel").</param>
/// <param name="Value">The value; a mean over the seeds when <paramref name="Seeds"/> is above 1.</param>
/// <param name="Unit">The unit ("parameters", "%", "nats per image", "" for a pure number).</param>
/// <param name="Digits">Decimals shown on the page; report.json keeps the full value.</param>
/// <param name="StandardDeviation">The sample standard deviation over the seeds (n − 1), or null for one seed.</param>
/// <param name="Seeds">How many seeds the value is the mean of.</param>
internal sealed record Measurement(string Name, double Value, string Unit, int Digits, double? StandardDeviation = null, int Seeds = 1)
{
    /// <summary>The value as the page shows it: <see cref="Digits"/> decimals, thousands separated, invariant culture.</summary>
    public string ValueText => Format(Value, Digits);

    /// <summary>The standard deviation as the page shows it, or null.</summary>
    public string? StandardDeviationText => StandardDeviation is double sd ? Format(sd, Digits) : null;

    /// <summary>The value with its spread and unit, for text: "0.938 ± 0.004 (3 seeds)", "50,992 parameters".</summary>
    public string Text => (StandardDeviationText is { } sd ? $"{ValueText} ± {sd}" : ValueText)
                          + (Unit.Length == 0 ? "" : Unit == "%" ? " %" : $" {Unit}")
                          + (Seeds > 1 ? $" ({Seeds} seeds)" : "");

    /// <summary>Mean and sample standard deviation of per-seed values.</summary>
    public static Measurement OverSeeds(string name, IReadOnlyList<double> values, string unit, int digits)
    {
        if (values.Count == 0) throw new ArgumentException("no values to average", nameof(values));
        double mean = values.Average();
        double? sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : null;
        return new Measurement(name, mean, unit, digits, sd, values.Count);
    }

    /// <summary>Formats <paramref name="value"/> with <paramref name="digits"/> decimals and thousands separators ("N" format, invariant).</summary>
    public static string Format(double value, int digits) => value.ToString("N" + digits, CultureInfo.InvariantCulture);
}
