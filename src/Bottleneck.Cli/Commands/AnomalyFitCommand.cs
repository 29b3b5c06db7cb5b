using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck anomaly fit`: trains a detector on normal data and sets its threshold on held-out normal errors.</summary>
internal static class AnomalyFitCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data();
        var model = SharedOptions.Model("Model: a preset (basic, deep, deep-bn, viz2d) or a spec .json file");
        var output = new Option<string>("--out", "-o") { Description = "Output folder: the model with its threshold and scaler in model.json", Required = true };
        var normalClasses = new Option<string?>("--normal-classes") { Description = "Labelled data: the classes that are normal, e.g. 0 or 0,1,2 (every other class is an anomaly)" };
        var anomalyClass = new Option<int?>("--anomaly-class") { Description = "Labelled data: the one class that is anomalous; all others are normal (the chapter's y_train != anomaly_class)" };
        var percentile = new Option<double?>("--percentile") { Description = "Threshold at this percentile of held-out normal errors, in (0, 100); numpy's linear interpolation (default 95)" };
        var contamination = new Option<double?>("--contamination") { Description = "Threshold from a rate in (0, 1) of normal data one accepts to flag: percentile 100 − 100·rate" };
        var holdout = new Option<double>("--holdout") { Description = "Fraction of the normal data held out (the last samples) to set the threshold on", DefaultValueFactory = _ => NormalData.DefaultHoldout };
        var scaler = new Option<string?>("--scaler") { Description = "Scaling of tabular data, fitted on the training rows: standard (default for non-image data), minmax, or none" };
        var epochs = new Option<int>("--epochs") { Description = "Maximum number of epochs", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
        var lr = new Option<double>("--lr") { Description = "Learning rate (Adam)", DefaultValueFactory = _ => 1e-3 };
        var loss = new Option<string?>("--loss") { Description = "Training loss: bce, mse, mae or huber (default: bce for 8-bit images, mse otherwise); scores are always MSE" };
        var valSplit = new Option<double>("--val-split") { Description = "Fraction of the training part validated on for early stopping", DefaultValueFactory = _ => ValidationChoice.DefaultSplit };
        var patience = new Option<int>("--patience") { Description = "Early stopping patience in epochs", DefaultValueFactory = _ => 10 };
        var noEarlyStopping = new Option<bool>("--no-early-stopping") { Description = "Run every epoch" };
        var limit = SharedOptions.Limit("Consider only the first N training samples (before selecting the normal classes)");
        var seed = SharedOptions.Seed();
        var threads = SharedOptions.TrainingThreads();
        var json = SharedOptions.Json();
        var reading = new DataOptionSet();

        var command = new Command("fit", """
            Train an anomaly detector (§8.4): an autoencoder trained on normal data only, and a threshold at a percentile
            of the reconstruction errors of held-out normal data. For labelled data choose the normal classes; a CSV of
            normal rows is standardised by a scaler fitted on its training rows (saved with the model). Writes the model
            folder (model.json holds "anomaly": threshold, scaler, normal classes), metrics.json, history.csv and
            holdout-errors.png.

            Examples:
              bottleneck anomaly fit --data mnist --model deep --anomaly-class 9 --out runs/no-nines
              bottleneck anomaly fit --data mnist --model deep --normal-classes 0 --percentile 99 --out runs/zeros
              bottleneck anomaly fit --data normal.csv --model spec.json --contamination 0.01 --out runs/detector
            """);
        foreach (var o in new Option[] { data, model, output, normalClasses, anomalyClass, percentile, contamination, holdout, scaler, epochs, batchSize, lr,
                     loss, valSplit, patience, noEarlyStopping, limit, seed, json })
            command.Options.Add(o);
        reading.AddTo(command);

        CommandAction.Set(command, "anomaly fit", parsed =>
        {
            // Every option is checked before any data is read or anything trained.
            OutputPath.CheckFolder(parsed.GetRequiredValue(output));
            var threshold = AnomalyThreshold.From(parsed.GetValue(percentile), parsed.GetValue(contamination));
            var modelArgument = parsed.GetRequiredValue(model);
            var spec = ModelSource.Spec(modelArgument);
            var training = new TrainingRecipe
            {
                Data = parsed.GetRequiredValue(data), Spec = spec, OutputDirectory = parsed.GetRequiredValue(output),
                Epochs = parsed.GetValue(epochs), BatchSize = parsed.GetValue(batchSize), LearningRate = parsed.GetValue(lr),
                Seed = parsed.GetValue(seed), Patience = parsed.GetValue(noEarlyStopping) ? null : parsed.GetValue(patience),
                Workers = parsed.GetValue(threads),
            }.ToOptions();
            var request = new AnomalyFitRequest
            {
                Data = parsed.GetRequiredValue(data),
                DataOptions = reading.Read(parsed),
                Spec = spec,
                SpecIsPreset = ModelSource.IsPresetName(modelArgument),
                NormalClasses = ClassList.Parse(parsed.GetValue(normalClasses), "--normal-classes"),
                AnomalyClass = parsed.GetValue(anomalyClass),
                Threshold = threshold,
                Holdout = parsed.GetValue(holdout),
                Scaler = parsed.GetValue(scaler)?.Trim().ToLowerInvariant(),
                Limit = parsed.GetValue(limit),
                ValSplit = parsed.GetValue(valSplit),
                Training = training,
                Loss = parsed.GetValue(loss) is { } l ? ReconstructionLoss.Parse(l, 1.0) : null,
                OutputDirectory = parsed.GetRequiredValue(output),
            };
            if (request.Scaler is { } s && s != "none") FeatureScaler.ParseKind(s, "scaler");
            var result = Interruptible.Run(cancel => ConsoleTrainingObserver.Run(observer => AnomalyFit.Run(request, observer, cancel)));
            var settings = result.Settings;
            foreach (var note in result.Notes) Console.Error.WriteLine(OptionFlags.Describe(note));
            if (parsed.GetValue(json))
            {
                Console.WriteLine(FiniteJson.Serialize(result.Report.ToJson(), "--json"));
                return CommandRunner.Success;
            }
            string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("model", Markup.Escape(result.Training.Model.Spec.Name));
            table.AddRow("normal classes", settings.NormalClasses is { } c ? string.Join(", ", c) : "all samples");
            table.AddRow("normal samples trained on", settings.TrainingSamples.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("normal samples held out", settings.HoldoutSamples.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("scaler", settings.Scaler is { } sc ? sc.Kind.ToString().ToLowerInvariant() : "none");
            table.AddRow("epochs run", result.Training.Training.EpochsRun.ToString(CultureInfo.InvariantCulture));
            table.AddRow("held-out mean error (MSE per value)", F(result.HoldoutErrors.Average(), "G5"));
            table.AddRow("threshold rule", Markup.Escape(threshold.ToString()));
            table.AddRow("threshold (MSE per value)", F(settings.Threshold, "G6"));
            table.AddRow("held-out normal samples flagged", $"{settings.HoldoutFlagged:N0} ({F(100.0 * settings.HoldoutFlagged / settings.HoldoutSamples, "F1")}%)");
            table.AddRow("written to", Markup.Escape(Path.GetFullPath(request.OutputDirectory)));
            AnsiConsole.Write(table);
            return CommandRunner.Success;
        }, threads);
        return command;
    }
}
