using System.Text.Json.Nodes;
using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// A learning-rate range test written to its folder (lr-find.png, the loss against the rate on a log axis, and
/// lr-find.csv, step by step), and the report --json prints with the keys every earlier version printed.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="Data">The dataset's name.</param>
/// <param name="Finder">The sweep's settings.</param>
/// <param name="Result">What it measured.</param>
/// <param name="Plot">Path of lr-find.png.</param>
/// <param name="Csv">Path of lr-find.csv.</param>
internal sealed record LearningRateSweep(string Model, string Data, LearningRateFinder Finder, LearningRateFinderResult Result, string Plot, string Csv)
{
    /// <summary>File names in the output folder.</summary>
    public const string PlotFile = "lr-find.png", CsvFile = "lr-find.csv";

    /// <summary>"bce (mean per element)": the plot's axis and the table's row.</summary>
    public string LossName => $"{Finder.Loss.Name} (mean per element)";

    /// <summary>Why the suggestion may mislead, or null.</summary>
    public string? Warning => Result.Warning(Finder.Steps);

    /// <summary>Writes lr-find.png and lr-find.csv into <paramref name="folder"/> (created when missing), each atomically.</summary>
    public static LearningRateSweep Write(string folder, string model, string data, LearningRateFinder finder, LearningRateFinderResult result)
    {
        Directory.CreateDirectory(folder);
        var sweep = new LearningRateSweep(model, data, finder, result, Path.Combine(folder, PlotFile), Path.Combine(folder, CsvFile));
        LearningRateFinderPlot.SavePng(sweep.Plot, result, sweep.LossName, $"LR range test: {model} on {data}, {finder.Optimizer.ToString().ToLowerInvariant()}");
        result.SaveCsv(sweep.Csv);
        return sweep;
    }

    /// <summary>The report --json prints.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["model"] = Model,
            ["data"] = Data,
            ["suggested_lr"] = Result.Suggested,
            ["rule"] = "steepest descent of the smoothed loss per decade of learning rate, before its minimum",
            ["lowest_loss_lr"] = Result.MinimumLearningRate,
            ["lowest_smoothed_loss"] = Result.SmoothedLosses[Result.MinimumIndex],
            ["first_smoothed_loss"] = Result.SmoothedLosses[0],
            ["loss"] = Finder.Loss.Name,
            ["loss_unit"] = "mean per element",
            ["optimizer"] = Finder.Optimizer.ToString().ToLowerInvariant(),
            ["min_lr"] = Finder.MinLearningRate,
            ["max_lr"] = Finder.MaxLearningRate,
            ["steps"] = Finder.Steps,
            ["steps_run"] = Result.StepsRun,
            ["last_lr"] = Result.LearningRates[^1],
            ["diverged"] = Result.Diverged,
            ["batch_size"] = Finder.BatchSize,
            ["smoothing_window"] = Finder.SmoothingWindow,
            ["seed"] = Finder.Seed,
            ["plot"] = Plot,
            ["csv"] = Csv,
        };
        if (Warning is { } warning) json["warning"] = warning;
        return json;
    }
}
