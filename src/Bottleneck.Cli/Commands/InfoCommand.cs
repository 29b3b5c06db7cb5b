using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck info`: a model's layers, output shapes and parameter counts, like Keras's summary().</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A preset, a spec .json file or a trained model folder");
        var inputSize = new Option<int?>("--input-size") { Description = "Input size for a preset or spec without one (default 784, MNIST)" };
        var json = SharedOptions.Json();
        var command = new Command("info", """
            Show a model's layers with output shapes and parameter counts (trainable and not), like Keras's summary().
            Works on presets and spec files without training.

            Example:
              bottleneck info --model deep-bn
              bottleneck info --model runs/basic --json
            """) { model, inputSize, json };
        command.SetAction(CommandRunner.Guard("info", parsed =>
        {
            var argument = parsed.GetRequiredValue(model);
            Autoencoder built;
            if (ModelSource.IsTrainedFolder(argument)) built = ModelFolder.Load(argument);
            else
            {
                var size = parsed.GetValue(inputSize) ?? 784;
                if (size < 1) throw new BadInputException($"--input-size: expected a positive size, got {size}");
                built = ModelFactory.Create(ModelSource.Spec(argument).WithInputShape([size]), argument);
            }
            using var m = built;
            var rows = ModelSummary.Of(m);
            long trainable = m.TrainableParameterCount, frozen = m.NonTrainableParameterCount;
            long inputValues = m.InputShape.Aggregate(1L, (a, b) => a * b), codeValues = m.CodeShape.Aggregate(1L, (a, b) => a * b);
            string? warning = codeValues >= inputValues
                ? $"the code has {codeValues:N0} values for {inputValues:N0} inputs: this model is not undercomplete, so nothing but regularisation stops it from learning the identity (§3.2)"
                : null;
            if (parsed.GetValue(json))
            {
                var layers = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name, ["type"] = r.Type,
                    ["output_shape"] = new JsonArray(r.OutputShape.Select(d => (JsonNode)d).ToArray()),
                    ["params"] = r.Params, ["trainable_params"] = r.TrainableParams, ["non_trainable_params"] = r.NonTrainableParams,
                    ["bottleneck"] = r.IsBottleneck,
                }).ToArray());
                var result = new JsonObject
                {
                    ["model"] = m.Spec.Name, ["family"] = m.Spec.Family,
                    ["params"] = trainable + frozen, ["trainable_params"] = trainable, ["non_trainable_params"] = frozen,
                    ["input_shape"] = new JsonArray(m.InputShape.Select(d => (JsonNode)d).ToArray()),
                    ["code_shape"] = new JsonArray(m.CodeShape.Select(d => (JsonNode)d).ToArray()),
                    ["compression_ratio"] = (double)inputValues / codeValues,
                    ["layers"] = layers,
                };
                if (warning is not null) result["warning"] = warning;
                Console.WriteLine(result.ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Simple).Title($"{Markup.Escape(m.Spec.Name)} ({m.Spec.Family})")
                .AddColumn("layer").AddColumn("type").AddColumn("output shape")
                .AddColumn(new TableColumn("params").RightAligned()).AddColumn(new TableColumn("of which non-trainable").RightAligned());
            foreach (var r in rows)
                table.AddRow(r.IsBottleneck ? $"[bold]{r.Name}[/] (bottleneck)" : r.Name, Markup.Escape(r.Type),
                    $"({string.Join(", ", r.OutputShape)})", r.Params.ToString("N0", CultureInfo.InvariantCulture),
                    r.NonTrainableParams.ToString("N0", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine($"Total params: {trainable + frozen:N0}");
            AnsiConsole.WriteLine($"Trainable params: {trainable:N0}");
            AnsiConsole.WriteLine($"Non-trainable params: {frozen:N0}");
            AnsiConsole.WriteLine($"Code: {codeValues:N0} values for {inputValues:N0} inputs (compression {(double)inputValues / codeValues:0.##}×)");
            if (warning is not null) AnsiConsole.MarkupLine($"[yellow]Warning: {Markup.Escape(warning)}[/]");
            return CommandRunner.Success;
        }));
        return command;
    }
}
