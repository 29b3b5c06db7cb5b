using System.CommandLine;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck train`: trains a model and writes its folder, history, metrics and figures.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data(required: false);
        var model = new Option<string?>("--model", "-m") { Description = $"Model: a preset ({string.Join(", ", Presets.List().Select(p => p.Name))}), a spec .json file, or a trained model folder to train further" };
        var resume = new Option<string?>("--resume") { Description = "Continue the interrupted run whose output folder this is (its options are read from it; --epochs may raise the limit)" };
        var epochs = new Option<int?>("--epochs") { Description = "Maximum number of epochs (default 50)" };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch", DefaultValueFactory = _ => 256 };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, sgd or rmsprop", DefaultValueFactory = _ => "adam" };
        var lr = new Option<double>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 1e-3 };
        var momentum = new Option<double>("--momentum") { Description = "Momentum for sgd", DefaultValueFactory = _ => 0.0 };
        var loss = new Option<string?>("--loss") { Description = "bce, mse, mae or huber (losses are reported as means per element); default bce, or mse for scaled tabular data" };
        var scaler = new Option<string?>("--scaler") { Description = "Per-column scaling fitted on the training rows and saved with the model: standard (default for a .csv/.tsv with values outside [0, 1]), minmax, or none (default otherwise)" };
        var huberDelta = new Option<double>("--huber-delta") { Description = "δ of the Huber loss", DefaultValueFactory = _ => 1.0 };
        var valSplit = new Option<double?>("--val-split") { Description = "Hold out the last fraction of the training data for validation, as Keras does (default 0.1)" };
        var valData = new Option<string?>("--val-data") { Description = "Validate on this dataset's test part instead (the chapter validates on the test set)" };
        var noValidation = new Option<bool>("--no-validation") { Description = "Train on all the training data; early stopping then watches the training loss" };
        var patience = new Option<int>("--patience") { Description = "Early stopping: epochs without improvement before stopping", DefaultValueFactory = _ => 10 };
        var minDelta = new Option<double>("--min-delta") { Description = "Early stopping: smallest change that counts as an improvement", DefaultValueFactory = _ => 0.0 };
        var noEarlyStopping = new Option<bool>("--no-early-stopping") { Description = "Run every epoch" };
        var noRestore = new Option<bool>("--no-restore-best") { Description = "Keep the last epoch's weights instead of the best epoch's" };
        var reduceLr = new Option<bool>("--reduce-lr") { Description = "Multiply the learning rate by --lr-factor when the monitored loss stalls (ReduceLROnPlateau)" };
        var lrFactor = new Option<double>("--lr-factor") { Description = "ReduceLROnPlateau: factor", DefaultValueFactory = _ => 0.5 };
        var lrPatience = new Option<int>("--lr-patience") { Description = "ReduceLROnPlateau: patience in epochs", DefaultValueFactory = _ => 5 };
        var minLr = new Option<double>("--min-lr") { Description = "ReduceLROnPlateau: floor", DefaultValueFactory = _ => 1e-7 };
        var noCheckpoint = new Option<bool>("--no-checkpoint") { Description = "Do not keep the best epoch's model in OUT/checkpoint" };
        var pretrain = new Option<string?>("--pretrain") { Description = "layerwise: pretrain each encoder layer and its mirrored decoder layer as a shallow autoencoder, layers below frozen, before training end to end (§4.4)" };
        var pretrainEpochs = new Option<int?>("--pretrain-epochs") { Description = $"Epochs per pretrained pair (default {LayerwisePretraining.DefaultEpochs}); --epochs is then the fine-tuning budget" };
        var noShuffle = new Option<bool>("--no-shuffle") { Description = "Keep the training order instead of reshuffling every epoch" };
        var noise = new Option<string?>("--noise")
        {
            Description = "Denoising (§3.5): corrupt the input, keep the clean target. gaussian:σ (clipped to [0, 1]), mask:q (zero each pixel " +
                          "with probability q), salt-pepper:p, jpeg:quality (1-100), or none. Presets denoise and conv-denoise default to gaussian:0.5 (§10.4)",
        };
        var fixedNoise = new Option<bool>("--fixed-noise") { Description = "Corrupt the training data once, up front (the chapter's Keras code), instead of every batch afresh" };
        var limit = SharedOptions.Limit("Train on the first N training samples only");
        var outDir = new Option<string?>("--out", "-o") { Description = "Output folder (default runs/<model name>)" };
        var seed = SharedOptions.Seed();
        var threads = SharedOptions.TrainingThreads();
        var json = SharedOptions.Json();
        var reading = new DataOptionSet();

        var command = new Command("train", """
            Train an autoencoder and write OUT/model.json, weights.safetensors, history.csv, metrics.json,
            training-history.png and reconstructions.png, plus OUT/checkpoint (the best epoch's model) and OUT/resume
            (the last completed epoch, for --resume). Ctrl-C stops after the current batch, saves what was trained and
            exits with code 130.

            Examples:
              bottleneck train --data mnist --model basic --epochs 50 --batch-size 256 --seed 1 --out runs/basic
              bottleneck train --data mnist --model deep-bn --reduce-lr --out runs/deep-bn
              bottleneck train --data mnist --model conv --epochs 10 --out runs/conv
              bottleneck train --data mnist --model denoise --noise gaussian:0.5 --out runs/denoise
              bottleneck train --data mnist --model vae --epochs 20 --out runs/vae   # a VAE's loss is in nats per image
              bottleneck train --data sensors.csv --model basic --out runs/sensors   # standardised per column, linear output, MSE
              bottleneck train --resume runs/deep-bn            # after Ctrl-C: go on from the last completed epoch
              bottleneck train --data mnist --model deep --pretrain layerwise --pretrain-epochs 5 --epochs 10 --out runs/deep-pretrained
            """);
        foreach (var o in new Option[] { data, model, resume, epochs, batchSize, optimizer, lr, momentum, loss, huberDelta, valSplit, valData,
                     noValidation, patience, minDelta, noEarlyStopping, noRestore, reduceLr, lrFactor, lrPatience, minLr, noCheckpoint,
                     scaler, pretrain, pretrainEpochs, noShuffle, noise, fixedNoise, limit, outDir, seed, json })
            command.Options.Add(o);
        reading.AddTo(command);

        CommandAction.Set(command, "train", parsed =>
        {
            TrainingRecipe recipe;
            var resumeFolder = parsed.GetValue(resume);
            if (resumeFolder is not null)
            {
                if (parsed.GetValue(data) is not null || parsed.GetValue(model) is not null)
                    throw new BadInputException("--resume: the run's data and model come from its folder; leave out --data and --model");
                if (parsed.GetValue(pretrain) is not null || parsed.GetValue(pretrainEpochs) is not null)
                    throw new BadInputException("--resume: a resumed run goes on fine-tuning from its last epoch; leave out --pretrain and --pretrain-epochs");
                recipe = ResumeState.LoadRecipe(resumeFolder) with { OutputDirectory = resumeFolder, Workers = parsed.GetValue(threads) };
                if (parsed.GetValue(epochs) is int more) recipe = recipe with { Epochs = more };
            }
            else
            {
                var dataArgument = parsed.GetValue(data) ?? throw new BadInputException("--data: required (a dataset name or path), unless you --resume a run");
                var modelArgument = parsed.GetValue(model) ?? throw new BadInputException("--model: required (a preset, spec file or model folder), unless you --resume a run");
                var spec = ModelSource.Spec(modelArgument);
                recipe = new TrainingRecipe
                {
                    Data = dataArgument,
                    DataOptions = reading.Read(parsed),
                    Spec = spec,
                    StartFrom = ModelSource.IsTrainedFolder(modelArgument) ? modelArgument : null,
                    Limit = parsed.GetValue(limit),
                    ValSplit = parsed.GetValue(valSplit),
                    ValData = parsed.GetValue(valData),
                    NoValidation = parsed.GetValue(noValidation),
                    Epochs = parsed.GetValue(epochs) ?? 50,
                    BatchSize = parsed.GetValue(batchSize),
                    Optimizer = parsed.GetValue(optimizer)!,
                    LearningRate = parsed.GetValue(lr),
                    Momentum = parsed.GetValue(momentum),
                    Loss = parsed.GetValue(loss),
                    Scaler = parsed.GetValue(scaler),
                    SpecIsPreset = Presets.Exists(modelArgument),
                    HuberDelta = parsed.GetValue(huberDelta),
                    Shuffle = !parsed.GetValue(noShuffle),
                    Seed = parsed.GetValue(seed),
                    Patience = parsed.GetValue(noEarlyStopping) ? null : parsed.GetValue(patience),
                    MinDelta = parsed.GetValue(minDelta),
                    RestoreBestWeights = !parsed.GetValue(noRestore),
                    ReduceLr = parsed.GetValue(reduceLr),
                    LrFactor = parsed.GetValue(lrFactor),
                    LrPatience = parsed.GetValue(lrPatience),
                    MinLr = parsed.GetValue(minLr),
                    Checkpoint = !parsed.GetValue(noCheckpoint),
                    Pretrain = parsed.GetValue(pretrain),
                    PretrainEpochs = parsed.GetValue(pretrainEpochs),
                    // A denoising preset without --noise trains with the chapter's corruption (§10.4: Gaussian, 0.5).
                    Noise = parsed.GetValue(noise)
                            ?? (ModelSource.IsPresetName(modelArgument) ? Presets.DefaultNoise(modelArgument) : null),
                    FixedNoise = parsed.GetValue(fixedNoise),
                    OutputDirectory = parsed.GetValue(outDir) ?? Path.Combine("runs", spec.Name),
                    Workers = parsed.GetValue(threads),
                };
            }
            recipe.ToOptions();   // every option is checked before any data is read
            OutputPath.CheckFolder(recipe.OutputDirectory, resumeFolder is null ? "output" : "resume");
            var notes = new List<string>();
            var result = Interruptible.Run(cancel => ConsoleTrainingObserver.Run(observer =>
            {
                var run = TrainingRun.Execute(recipe, resumeFolder is not null, observer, cancel, out var loaded, notes);
                loaded.Dispose();
                return run;
            }));
            foreach (var note in notes) Console.Error.WriteLine(OptionFlags.Describe(note));
            TrainingSummary.Print(result, recipe.OutputDirectory, parsed.GetValue(json));
            return CommandRunner.Success;
        }, threads);
        return command;
    }
}
