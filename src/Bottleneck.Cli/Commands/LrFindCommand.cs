using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Inspection;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck lr-find`: the learning-rate range test of chapter §7.2, with a plot and a suggested rate.</summary>
internal static class LrFindCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data();
        var model = SharedOptions.Model("Model: a preset (basic, deep, deep-bn, viz2d), a spec .json file, or a trained model folder (its weights are left unchanged)");
        var minLr = new Option<double>("--min-lr") { Description = "First learning rate of the sweep", DefaultValueFactory = _ => 1e-7 };
        var maxLr = new Option<double>("--max-lr") { Description = "Last learning rate of the sweep", DefaultValueFactory = _ => 10.0 };
        var steps = new Option<int>("--steps") { Description = "Number of batches; the rate grows by the same factor at each", DefaultValueFactory = _ => 100 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, sgd or rmsprop (the rate suits the optimiser it was found with)", DefaultValueFactory = _ => "adam" };
        var momentum = new Option<double>("--momentum") { Description = "Momentum for sgd", DefaultValueFactory = _ => 0.0 };
        var loss = new Option<string>("--loss") { Description = "bce, mse, mae or huber (means per element)", DefaultValueFactory = _ => "bce" };
        var huberDelta = new Option<double>("--huber-delta") { Description = "δ of the Huber loss", DefaultValueFactory = _ => 1.0 };
        var smoothing = new Option<int>("--smoothing") { Description = "Width in batches of the centred moving average that smooths the loss (odd; 1 = raw)", DefaultValueFactory = _ => 9 };
        var stopFactor = new Option<double>("--stop-factor") { Description = "Stop once the smoothed loss exceeds this multiple of its lowest value", DefaultValueFactory = _ => 4.0 };
        var limit = SharedOptions.Limit("Sweep over the first N training samples only");
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder for lr-find.png and lr-find.csv (default: the model folder, or runs/<model name> for a preset or spec)" };
        var seed = SharedOptions.Seed();
        var threads = SharedOptions.Threads();
        var json = SharedOptions.Json();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();

        var command = new Command("lr-find", """
            Learning-rate range test (chapter §7.2; Smith 2017): train for --steps batches while the learning rate grows
            exponentially from --min-lr to --max-lr, stop when the running loss explodes (above --stop-factor times its
            lowest value), and suggest the rate at which the smoothed loss falls steepest. The chapter raises the rate
            once per epoch over 100 epochs; one step per batch draws the same curve in seconds. The model's weights are
            restored afterwards. Writes OUT/lr-find.png (loss against rate, log axis) and OUT/lr-find.csv.

            Examples:
              bottleneck lr-find --data mnist --model basic
              bottleneck lr-find --data mnist --model deep --optimizer sgd --momentum 0.9 --json
            """);
        foreach (var o in new Option[] { data, model, minLr, maxLr, steps, batchSize, optimizer, momentum, loss, huberDelta, smoothing,
                     stopFactor, limit, outDir, seed, threads, json, fashion, header, label })
            command.Options.Add(o);

        command.SetAction(CommandRunner.Guard("lr-find", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            var finder = new LearningRateFinder
            {
                MinLearningRate = parsed.GetValue(minLr),
                MaxLearningRate = parsed.GetValue(maxLr),
                Steps = parsed.GetValue(steps),
                BatchSize = parsed.GetValue(batchSize),
                Optimizer = Optimizers.Parse(parsed.GetValue(optimizer)!),
                Momentum = parsed.GetValue(momentum),
                Loss = ReconstructionLoss.Parse(parsed.GetValue(loss)!, parsed.GetValue(huberDelta)),
                SmoothingWindow = parsed.GetValue(smoothing),
                DivergenceFactor = parsed.GetValue(stopFactor),
                Seed = parsed.GetValue(seed),
            };
            finder.Validate();   // every option is checked before any data is read
            if (!(finder.Momentum >= 0 && finder.Momentum < 1))
                throw new BadInputException($"--momentum: expected a value in [0, 1), got {finder.Momentum}");
            if (parsed.GetValue(limit) is < 1) throw new BadInputException($"--limit: expected a positive number of samples, got {parsed.GetValue(limit)}");
            var modelArgument = parsed.GetRequiredValue(model);
            var spec = ModelSource.Spec(modelArgument);
            // A trained model's sweep goes beside it; a preset's or spec's where `train` would put the model.
            var output = parsed.GetValue(outDir) ?? (ModelSource.IsTrainedFolder(modelArgument) ? modelArgument : Path.Combine("runs", spec.Name));
            OutputPath.CheckFolder(output);

            using var loaded = DataSource.Load(parsed.GetRequiredValue(data), SharedOptions.DataOptions(parsed, fashion, header, label));
            var train = loaded.Train;
            using var limited = parsed.GetValue(limit) is int n && n < train.Count ? train.Slice(0, n) : null;
            train = limited ?? train;
            random.manual_seed(finder.Seed);
            // A trained model sweeps on the data as it was trained on it: the folder's scaler, its training range.
            using var trained = ModelSource.IsTrainedFolder(modelArgument) ? ModelSource.TrainedWithInput(modelArgument) : null;
            using var prepared = trained?.Prepare(train);
            train = prepared ?? train;
            using var fresh = trained is null ? ModelFactory.Create(spec.WithInputShape(train.SampleShape)) : null;
            var network = trained?.Model ?? fresh!;

            var result = Interruptible.Run(cancel => ConsoleProgress.Run(progress => finder.Run(network, train, progress, cancel)));
            var sweep = LearningRateSweep.Write(output, spec.Name, loaded.Name, finder, result);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(sweep.ToJson().ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("suggested learning rate", Markup.Escape(G(result.Suggested) + " (steepest descent)"));
            table.AddRow("lowest smoothed loss", Markup.Escape($"{result.SmoothedLosses[result.MinimumIndex].ToString("F5", CultureInfo.InvariantCulture)} at lr {G(result.MinimumLearningRate)}"));
            table.AddRow($"{Markup.Escape(sweep.LossName)} at first step", result.SmoothedLosses[0].ToString("F5", CultureInfo.InvariantCulture));
            table.AddRow("steps run", $"{result.StepsRun} of {finder.Steps} (last lr {G(result.LearningRates[^1])}{(result.Diverged ? ", loss exploded" : "")})");
            table.AddRow("written to", Markup.Escape(Path.GetFullPath(sweep.Plot)));
            AnsiConsole.Write(table);
            if (sweep.Warning is { } warning) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(OptionFlags.Describe(warning))}[/]");
            return CommandRunner.Success;
        }));
        return command;
    }

    static string G(double x) => x.ToString("G3", CultureInfo.InvariantCulture);
}
