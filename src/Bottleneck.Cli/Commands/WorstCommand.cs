using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck worst`: the samples a model reconstructs worst (and best), as a picture and a CSV (Problem 6, §12.6).</summary>
internal static class WorstCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var count = new Option<int>("--count", "-n") { Description = "Number of samples to show", DefaultValueFactory = _ => 16 };
        var best = new Option<bool>("--best") { Description = "Also show the N best reconstructions, for contrast" };
        var error = new Option<string>("--error") { Description = "Per-sample error: mse (the chapter's), bce or mae, each a mean over the sample's pixels", DefaultValueFactory = _ => "mse" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: worst.png and worst.csv (rank, kind, index, label, error)", DefaultValueFactory = _ => "worst" };
        var json = SharedOptions.Json();
        var command = new Command("worst", """
            Find the samples with the largest reconstruction error (the chapter's Problem 6: per-sample MSE, the N
            largest, largest first) and draw each input above its reconstruction, captioned with its index, its label
            and its error; --best adds the N smallest errors below for contrast. The indices and errors go to a CSV.

            Examples:
              bottleneck worst --model runs/basic --data mnist --count 16 --out worst-basic
              bottleneck worst --model runs/deep --data fashion-mnist --best --error bce --out worst-deep
            """) { model, count, best, error, output, json };
        selection.AddTo(command);
        CommandAction.Set(command, "worst", parsed =>
        {
            int n = parsed.GetValue(count);
            if (n < 1) throw new BadInputException($"--count: expected at least 1, got {n}");
            var kind = SampleErrors.Parse(parsed.GetValue(error)!);
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var m = trained.Model;
            var raw = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            DataFit.CheckValues(raw, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            using var data = trained.Prepare(raw);   // as the model was trained: the folder's scaler, its training range
            var shape = ImageShape.Of(data.SampleShape) ?? throw new BadInputException($"{data.Name}: samples of shape [{string.Join(", ", data.SampleShape)}] are not images");
            var drawn = FigureCount.Capped("worst", n, data.Count);   // the picture's share; worst.csv lists all n
            n = Math.Min(n, data.Count);

            var errors = SampleErrors.Measure(m, data, kind);
            var groups = new List<(string Name, int[] Indices, double[] Errors)>();
            var worst = SampleErrors.Worst(errors, n);
            groups.Add(("Worst", worst, worst.Select(i => errors[i]).ToArray()));
            if (parsed.GetValue(best))
            {
                var bestIndices = SampleErrors.Best(errors, n);
                groups.Add(("Best", bestIndices, bestIndices.Select(i => errors[i]).ToArray()));
            }

            var outDirectory = parsed.GetValue(output)!;
            OutputPath.CheckFolder(outDirectory);
            var picture = Path.Combine(outDirectory, "worst.png");
            var csv = Path.Combine(outDirectory, "worst.csv");
            var summary = ErrorSummary.Of(errors);
            string name = SampleErrors.Short(kind);
            string title = $"{m.Spec.Name} on {data.Name}: the {drawn} worst" + (groups.Count > 1 ? $" and {drawn} best" : "") + $" reconstructions of {data.Count:N0}";
            string subtitle = FormattableString.Invariant($"Error: {SampleErrors.Unit(kind)}. Over all samples: mean {summary.Mean:F4}, median {summary.Median:F4}, 95th percentile {summary.P95:F4}");
            ReconstructionGrid.SaveSelected(picture, m, data, shape, title,
                groups.Select(g => (g.Name, g.Indices[..drawn], g.Errors[..drawn])).ToArray(), name, subtitle);
            WriteCsv(csv, groups, data.Labels, data.ClassNames, name.ToLowerInvariant());

            if (parsed.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["model"] = m.Spec.Name, ["data"] = data.Name, ["samples"] = data.Count, ["error"] = name.ToLowerInvariant(),
                    ["unit"] = SampleErrors.Unit(kind),
                    ["mean"] = summary.Mean, ["median"] = summary.Median, ["p95"] = summary.P95,
                    ["worst"] = Rows(groups[0], data.Labels), ["best"] = groups.Count > 1 ? Rows(groups[1], data.Labels) : null,
                    ["picture"] = picture, ["csv"] = csv,
                }.ToJsonString());
                return CommandRunner.Success;
            }
            foreach (var g in groups)
            {
                var table = new Table().Border(TableBorder.Rounded).Title($"{g.Name} {n} ({name} per pixel)")
                    .AddColumn(new TableColumn("rank").RightAligned()).AddColumn(new TableColumn("index").RightAligned())
                    .AddColumn("label").AddColumn(new TableColumn(name).RightAligned());
                for (int r = 0; r < g.Indices.Length; r++)
                    table.AddRow((r + 1).ToString(CultureInfo.InvariantCulture), g.Indices[r].ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(Label(data.Labels, data.ClassNames, g.Indices[r])), g.Errors[r].ToString("F4", CultureInfo.InvariantCulture));
                AnsiConsole.Write(table);
            }
            Console.WriteLine(FormattableString.Invariant($"all {data.Count:N0} samples: mean {name} {summary.Mean:F4}, median {summary.Median:F4}, 95th percentile {summary.P95:F4}"));
            Console.WriteLine($"wrote {picture} and {csv}");
            return CommandRunner.Success;
        });
        return command;
    }

    static string Label(int[]? labels, IReadOnlyList<string>? names, int index) =>
        labels is null ? "" : ClassBreakdown.ClassName(labels[index], names);

    static JsonArray Rows((string Name, int[] Indices, double[] Errors) group, int[]? labels) =>
        new(group.Indices.Select((index, r) => (JsonNode)new JsonObject
        {
            ["rank"] = r + 1, ["index"] = index, ["label"] = labels?[index], ["error"] = group.Errors[r],
        }).ToArray());

    static void WriteCsv(string path, IReadOnlyList<(string Name, int[] Indices, double[] Errors)> groups, int[]? labels, IReadOnlyList<string>? names, string error)
    {
        var text = new StringBuilder($"rank,kind,index,label,class,{error}\n");
        foreach (var (kind, indices, errors) in groups)
            for (int r = 0; r < indices.Length; r++)
                text.Append(FormattableString.Invariant($"{r + 1},{kind.ToLowerInvariant()},{indices[r]},{labels?[indices[r]].ToString(CultureInfo.InvariantCulture) ?? ""},"))
                    .Append(CsvField.Quote(Label(labels, names, indices[r]))).Append(',').Append(errors[r].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
