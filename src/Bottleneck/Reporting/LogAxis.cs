using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Bottleneck.Reporting;

/// <summary>
/// Makes a ScottPlot axis read as logarithmic. ScottPlot 5 has no log axis: the data are plotted as log10 values,
/// and this class fixes the axis limits and labels the ticks with the original values.
/// </summary>
internal static class LogAxis
{
    private static readonly int[] allMantissas = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    // Labels for 10⁻⁴ up to 10⁴ are short enough as plain digits (0.0001, 10000); beyond that, powers of ten.
    private const int PlainLow = -4;
    private const int PlainHigh = 4;

    /// <summary>Shows <paramref name="minValue"/>..<paramref name="maxValue"/> (data units, both positive) on <paramref name="axis"/>, whose coordinates are log10 of the data.</summary>
    internal static void Configure(IAxis axis, double minValue, double maxValue)
    {
        var (low, high) = Limits(minValue, maxValue);
        axis.Min = low;
        axis.Max = high;
        axis.TickGenerator = Ticks(low, high);
    }

    /// <summary>
    /// Like <see cref="Configure"/>, but when there are only a few well-separated distinct values (a step schedule's
    /// learning rates, say) those values themselves are the labelled ticks, since they are the numbers a reader wants.
    /// </summary>
    internal static void ConfigureForValues(IAxis axis, IReadOnlyCollection<double> values)
    {
        var (low, high) = Limits(values.Min(), values.Max());
        // Values that would print alike count as one; the rest need room between them for their labels.
        var distinct = values.Select(v => (Position: Math.Log10(v), Digits: ThreeDigits(v)))
            .DistinctBy(v => v.Digits).OrderBy(v => v.Position).ToList();
        var separated = distinct.Zip(distinct.Skip(1)).All(p => p.Second.Position - p.First.Position >= (high - low) / 12);
        if (distinct.Count > 6 || !separated)
        {
            Configure(axis, values.Min(), values.Max());
            return;
        }
        var plain = distinct.All(v => v.Digits.Exponent is >= PlainLow and <= PlainHigh);
        var ticks = new NumericManual();
        foreach (var (position, (mantissa, exponent)) in distinct)
            ticks.AddMajor(position, Format(mantissa, exponent, plain));
        axis.Min = low;
        axis.Max = high;
        axis.TickGenerator = ticks;
    }

    /// <summary>log10 limits around the data with a little padding, and at least a tenth of a decade wide.</summary>
    internal static (double Low, double High) Limits(double minValue, double maxValue)
    {
        var low = Math.Log10(minValue);
        var high = Math.Log10(maxValue);
        var padding = Math.Max((high - low) * 0.05, 0.05);
        return (low - padding, high + padding);
    }

    /// <summary>
    /// Ticks at 1, 2, ..., 9 times powers of ten between <paramref name="low"/> and <paramref name="high"/> (log10
    /// units). Which of them get labels depends on the span: decades when it is wide, 1-2-5 when it is about a
    /// decade, every one when it is narrower, so a short span still shows several labelled values.
    /// </summary>
    internal static NumericManual Ticks(double low, double high)
    {
        var span = high - low;
        int[] labelled = span >= 2 ? [1] : span >= 0.8 ? [1, 2, 5] : allMantissas;
        // Over many decades, label every n-th one and mark the others only, so the labels do not collide.
        var decadeStep = Math.Max(1, (int)Math.Ceiling(span / 8));
        var majors = new List<(double Position, int Mantissa, int Exponent)>();
        var ticks = new NumericManual();
        for (var exponent = (int)Math.Floor(low); exponent <= (int)Math.Ceiling(high); exponent++)
        {
            foreach (var mantissa in allMantissas)
            {
                var position = exponent + Math.Log10(mantissa);
                if (position < low || position > high)
                    continue;
                if (mantissa == 1 && exponent % decadeStep == 0 || mantissa != 1 && decadeStep == 1 && labelled.Contains(mantissa))
                    majors.Add((position, mantissa, exponent));
                else if (decadeStep == 1 || mantissa == 1)
                    ticks.AddMinor(position);
            }
        }
        // One notation per axis: a column mixing 0.001 with 9×10⁻⁴ is harder to compare than either alone.
        var plain = majors.All(m => m.Exponent is >= PlainLow and <= PlainHigh);
        foreach (var (position, mantissa, exponent) in majors)
            ticks.AddMajor(position, Format(mantissa, exponent, plain));
        return ticks;
    }

    /// <summary>A positive <paramref name="value"/> as mantissa (1 to 9.99, two decimals) and power of ten.</summary>
    internal static (double Mantissa, int Exponent) ThreeDigits(double value)
    {
        var exponent = (int)Math.Floor(Math.Log10(value));
        var mantissa = Math.Round(value / Math.Pow(10, exponent), 2);
        return mantissa >= 10 ? (1, exponent + 1) : (mantissa, exponent);
    }

    /// <summary><paramref name="mantissa"/> × 10^<paramref name="exponent"/> as plain digits (0.002, 500) or as a power of ten (10⁻⁵, 2.5×10⁻⁵).</summary>
    internal static string Format(double mantissa, int exponent, bool plain)
    {
        // decimal, so that 2.5 × 10⁻⁴ prints as 0.00025 and not with binary rounding noise.
        if (plain)
            return ((decimal)mantissa * (decimal)Math.Pow(10, exponent)).ToString("0.##########", CultureInfo.InvariantCulture);
        var power = "10" + Superscript(exponent);
        return mantissa == 1 ? power : $"{mantissa.ToString("0.##", CultureInfo.InvariantCulture)}×{power}";
    }

    private static string Superscript(int exponent) =>
        string.Concat(exponent.ToString(CultureInfo.InvariantCulture).Select(c => c switch
        {
            '-' => '⁻',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            _ => (char)('⁰' + (c - '0')),
        }));
}
