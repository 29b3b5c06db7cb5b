using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Analysis;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck evaluate`: a trained model's reconstruction BCE, MSE, MAE and PSNR on a dataset.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var json = SharedOptions.Json();
        var threads = SharedOptions.Threads();
        var command = new Command("evaluate", """
            Measure how well a trained model reconstructs a dataset: BCE, MSE and MAE as means per pixel, and PSNR in dB,
            plus the model family's own figures (a VAE's ELBO and importance-weighted NLL in nats per image, ...).

            Example:
              bottleneck evaluate --model runs/basic --data mnist --json
            """) { model, json, threads };
        selection.AddTo(command);
        command.SetAction(CommandRunner.Guard("evaluate", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            using var m = ModelSource.Trained(parsed.GetRequiredValue(model));
            var data = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            DataFit.Check(m, data);
            TrainingJob.CheckData(data, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            var r = ReconstructionMetrics.Evaluate(m, data);
            // The family's own figures (a VAE's ELBO and IW-NLL, a VQ-VAE's perplexity), as training reports them.
            var figures = m.EvaluationFigures(data);
            if (parsed.GetValue(json))
            {
                var result = new JsonObject
                {
                    ["bce"] = r.Bce, ["mse"] = r.Mse, ["mae"] = r.Mae, ["psnr"] = r.Psnr, ["samples"] = r.Samples,
                    ["data"] = data.Name, ["model"] = m.Spec.Name,
                };
                foreach (var (name, value) in figures) result[name] = value;
                if (figures.Count > 0) result["units"] = new JsonObject(m.FigureUnits.Select(u => KeyValuePair.Create(u.Key, (JsonNode?)u.Value)));
                Console.WriteLine(result.ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("data", Markup.Escape(data.Name));
            table.AddRow("samples", r.Samples.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("BCE (mean per pixel)", r.Bce.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("MSE (mean per pixel)", r.Mse.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("MAE (mean per pixel)", r.Mae.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("PSNR", r.Psnr.ToString("F2", CultureInfo.InvariantCulture) + " dB");
            foreach (var (name, value) in figures)
            {
                var unit = m.FigureUnits.TryGetValue(name, out var u) ? $" ({u.Split(':')[0]})" : "";
                table.AddRow(Markup.Escape(name + unit), value.ToString("G6", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return CommandRunner.Success;
        }));
        return command;
    }
}
