using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Inspection;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck errors`: the per-sample reconstruction error histogram and the mean error of each class (§7.3, §10.1).</summary>
internal static class ErrorsCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var error = new Option<string>("--error") { Description = "Per-sample error: mse (the chapter's), bce or mae, each a mean over the sample's pixels", DefaultValueFactory = _ => "mse" };
        var bins = new Option<int>("--bins") { Description = "Histogram bins (the chapter: 50)", DefaultValueFactory = _ => 50 };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Output folder: errors.png (histogram), errors-by-class.png, errors.csv (index, label, class, error), classes.csv, errors.json",
            DefaultValueFactory = _ => "errors",
        };
        var json = SharedOptions.Json();
        var command = new Command("errors", """
            Measure every sample's reconstruction error (MSE per pixel by default) and show its distribution: the
            chapter's histogram (50 bins) with the mean, median and 95th percentile marked, and a breakdown by class
            (count, mean, std, median, 95th percentile, max for each label) as a table, a bar chart and CSV files.
            Which classes does the model find hard, and how heavy is the tail?

            Examples:
              bottleneck errors --model runs/basic --data mnist --out errors-basic
              bottleneck errors --model runs/deep --data fashion-mnist --error bce --out errors-fashion
            """) { model, error, bins, output, json };
        selection.AddTo(command);
        CommandAction.Set(command, "errors", parsed =>
        {
            var kind = SampleErrors.Parse(parsed.GetValue(error)!);
            int binCount = parsed.GetValue(bins);
            if (binCount < 1) throw new BadInputException($"--bins: expected at least 1, got {binCount}");
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var raw = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            DataFit.CheckValues(raw, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            using var data = trained.Prepare(raw);   // as the model was trained: the folder's scaler, its training range

            var outDirectory = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outDirectory);
            var report = ReconstructionErrorReport.Measure(trained.Model, data, kind);
            var written = ReconstructionErrorFolder.Write(outDirectory, report, binCount);
            var (summary, classes) = (report.All, report.Classes);
            string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

            if (parsed.GetValue(json))
            {
                var printed = ReconstructionErrorFolder.Json(report);
                printed["files"] = new JsonArray(written.Select(w => (JsonNode)Path.Combine(outDirectory, w)).ToArray());
                Console.WriteLine(printed.ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(data.Name)}: {Markup.Escape(SampleErrors.Unit(kind))}")
                .AddColumn("class").AddColumn(new TableColumn("samples").RightAligned());
            foreach (var c in new[] { "mean", "std", "median", "95th pct", "max" }) table.AddColumn(new TableColumn(c).RightAligned());
            void Row(string label, ErrorSummary s) => table.AddRow(Markup.Escape(label), s.Count.ToString("N0", CultureInfo.InvariantCulture),
                F(s.Mean), F(s.Std), F(s.Median), F(s.P95), F(s.Max));
            foreach (var c in classes ?? []) Row(c.Name == c.Label.ToString(CultureInfo.InvariantCulture) ? c.Name : $"{c.Label} {c.Name}", c.Summary);
            Row("all", summary);
            AnsiConsole.Write(table);
            if (classes is { Count: > 1 })
            {
                var hardest = classes.MaxBy(c => c.Summary.Mean)!;
                var easiest = classes.MinBy(c => c.Summary.Mean)!;
                Console.WriteLine($"hardest class: {hardest.Name} (mean {F(hardest.Summary.Mean)}, {hardest.Summary.Mean / summary.Mean:F2}× the overall mean); " +
                                  $"easiest: {easiest.Name} (mean {F(easiest.Summary.Mean)}, {easiest.Summary.Mean / summary.Mean:F2}×)");
            }
            Console.WriteLine($"wrote {string.Join(", ", written)} to {Path.GetFullPath(outDirectory)}");
            return CommandRunner.Success;
        });
        return command;
    }
}
