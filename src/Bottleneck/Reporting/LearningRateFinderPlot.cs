using Bottleneck.Training;
using ScottPlot;

namespace Bottleneck.Reporting;

/// <summary>
/// The learning-rate range test's picture (chapter §7.2, "plot loss vs learning rate, log x-axis"): the loss of each
/// batch, its smoothed curve, the lowest point of that curve and the suggested rate (where the curve falls steepest).
/// </summary>
internal static class LearningRateFinderPlot
{
    private static readonly Color rawColor = new("#9aa5b1");
    private static readonly Color smoothColor = new("#1f77b4");
    private static readonly Color minimumColor = new("#ff7f0e");
    private static readonly Color suggestionColor = new("#d62728");

    /// <summary>Draws <paramref name="result"/> and writes a PNG to <paramref name="path"/> atomically.</summary>
    public static void SavePng(string path, LearningRateFinderResult result, string lossName, string title, int width = 1000, int height = 600)
    {
        var plot = PlotFigure.Create(title, "Learning rate (log scale)", lossName);
        var steps = Enumerable.Range(0, result.StepsRun).ToArray();
        var raw = steps.Where(i => double.IsFinite(result.Losses[i])).ToArray();
        var smooth = steps.Where(i => double.IsFinite(result.SmoothedLosses[i])).ToArray();

        var batches = plot.Add.Scatter(raw.Select(i => Math.Log10(result.LearningRates[i])).ToArray(), raw.Select(i => result.Losses[i]).ToArray(), rawColor);
        batches.LegendText = "Loss of each batch";
        batches.LineWidth = 1;
        batches.MarkerSize = 0;
        var curve = plot.Add.Scatter(smooth.Select(i => Math.Log10(result.LearningRates[i])).ToArray(), smooth.Select(i => result.SmoothedLosses[i]).ToArray(), smoothColor);
        curve.LegendText = "Smoothed loss";
        curve.LineWidth = 2.5f;
        curve.MarkerSize = 0;

        var minimum = plot.Add.Marker(Math.Log10(result.MinimumLearningRate), result.SmoothedLosses[result.MinimumIndex], MarkerShape.OpenCircle, 14, minimumColor);
        minimum.MarkerLineWidth = 2.5f;
        minimum.LegendText = $"Lowest smoothed loss at {Rate(result.MinimumLearningRate)}";
        var line = plot.Add.VerticalLine(Math.Log10(result.Suggested), 2, suggestionColor, LinePattern.Dashed);
        line.LegendText = $"Suggested {Rate(result.Suggested)} (steepest descent)";
        var steepest = plot.Add.Marker(Math.Log10(result.Suggested), result.SmoothedLosses[result.SteepestIndex], MarkerShape.FilledCircle, 10, suggestionColor);
        steepest.LegendText = "";

        // The y-axis spans the smoothed curve up to its minimum, with room above: the explosion that ends the sweep
        // runs off the top instead of flattening the part of the curve that matters.
        LogAxis.Configure(plot.Axes.Bottom, result.LearningRates.Min(), result.LearningRates.Max());
        var descent = smooth.Where(i => i <= result.MinimumIndex).Select(i => result.SmoothedLosses[i]).ToArray();
        var low = descent.Min();
        var high = descent.Max();
        var span = Math.Max(high - low, Math.Abs(high) * 1e-3 + 1e-12);
        plot.Axes.SetLimitsY(low - 0.1 * span, high + 0.3 * span);
        plot.Legend.Alignment = Alignment.UpperLeft;
        PlotFigure.Save(plot, path, width, height);
    }

    // Two significant digits, as plain digits from 0.0001 to 9,999 and as a power of ten beyond (1×10³, not 1E+03).
    private static string Rate(double rate)
    {
        var (mantissa, exponent) = LogAxis.ThreeDigits(rate);
        mantissa = Math.Round(mantissa, 1);
        if (mantissa >= 10) (mantissa, exponent) = (1, exponent + 1);
        return LogAxis.Format(mantissa, exponent, plain: exponent is >= -4 and <= 3);
    }
}
