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
            Measure how well a trained model reconstructs a dataset: BCE, MSE and MAE as means per pixel, and PSNR in dB.

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
            if (parsed.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["bce"] = r.Bce, ["mse"] = r.Mse, ["mae"] = r.Mae, ["psnr"] = r.Psnr, ["samples"] = r.Samples,
                    ["data"] = data.Name, ["model"] = m.Spec.Name,
                }.ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("data", Markup.Escape(data.Name));
            table.AddRow("samples", r.Samples.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("BCE (mean per pixel)", r.Bce.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("MSE (mean per pixel)", r.Mse.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("MAE (mean per pixel)", r.Mae.ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("PSNR", r.Psnr.ToString("F2", CultureInfo.InvariantCulture) + " dB");
            AnsiConsole.Write(table);
            return CommandRunner.Success;
        }));
        return command;
    }
}
