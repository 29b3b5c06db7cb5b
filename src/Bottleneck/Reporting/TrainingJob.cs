using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Reporting;

/// <summary>What a finished <see cref="TrainingJob"/> produced.</summary>
public sealed record TrainingJobResult(Autoencoder Model, TrainingResult Training, ReconstructionMetrics? Test, JsonObject Metrics);

/// <summary>
/// One whole training run as the chapter's examples do it (§10): build the model, train with the callbacks, evaluate on
/// the test set, and write the model folder, history.csv, metrics.json, training-history.png and reconstructions.png.
/// </summary>
public sealed class TrainingJob
{
    /// <summary>The model to build; a spec without an input shape takes the training data's.</summary>
    public required ModelSpec Spec { get; init; }

    /// <summary>A saved model to continue training instead of a fresh one (its spec must match <see cref="Spec"/>).</summary>
    public Autoencoder? StartFrom { get; init; }

    public required Dataset Train { get; init; }
    public Dataset? Validation { get; init; }

    /// <summary>Held-out data the final metrics are measured on; without it they are measured on the validation data.</summary>
    public Dataset? Test { get; init; }

    /// <summary>A name for the data in the outputs ("mnist", a file path).</summary>
    public required string DataName { get; init; }

    public required TrainingOptions Options { get; init; }
    public required string OutputDirectory { get; init; }

    /// <summary>Keep the best epoch's model in OutputDirectory/checkpoint (Keras's ModelCheckpoint(save_best_only=True)).</summary>
    public bool Checkpoint { get; init; } = true;

    /// <summary>Number of test images in reconstructions.png.</summary>
    public int GridImages { get; init; } = 10;

    /// <summary>The recipe this job came from; saved with every epoch so the run can be resumed from its folder.</summary>
    public TrainingRecipe? Recipe { get; init; }

    /// <summary>Continue the run saved in OutputDirectory/resume instead of starting afresh.</summary>
    public bool Resume { get; init; }

    /// <summary>Layer-wise pretraining (§4.4) to run on the fresh model before training it end to end; ignored on resume.</summary>
    public LayerwisePretraining? Pretraining { get; init; }

    /// <summary>The per-column scaler <see cref="Train"/> already went through (tabular data), saved as data.scaler; null for none.</summary>
    public FeatureScaler? Scaler { get; init; }

    /// <summary>Folder, inside the output folder, that holds the state of the last completed epoch.</summary>
    public const string ResumeFolder = "resume";

    /// <summary>Runs the job; cancelling stops after the current batch and still saves what was trained.</summary>
    public TrainingJobResult Run(ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        try { return RunLocked(observer, cancel); }
        finally { outputLock?.Dispose(); }
    }

    // Held from the first write into the output folder (or the first read of a run to resume) to the last.
    OutputLock? outputLock;

    TrainingJobResult RunLocked(ITrainingObserver? observer, CancellationToken cancel)
    {
        Options.Validate();
        var spec = Spec.WithInputShape(Train.SampleShape);
        CheckData(Train, Options.Loss);
        if (Validation is not null) CheckData(Validation, Options.Loss);
        if (Test is not null) CheckData(Test, Options.Loss);

        trainingRange = TrainingRange.Of(Train);
        random.manual_seed(Options.Seed);
        var checkpointDirectory = Path.Combine(OutputDirectory, "checkpoint");
        var resumeDirectory = Path.Combine(OutputDirectory, ResumeFolder);
        ResumePoint? resume = null;
        Autoencoder model;
        if (Resume)
        {
            outputLock = OutputLock.Acquire(OutputDirectory);
            (model, resume) = ResumeState.Load(resumeDirectory, checkpointDirectory);
            // A run killed while writing its final outputs has all its epochs; resuming it writes those outputs.
            if (resume.Epochs.Count >= Options.Epochs && OutputsFinished(resume.Epochs.Count))
                throw new BadInputException($"{resumeDirectory}: the run already finished {resume.Epochs.Count} of {Options.Epochs} epochs (give a larger --epochs to train on)");
        }
        else model = StartFrom ?? ModelFactory.Create(spec);
        foreach (var data in new[] { Train, Validation, Test })
            if (data is not null)
            {
                DataFit.Check(model, data);
                if (Options.Noise is not null) CheckNoiseRange(data, Options.Noise);
            }
        var pretraining = Resume ? null : Pretraining;
        if (pretraining is not null)
        {
            if (StartFrom is not null) throw new BadInputException("--pretrain layerwise: pretraining starts from fresh weights, but --model names a trained model folder");
            LayerwisePretraining.Check(model);
        }
        model.CheckLoss(Options.Loss);
        // A denoising run trains and is scored on (noisy input, clean target) pairs (§3.5).
        using var pairs = new NoisyPairs(Options.Noise, Options.FixedNoise, Options.Seed, Train, Validation, Test);
        Directory.CreateDirectory(OutputDirectory);
        outputLock ??= OutputLock.Acquire(OutputDirectory);
        AtomicFile.RemoveLeftovers(OutputDirectory);
        if (!Resume) ResumeState.Start(resumeDirectory, Recipe);
        PretrainingResult? pretrained = null;
        if (pretraining is not null)
        {
            pretrained = pretraining.Run(model, Train, Validation, Options, observer, cancel);
            pretrained.SaveCsv(Path.Combine(OutputDirectory, "pretraining.csv"));
            var start = pretrained.StackedValLoss is double v ? $"; val_loss {v.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)} with the pairs stacked" : "";
            observer?.StageStarted($"fine-tuning end to end ({Options.Loss.Name}, up to {Options.Epochs} epochs{start})");
        }
        var options = Options with
        {
            OnImproved = Checkpoint ? record => { ModelFolder.Save(model, checkpointDirectory, Manifest(record.Epoch)); Options.OnImproved?.Invoke(record); } : Options.OnImproved,
            OnEpochEnd = (record, optimizer) =>
            {
                ResumeState.Save(resumeDirectory, model, optimizer, Recipe, History(resume, record), Manifest(record.Epoch), Checkpoint ? checkpointDirectory : null);
                Options.OnEpochEnd?.Invoke(record, optimizer);
            },
        };

        var training = new Trainer().Fit(model, pairs.Train, pairs.Validation, options, observer, cancel, resume);

        ModelFolder.Save(model, OutputDirectory, Manifest(training.EpochsRun));
        training.History.SaveCsv(Path.Combine(OutputDirectory, "history.csv"));
        var epochs = training.History.Epochs;
        if (epochs.Count > 0)
            TrainingHistoryPlot.SavePng(Path.Combine(OutputDirectory, "training-history.png"),
                epochs.Select(e => e.Loss).ToArray(),
                epochs.All(e => e.ValLoss is not null) ? epochs.Select(e => e.ValLoss!.Value).ToArray() : null,
                epochs.Select(e => e.LearningRate).ToArray(),
                model.LossUnit(Options.Loss).Split(':')[0], $"Training history: {spec.Name} on {DataName}");

        var evaluation = pairs.Test ?? pairs.Validation;
        ReconstructionMetrics? measured = evaluation is null ? null : ReconstructionMetrics.Evaluate(model, evaluation, Options.Corrupt);
        // Rows scaled per column are tabular: a row of 16 readings is no 4×4 picture, so they get no image figures.
        var pictures = Scaler is null && evaluation is not null ? ImageShape.Of(evaluation.SampleShape) : null;
        if (evaluation is not null && pictures is { } shape)
            ReconstructionGrid.Save(Path.Combine(OutputDirectory, "reconstructions.png"), model, evaluation, shape,
                Math.Min(GridImages, evaluation.Count), $"{spec.Name} on {DataName}: originals and reconstructions");

        var metrics = MetricsJson(model, training, measured, evaluation == pairs.Test ? "test" : "validation");
        if (pretrained is not null) metrics["pretraining"] = pretrained.ToJson();
        if (Options.Noise is { } noise && evaluation?.Inputs is not null)
        {
            var denoising = DenoisingMetrics.Measure(model, evaluation).ToJson(noise.Name);
            denoising["fixed_noise"] = Options.FixedNoise || !noise.IsRandom;
            if (pictures is { } image)
            {
                DenoisingGrid.Save(Path.Combine(OutputDirectory, "denoising.png"), model, evaluation, image, Math.Min(GridImages, evaluation.Count),
                    $"{spec.Name} on {DataName} ({noise.Name}): clean, corrupted, denoised", noise is JpegCorruption ? "JPEG" : "Noisy");
                denoising["figure"] = "denoising.png";
            }
            metrics["denoising"] = denoising;
        }
        if (evaluation is not null)
        {
            var figures = model.SaveFigures(OutputDirectory, evaluation);
            if (figures.Count > 0) metrics["figures"] = new JsonArray(figures.Select(f => (JsonNode)f).ToArray());
        }
        var metricsPath = Path.Combine(OutputDirectory, "metrics.json");
        AtomicFile.WriteAllText(metricsPath, FiniteJson.Serialize(metrics, metricsPath, new JsonSerializerOptions
        {
            WriteIndented = true,
            // Units are read by people: β, ‖ and − stay as written instead of \uXXXX escapes.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }));
        return new TrainingJobResult(model, training, measured, metrics);
    }

    /// <summary>True when metrics.json, the last file a run writes, records this many epochs of a run that was not interrupted.</summary>
    bool OutputsFinished(int epochs)
    {
        var path = Path.Combine(OutputDirectory, "metrics.json");
        if (!File.Exists(path)) return false;
        try
        {
            var metrics = JsonNode.Parse(File.ReadAllText(path));
            return (int?)metrics?["epochs_run"] == epochs && (string?)metrics?["stop_reason"] != "interrupted";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;   // not a metrics file this run wrote whole: write it again
        }
    }

    // The epochs the resume state must record: those of the run so far, including the ones before a resume.
    readonly List<EpochRecord> epochsSoFar = [];

    List<EpochRecord> History(ResumePoint? resume, EpochRecord latest)
    {
        if (epochsSoFar.Count == 0 && resume is not null) epochsSoFar.AddRange(resume.Epochs);
        epochsSoFar.Add(latest);
        return epochsSoFar;
    }

    Dictionary<string, JsonNode?> Manifest(int epochsRun)
    {
        var manifest = BaseManifest(epochsRun);
        if (Pretraining is not null)
            ((JsonObject)manifest["training"]!)["pretrain"] = new JsonObject { ["method"] = "layerwise", ["epochs_per_stage"] = Pretraining.EpochsPerStage };
        return manifest;
    }

    // The training data's range after scaling, measured once: every later model.json records it (data.range).
    TrainingRange? trainingRange;

    Dictionary<string, JsonNode?> BaseManifest(int epochsRun) => new()
    {
        ["data"] = new JsonObject
        {
            ["name"] = DataName,
            ["sample_shape"] = new JsonArray(Train.SampleShape.Select(d => (JsonNode)d).ToArray()),
            ["scaling"] = Scaler?.Describe("data." + TrainedModel.ScalerField) ?? (Train.IsBytes ? "x / 255" : "none"),
            [TrainedModel.ScalerField] = Scaler is null ? null : JsonSerializer.SerializeToNode(Scaler, ModelSpec.Json),
            [TrainingRange.Field] = trainingRange?.ToJson(),
        },
        ["training"] = new JsonObject
        {
            ["loss"] = Options.Loss.Name,
            ["optimizer"] = Options.Optimizer.ToString().ToLowerInvariant(),
            ["learning_rate"] = Options.LearningRate,
            ["batch_size"] = Options.BatchSize,
            ["seed"] = Options.Seed,
            ["epochs_run"] = epochsRun,
            ["noise"] = Options.Noise?.Name,
            ["fixed_noise"] = Options.Noise is null ? null : Options.FixedNoise || !Options.Noise.IsRandom,
        },
    };

    JsonObject MetricsJson(Autoencoder model, TrainingResult training, ReconstructionMetrics? measured, string evaluatedOn)
    {
        var last = training.History.Epochs.LastOrDefault();
        var metrics = new JsonObject
        {
            ["model"] = model.Spec.Name,
            ["data"] = DataName,
            ["loss"] = Options.Loss.Name,
            ["params"] = model.TrainableParameterCount + model.NonTrainableParameterCount,
            ["trainable_params"] = model.TrainableParameterCount,
            ["non_trainable_params"] = model.NonTrainableParameterCount,
            ["seed"] = Options.Seed,
            ["epochs_run"] = training.EpochsRun,
            ["best_epoch"] = training.BestEpoch,
            ["stop_reason"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(training.StopReason.ToString()),
            ["restored_best_weights"] = training.RestoredBestWeights,
            // A diverged run's last loss may be infinite or NaN, which JSON cannot hold: null then, and stop_reason says why.
            ["final_loss"] = Finite(last?.Loss),
            ["final_val_loss"] = Finite(last?.ValLoss),
            // The trainer's best epoch, not the history's minimum: a NaN epoch would sort below every number.
            ["best_monitored_loss"] = Finite(training.History.Epochs.FirstOrDefault(e => e.Epoch == training.BestEpoch)?.Monitored),
            ["train_seconds"] = Math.Round(training.TrainSeconds, 3),
            ["samples_per_second"] = Math.Round(training.SamplesPerSecond, 1),
            ["units"] = new JsonObject
            {
                ["loss"] = $"final_loss, final_val_loss, best_monitored_loss and history.csv: {model.LossUnit(Options.Loss)}",
                ["bce"] = "mean per element (nats), as Keras reports binary_crossentropy",
                ["mse"] = "mean per element",
                ["mae"] = "mean per element",
                ["psnr"] = "dB, 10·log10(1/mse) for data in [0, 1]",
            },
        };
        if (measured is not null)
        {
            var perSample = measured.PerSampleMse;
            double mean = perSample.Average(v => (double)v);
            double std = Math.Sqrt(perSample.Average(v => (v - mean) * (v - mean)));
            metrics["evaluated_on"] = evaluatedOn;
            metrics[evaluatedOn == "test" ? "test" : "validation"] = new JsonObject
            {
                ["bce"] = measured.InUnitRange ? measured.Bce : null,   // a cross-entropy only of data in [0, 1]
                ["mse"] = measured.Mse,
                ["mae"] = measured.Mae,
                ["psnr"] = measured.InUnitRange ? measured.Psnr : null,
                ["samples"] = measured.Samples,
                ["per_sample_mse_std"] = std,
            };
            var evaluated = (Test ?? Validation)!;
            metrics["mean_activation"] = MeanActivation(model, evaluated);
            foreach (var (name, value) in model.EvaluationFigures(evaluated)) metrics[name] = value;
            var units = (JsonObject)metrics["units"]!;
            foreach (var (name, unit) in model.FigureUnits) units[name] = unit;
        }
        return metrics;
    }

    static double? Finite(double? value) => value is double v && double.IsFinite(v) ? v : null;

    /// <summary>Mean code activation over a dataset: the figure sparsity penalties push down (§3.3.4).</summary>
    public static double MeanActivation(Autoencoder model, Dataset data, int batchSize = 1000)
    {
        model.eval();
        using var noGrad = no_grad();
        double sum = 0;
        long count = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Count - start);
            var code = model.Encode(data.Batch(start, n));
            sum += code.sum().to_type(ScalarType.Float64).item<double>();
            count += code.numel();
        }
        return sum / count;
    }

    /// <summary>Rejects data outside [0, 1] for a corruption: noise is clipped to [0, 1] and JPEG stores 8-bit pixels.</summary>
    static void CheckNoiseRange(Dataset data, Corruption noise)
    {
        var (min, max) = data.Range();
        if (min < 0 || max > 1)
            throw new BadInputException($"--noise {noise.Name}: {data.Name} spans [{min:G4}, {max:G4}], but corruptions work on data scaled to [0, 1] (images)");
    }

    /// <summary>Rejects data the loss cannot take: NaN or infinity anywhere, and BCE on values outside [0, 1].</summary>
    public static void CheckData(Dataset data, ReconstructionLoss loss)
    {
        long bad = data.FirstNonFinite();
        if (bad >= 0)
            throw new BadInputException($"{data.Name}: value {bad % data.SampleSize} of sample {bad / data.SampleSize} is NaN or infinite (expected finite numbers)");
        if (loss.Kind != LossKind.Bce) return;
        var (min, max) = data.Range();
        if (min < 0 || max > 1)
            throw new BadInputException($"{data.Name}: values span [{min:G4}, {max:G4}], but --loss bce needs data in [0, 1] (use --loss mse, or scale the data to [0, 1])");
    }
}
