using Bottleneck.Reporting;
using Xunit;

namespace Bottleneck.Tests.Reporting;

public class LogAxisTests
{
    [Theory]
    [InlineData(1, -3, true, "0.001")]
    [InlineData(2.5, -4, true, "0.00025")]
    [InlineData(5, 3, true, "5000")]
    [InlineData(1, -5, false, "10⁻⁵")]
    [InlineData(2, -12, false, "2×10⁻¹²")]
    [InlineData(1, 0, false, "10⁰")]
    public void Formats_plain_or_as_powers_of_ten(double mantissa, int exponent, bool plain, string expected) =>
        Assert.Equal(expected, LogAxis.Format(mantissa, exponent, plain));

    [Fact]
    public void Labels_decades_over_a_wide_span_in_one_notation()
    {
        var labels = MajorLabels(-5.1, 0.1);

        Assert.Equal(["10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"], labels);
    }

    [Fact]
    public void Labels_one_two_five_over_about_a_decade()
    {
        Assert.Equal(["0.001", "0.002", "0.005", "0.01"], MajorLabels(-3.05, -1.95));
    }

    [Fact]
    public void Labels_every_multiple_over_a_narrow_span()
    {
        Assert.Equal(["0.0004", "0.0005", "0.0006", "0.0007", "0.0008", "0.0009", "0.001"], MajorLabels(Math.Log10(3.5e-4), -2.98));
    }

    [Fact]
    public void Labels_only_some_decades_over_very_many()
    {
        var labels = MajorLabels(-20.5, 0.5);

        Assert.InRange(labels.Length, 4, 11);
        Assert.Contains("10⁰", labels);
    }

    [Fact]
    public void Rounds_values_to_three_significant_digits()
    {
        Assert.Equal((2.5, -4), LogAxis.ThreeDigits(2.5e-4));
        Assert.Equal((1.0, -2), LogAxis.ThreeDigits(0.009999));
        Assert.Equal((1.23, 5), LogAxis.ThreeDigits(123_456));
    }

    private static string[] MajorLabels(double low, double high)
    {
        var ticks = LogAxis.Ticks(low, high);
        using var paint = ScottPlot.Paint.NewDisposablePaint();
        ticks.Regenerate(new ScottPlot.CoordinateRange(low, high), ScottPlot.Edge.Left, new ScottPlot.PixelLength(400), paint, new ScottPlot.LabelStyle());
        return ticks.Ticks.Where(t => t.IsMajor).OrderBy(t => t.Position).Select(t => t.Label).ToArray();
    }
}
