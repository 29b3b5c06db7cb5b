using System.Text.Json.Nodes;
using Bottleneck.Applications.Inspection;
using Bottleneck.Training;
using Xunit;

namespace Bottleneck.Tests.Applications;

/// <summary>The learning-rate sweep's folder, its report's keys, and when it warns that the suggestion may mislead.</summary>
public class LearningRateSweepTests
{
    static LearningRateFinderResult Result(double[] smoothed, bool diverged)
    {
        var rates = Enumerable.Range(0, smoothed.Length).Select(i => Math.Pow(10, -5 + i)).ToArray();
        int minimum = Array.IndexOf(smoothed, smoothed.Min());
        return new LearningRateFinderResult(rates, smoothed, smoothed, minimum, LearningRateFinder.Steepest(rates, smoothed, minimum), diverged);
    }

    [Fact]
    public void A_curve_that_never_fell_a_flat_curve_and_a_narrow_range_are_each_warned_of()
    {
        Assert.StartsWith("The smoothed loss never fell", Result([1.0, 1.1, 1.2, 5, 9], true).Warning(5));
        // 1.0 → 0.99: a 1.0 % fall, under the 2 % that tells a slope from noise.
        Assert.StartsWith("The smoothed loss fell by only 1.0%", Result([1.0, 0.999, 0.995, 0.99, 1.5], true).Warning(5));
        Assert.StartsWith("The loss had not exploded by `max_learning_rate`", Result([1.0, 0.8, 0.5, 0.3, 0.2], false).Warning(5));
        Assert.Null(Result([1.0, 0.8, 0.5, 0.3, 2.0], true).Warning(5));
    }

    [Fact]
    public void The_folder_holds_the_plot_and_the_csv_and_the_report_keeps_its_keys()
    {
        using var folder = new TempFolder();
        var finder = new LearningRateFinder { Steps = 5 };
        var result = Result([1.0, 0.8, 0.5, 0.3, 0.2], false);
        var sweep = LearningRateSweep.Write(folder["lr"], "basic", "mnist", finder, result);
        Assert.True(File.Exists(folder["lr/lr-find.png"]));
        Assert.Equal(result.ToCsv(), File.ReadAllText(folder["lr/lr-find.csv"]));
        var json = sweep.ToJson();
        // As `bottleneck lr-find --json` printed them before the command was thinned.
        Assert.Equal(["model", "data", "suggested_lr", "rule", "lowest_loss_lr", "lowest_smoothed_loss", "first_smoothed_loss", "loss", "loss_unit",
            "optimizer", "min_lr", "max_lr", "steps", "steps_run", "last_lr", "diverged", "batch_size", "smoothing_window", "seed", "plot", "csv",
            "warning"], json.Select(p => p.Key));
        Assert.Equal(result.Suggested, (double)json["suggested_lr"]!);
        Assert.Equal("bce (mean per element)", sweep.LossName);
        Assert.False(new LearningRateSweep("m", "d", finder, Result([1.0, 0.8, 0.5, 0.3, 2.0], true), "p", "c").ToJson().ContainsKey("warning"));
    }
}
