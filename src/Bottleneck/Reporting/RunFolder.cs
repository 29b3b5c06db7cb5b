using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Persistence;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Training;

namespace Bottleneck.Reporting;

/// <summary>
/// The folder a training session is saved in, and the one place that knows its file names: the model (model.json and
/// weights.safetensors), history.csv, pretraining.csv, training-history.png, reconstructions.png, denoising.png, the
/// model family's own figures and metrics.json, written last; and, when the caller asks for their callbacks,
/// checkpoint/ (the best epoch's model) and resume/ (the last completed epoch, kept by <see cref="ResumeState"/>). The
/// folder is created and locked against other runs by the first call that touches it, and unlocked on dispose.
/// </summary>
internal sealed class RunFolder(string directory, TrainingSession session) : IDisposable
{
    /// <summary>Folder, inside the run folder, that holds the best epoch's model.</summary>
    public const string CheckpointFolder = "checkpoint";

    /// <summary>The run's figures; written last, so it also marks a run whose outputs are complete.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>The run folder.</summary>
    public string Directory => directory;

    /// <summary>The per-column scaler the session's training data already went through (tabular data); recorded in model.json.</summary>
    public FeatureScaler? Scaler { get; init; }

    /// <summary>Where model.json keeps the scaler, as data.scaling names it: data.scaler, or anomaly.scaler in a detector folder.</summary>
    public string ScalerField { get; init; } = "data." + TrainedModel.ScalerField;

    /// <summary>Number of evaluated images in reconstructions.png and denoising.png.</summary>
    public int GridImages { get; init; } = 10;

    // The training data's range after scaling, measured once: every model.json of the run records it (data.range).
    readonly TrainingRange range = TrainingRange.Of(session.Train);
    OutputLock? held;

    /// <summary>Creates the folder if need be and locks it; removes what interrupted writes left. Every other call opens it first.</summary>
    public void Open()
    {
        if (held is not null) return;
        System.IO.Directory.CreateDirectory(directory);
        held = OutputLock.Acquire(directory);
        AtomicFile.RemoveLeftovers(directory);
    }

    /// <summary>
    /// The model at the run's last completed epoch and where training goes on from (for
    /// <see cref="TrainingSession.PrepareResumed"/>); the best epoch's model saved with it goes back into checkpoint/.
    /// </summary>
    public (Autoencoder Model, ResumePoint Resume) LoadResume()
    {
        Open();
        return ResumeState.Load(Path.Combine(directory, ResumeState.Folder), Path.Combine(directory, CheckpointFolder));
    }

    /// <summary>True when metrics.json records <paramref name="epochs"/> epochs of a run that was not interrupted: its outputs are complete.</summary>
    public bool Finished(int epochs)
    {
        try
        {
            var metrics = RunMetrics.Load(Path.Combine(directory, MetricsFile));
            return metrics.EpochsRun == epochs && metrics.StopReason != StopReason.Interrupted;
        }
        catch (BadInputException)
        {
            return false;   // missing, or not a metrics file this run wrote whole: write it again
        }
    }

    /// <summary>
    /// New callbacks for one session: checkpoint/ keeps the best epoch's model when <paramref name="bestModel"/>, and
    /// resume/ the last completed epoch with <paramref name="recipe"/>. A run that is not <paramref name="resumed"/>
    /// starts resume/ afresh (with the recipe alone, so a run killed before its first epoch ends can start again).
    /// </summary>
    public IReadOnlyList<ITrainingCallback> Checkpoints(bool bestModel, TrainingRecipe? recipe, bool resumed)
    {
        Open();
        var resume = Path.Combine(directory, ResumeState.Folder);
        if (!resumed) ResumeState.Start(resume, recipe);
        var best = bestModel ? new BestCheckpoint(Path.Combine(directory, CheckpointFolder), epochs => Manifest(epochs)) : null;
        var last = new ResumeCheckpoint(resume, recipe, epochs => Manifest(epochs), best?.Directory);
        return best is null ? [last] : [best, last];
    }

    /// <summary>
    /// Writes what the session returned: the model (with <paramref name="manifest"/>'s fields added to model.json), the
    /// history, the figures, and metrics.json last. Returns the metrics as written, with the figures' file names.
    /// </summary>
    public RunMetrics Write(SessionResult result, IReadOnlyDictionary<string, JsonNode?>? manifest = null)
    {
        Open();
        var model = result.Model;
        var title = $"{model.Spec.Name} on {session.DataName}";
        var fields = Manifest(result.Training.EpochsRun);
        foreach (var (name, value) in manifest ?? new Dictionary<string, JsonNode?>()) fields[name] = value;
        ModelFolder.Save(model, directory, fields);
        result.Training.History.SaveCsv(Path.Combine(directory, "history.csv"));
        result.Pretraining?.SaveCsv(Path.Combine(directory, "pretraining.csv"));
        var epochs = result.Training.History.Epochs;
        if (epochs.Count > 0)
            TrainingHistoryPlot.SavePng(Path.Combine(directory, "training-history.png"),
                epochs.Select(e => e.Loss).ToArray(),
                epochs.All(e => e.ValLoss is not null) ? epochs.Select(e => e.ValLoss!.Value).ToArray() : null,
                epochs.Select(e => e.LearningRate).ToArray(),
                model.LossUnit(session.Options.Loss).Split(':')[0], $"Training history: {title}");

        var metrics = result.Metrics;
        var evaluation = result.Evaluation is null ? null : session.EvaluationData;
        if (evaluation is null) return Save(metrics);
        // Rows scaled per column are tabular: a row of 16 readings is no 4×4 picture, so they get no image figures.
        if (Scaler is null && ImageShape.Of(evaluation.SampleShape) is { } shape)
        {
            int count = Math.Min(GridImages, evaluation.Count);
            ReconstructionGrid.Save(Path.Combine(directory, "reconstructions.png"), model, evaluation, shape, count, $"{title}: originals and reconstructions");
            if (metrics.Denoising is { } denoising && session.Options.Noise is { } noise)
            {
                DenoisingGrid.Save(Path.Combine(directory, "denoising.png"), model, evaluation, shape, count,
                    $"{title} ({noise.Name}): clean, corrupted, denoised", noise is JpegCorruption ? "JPEG" : "Noisy");
                metrics = metrics with { Denoising = denoising with { Figure = "denoising.png" } };
            }
        }
        var figures = FamilyFigures.Save(model, directory, evaluation);
        return Save(figures.Count > 0 ? metrics with { Figures = figures } : metrics);
    }

    RunMetrics Save(RunMetrics metrics)
    {
        var path = Path.Combine(directory, MetricsFile);
        AtomicFile.WriteAllText(path, metrics.Serialize(path, ResultJson.Readable));
        return metrics;
    }

    /// <summary>model.json's "data" and "training" fields for the model after <paramref name="epochsRun"/> epochs.</summary>
    Dictionary<string, JsonNode?> Manifest(int epochsRun)
    {
        var options = session.Options;
        var training = new JsonObject
        {
            ["loss"] = options.Loss.Name,
            ["optimizer"] = options.Optimizer.ToString().ToLowerInvariant(),
            ["learning_rate"] = options.LearningRate,
            ["batch_size"] = options.BatchSize,
            ["seed"] = options.Seed,
            ["epochs_run"] = epochsRun,
            ["noise"] = options.Noise?.Name,
            ["fixed_noise"] = options.Noise is null ? null : options.FixedNoise || !options.Noise.IsRandom,
        };
        // A resumed session skips pretraining, but the model it goes on with was pretrained: model.json keeps the record.
        if (session.Pretraining is { } pretraining)
            training["pretrain"] = new JsonObject { ["method"] = "layerwise", ["epochs_per_stage"] = pretraining.EpochsPerStage };
        return new()
        {
            ["data"] = new JsonObject
            {
                ["name"] = session.DataName,
                ["sample_shape"] = new JsonArray(session.Train.SampleShape.Select(d => (JsonNode)d).ToArray()),
                ["scaling"] = Scaler?.Describe(ScalerField) ?? (session.Train.IsBytes ? "x / 255" : "none"),
                [TrainedModel.ScalerField] = Scaler is null ? null : JsonSerializer.SerializeToNode(Scaler, ModelSpec.Json),
                [TrainingRange.Field] = range.ToJson(),
            },
            ["training"] = training,
        };
    }

    /// <summary>Unlocks the folder.</summary>
    public void Dispose()
    {
        held?.Dispose();
        held = null;
    }
}
