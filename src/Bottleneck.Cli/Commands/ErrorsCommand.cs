using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck errors`: the per-sample reconstruction error histogram and the mean error of each class (§7.3, §10.1).</summary>
public static class ErrorsCommand
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
        var threads = SharedOptions.Threads();
        var command = new Command("errors", """
            Measure every sample's reconstruction error (MSE per pixel by default) and show its distribution: the
            chapter's histogram (50 bins) with the mean, median and 95th percentile marked, and a breakdown by class
            (count, mean, std, median, 95th percentile, max for each label) as a table, a bar chart and CSV files.
            Which classes does the model find hard, and how heavy is the tail?

            Examples:
              bottleneck errors --model runs/basic --data mnist --out errors-basic
              bottleneck errors --model runs/deep --data fashion-mnist --error bce --out errors-fashion
            """) { model, error, bins, output, json, threads };
        selection.AddTo(command);
        command.SetAction(CommandRunner.Guard("errors", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            var kind = SampleErrors.Parse(parsed.GetValue(error)!);
            int binCount = parsed.GetValue(bins);
            if (binCount < 1) throw new BadInputException($"--bins: expected at least 1, got {binCount}");
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var m = trained.Model;
            var raw = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            DataFit.CheckValues(raw, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            using var data = trained.Prepare(raw);   // as the model was trained: the folder's scaler, its training range

            var errors = SampleErrors.Measure(m, data, kind);
            var summary = ErrorSummary.Of(errors);
            var classes = data.Labels is { } labels ? ClassBreakdown.Of(errors, labels, data.ClassNames) : null;
            string name = SampleErrors.Short(kind), unit = SampleErrors.Unit(kind);
            string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

            var outDirectory = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outDirectory);
            var histogram = Path.Combine(outDirectory, "errors.png");
            HistogramPlot.SavePng(histogram, $"{m.Spec.Name} on {data.Name}: reconstruction error of {data.Count:N0} samples",
                $"Reconstruction error: {name} per pixel, mean over each sample's {data.SampleSize:N0} values",
                [($"{data.Count:N0} samples ({binCount} bins)", errors)], binCount,
                markers: [($"Mean = {F(summary.Mean)}", summary.Mean), ($"Median = {F(summary.Median)}", summary.Median), ($"95th percentile = {F(summary.P95)}", summary.P95)]);
            var written = new List<string> { "errors.png" };
            if (classes is not null)
            {
                ClassErrorPlot.SavePng(Path.Combine(outDirectory, "errors-by-class.png"), $"{m.Spec.Name} on {data.Name}: mean reconstruction error by class",
                    $"Mean {name} per pixel", classes, summary.Mean);
                written.Add("errors-by-class.png");
                WriteClasses(Path.Combine(outDirectory, "classes.csv"), classes, name.ToLowerInvariant());
                written.Add("classes.csv");
            }
            WriteSamples(Path.Combine(outDirectory, "errors.csv"), errors, data.Labels, data.ClassNames, name.ToLowerInvariant());
            written.Add("errors.csv");
            var report = Json(m.Spec.Name, data.Name, kind, summary, classes);
            AtomicFile.WriteAllText(Path.Combine(outDirectory, "errors.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            written.Add("errors.json");

            if (parsed.GetValue(json))
            {
                report["files"] = new JsonArray(written.Select(w => (JsonNode)Path.Combine(outDirectory, w)).ToArray());
                Console.WriteLine(report.ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(data.Name)}: {Markup.Escape(unit)}")
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
        }));
        return command;
    }

    static JsonObject Summary(ErrorSummary s) => new()
    {
        ["count"] = s.Count, ["mean"] = s.Mean, ["std"] = s.Std, ["median"] = s.Median, ["p95"] = s.P95, ["min"] = s.Min, ["max"] = s.Max,
    };

    static JsonObject Json(string model, string data, Objectives.LossKind kind, ErrorSummary summary, IReadOnlyList<ClassErrors>? classes) => new()
    {
        ["model"] = model,
        ["data"] = data,
        ["error"] = kind.ToString().ToLowerInvariant(),
        ["unit"] = SampleErrors.Unit(kind) + "; std with ddof = 0; percentiles interpolated linearly as numpy's",
        ["all"] = Summary(summary),
        ["classes"] = classes is null ? null : new JsonArray(classes.Select(c =>
        {
            var row = Summary(c.Summary);
            row["label"] = c.Label;
            row["class"] = c.Name;
            return (JsonNode)row;
        }).ToArray()),
    };

    static void WriteSamples(string path, double[] errors, int[]? labels, IReadOnlyList<string>? names, string error)
    {
        var text = new StringBuilder($"index,label,class,{error}\n");
        for (int i = 0; i < errors.Length; i++)
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(labels?[i].ToString(CultureInfo.InvariantCulture) ?? "").Append(',')
                .Append(labels is null ? "" : WorstCommand.Csv(ClassBreakdown.ClassName(labels[i], names))).Append(',')
                .Append(errors[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    static void WriteClasses(string path, IReadOnlyList<ClassErrors> classes, string error)
    {
        var text = new StringBuilder($"label,class,count,mean_{error},std,median,p95,max\n");
        foreach (var c in classes)
        {
            var s = c.Summary;
            text.Append(c.Label.ToString(CultureInfo.InvariantCulture)).Append(',').Append(WorstCommand.Csv(c.Name)).Append(',')
                .Append(string.Join(',', new[] { s.Mean, s.Std, s.Median, s.P95, s.Max }.Select(v => v.ToString("R", CultureInfo.InvariantCulture))
                    .Prepend(s.Count.ToString(CultureInfo.InvariantCulture)))).Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
