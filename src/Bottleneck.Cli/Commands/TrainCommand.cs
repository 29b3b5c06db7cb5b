using System.CommandLine;
using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Export;
using Bottleneck.Objectives;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck train`: trains a model and writes its folder, history, metrics and figures.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data();
        var model = SharedOptions.Model("Model: a preset (basic, deep, deep-bn, viz2d), a spec .json file, or a trained model folder to train further");
        var epochs = new Option<int>("--epochs") { Description = "Maximum number of epochs", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, sgd or rmsprop", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 1e-3 };
        var momentum = new Option<double>("--momentum") { Description = "Momentum for sgd", DefaultValueFactory = _ => 0.0 };
        var loss = new Option<string>("--loss") { Description = "bce, mse, mae or huber (losses are reported as means per element)", DefaultValueFactory = _ => "bce" };
        var huberDelta = new Option<double>("--huber-delta") { Description = "δ of the Huber loss", DefaultValueFactory = _ => 1.0 };
        var valSplit = new Option<double?>("--val-split") { Description = "Hold out the last fraction of the training data for validation, as Keras does (default 0.1)" };
        var valData = new Option<string?>("--val-data") { Description = "Validate on this dataset's test part instead (the chapter validates on the test set)" };
        var noValidation = new Option<bool>("--no-validation") { Description = "Train on all the training data; early stopping then watches the training loss" };
        var patience = new Option<int>("--patience") { Description = "Early stopping: epochs without improvement before stopping", DefaultValueFactory = _ => 10 };
        var minDelta = new Option<double>("--min-delta") { Description = "Early stopping: smallest change that counts as an improvement", DefaultValueFactory = _ => 0.0 };
        var noEarlyStopping = new Option<bool>("--no-early-stopping") { Description = "Run every epoch" };
        var noRestore = new Option<bool>("--no-restore-best") { Description = "Keep the last epoch's weights instead of the best epoch's" };
        var reduceLr = new Option<bool>("--reduce-lr") { Description = "Halve the learning rate when the monitored loss stalls (ReduceLROnPlateau)" };
        var lrFactor = new Option<double>("--lr-factor") { Description = "ReduceLROnPlateau: factor", DefaultValueFactory = _ => 0.5 };
        var lrPatience = new Option<int>("--lr-patience") { Description = "ReduceLROnPlateau: patience in epochs", DefaultValueFactory = _ => 5 };
        var minLr = new Option<double>("--min-lr") { Description = "ReduceLROnPlateau: floor", DefaultValueFactory = _ => 1e-7 };
        var noCheckpoint = new Option<bool>("--no-checkpoint") { Description = "Do not keep the best epoch's model in OUT/checkpoint" };
        var noShuffle = new Option<bool>("--no-shuffle") { Description = "Keep the training order instead of reshuffling every epoch" };
        var limit = SharedOptions.Limit("Train on the first N training samples only");
        var outDir = new Option<string?>("--out", "-o") { Description = "Output folder (default runs/<model name>)" };
        var seed = SharedOptions.Seed();
        var threads = SharedOptions.Threads();
        var json = SharedOptions.Json();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();

        var command = new Command("train", """
            Train an autoencoder and write OUT/model.json, weights.safetensors, history.csv, metrics.json,
            training-history.png and reconstructions.png (plus OUT/checkpoint, the best epoch's model).

            Example (the chapter's §10.1 basic autoencoder):
              bottleneck train --data mnist --model basic --epochs 50 --batch-size 256 --seed 1 --out runs/basic
            """);
        foreach (var o in new Option[] { data, model, epochs, batchSize, optimizer, lr, momentum, loss, huberDelta, valSplit, valData,
                     noValidation, patience, minDelta, noEarlyStopping, noRestore, reduceLr, lrFactor, lrPatience, minLr, noCheckpoint,
                     noShuffle, limit, outDir, seed, threads, json, fashion, header, label })
            command.Options.Add(o);

        command.SetAction(CommandRunner.Guard("train", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            var options = new TrainingOptions
            {
                Epochs = parsed.GetValue(epochs),
                BatchSize = parsed.GetValue(batchSize),
                Optimizer = Optimizers.Parse(parsed.GetValue(optimizer)!),
                LearningRate = parsed.GetValue(lr),
                Momentum = parsed.GetValue(momentum),
                Loss = ReconstructionLoss.Parse(parsed.GetValue(loss)!, parsed.GetValue(huberDelta)),
                Shuffle = !parsed.GetValue(noShuffle),
                Seed = parsed.GetValue(seed),
                EarlyStopping = parsed.GetValue(noEarlyStopping) ? null
                    : new EarlyStopping(parsed.GetValue(patience), parsed.GetValue(minDelta), !parsed.GetValue(noRestore)),
                ReduceLr = parsed.GetValue(reduceLr) ? new ReduceLrOnPlateau(parsed.GetValue(lrFactor), parsed.GetValue(lrPatience), parsed.GetValue(minLr)) : null,
            };
            options.Validate();
            var modelArgument = parsed.GetRequiredValue(model);
            var spec = ModelSource.Spec(modelArgument);
            var validation = new ValidationChoice(parsed.GetValue(valSplit), parsed.GetValue(valData), parsed.GetValue(noValidation));
            var dataOptions = SharedOptions.DataOptions(parsed, fashion, header, label);

            using var loaded = DataSource.Load(parsed.GetRequiredValue(data), dataOptions);
            var train = loaded.Train;
            if (parsed.GetValue(limit) is int n)
            {
                if (n < 1) throw new BadInputException($"--limit: expected a positive number of samples, got {n}");
                if (n < train.Count) train = train.Slice(0, n);
            }
            var (fitOn, validateOn, extra) = validation.Apply(train, dataOptions);
            using var extraData = extra;
            var start = ModelFolder.IsModelFolder(modelArgument) ? ModelFolder.Load(modelArgument) : null;
            var job = new TrainingJob
            {
                Spec = spec,
                StartFrom = start,
                Train = fitOn,
                Validation = validateOn,
                Test = loaded.Test,
                DataName = loaded.Name,
                Options = options,
                OutputDirectory = parsed.GetValue(outDir) ?? Path.Combine("runs", spec.Name),
                Checkpoint = !parsed.GetValue(noCheckpoint),
            };
            var result = Interruptible.Run(cancel => ConsoleTrainingObserver.Run(observer => job.Run(observer, cancel)));
            TrainingSummary.Print(result, job.OutputDirectory, parsed.GetValue(json));
            return CommandRunner.Success;
        }));
        return command;
    }
}
