using System.Globalization;
using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.Models;
using static TorchSharp.torch;

namespace Bottleneck.Training;

/// <summary>What a training session produced.</summary>
/// <param name="Model">The trained model; the caller disposes it.</param>
/// <param name="Training">How training went: the history, the best epoch, why it stopped, how fast it ran.</param>
/// <param name="Pretraining">What layer-wise pretraining did before it, when the session pretrained.</param>
/// <param name="Evaluation">The trained model measured on the test data, else the validation data; null without either.</param>
/// <param name="Metrics">metrics.json's record of all of it.</param>
internal sealed record SessionResult(Autoencoder Model, TrainingResult Training, PretrainingResult? Pretraining, ReconstructionMetrics? Evaluation,
    RunMetrics Metrics);

/// <summary>
/// One training session as the chapter's examples run it (§10): check the data against the model and the loss, build
/// the model (or take a trained or a resumed one), pretrain it layer by layer if asked (§4.4), train it with early
/// stopping and the learning-rate schedule, and measure it on the test data (else the validation data). A session
/// writes nothing: the caller passes whatever checkpoint callbacks it wants, and a run-folder writer saves the result.
/// Disposing it frees the noisy copies a denoising session made of its data.
/// </summary>
internal sealed class TrainingSession : IDisposable
{
    /// <summary>The model to build; a spec without an input shape takes the training data's.</summary>
    public required ModelSpec Spec { get; init; }

    /// <summary>A trained model to go on training instead of a fresh one built from <see cref="Spec"/>.</summary>
    public Autoencoder? StartFrom { get; init; }

    /// <summary>The data to train on.</summary>
    public required Dataset Train { get; init; }

    /// <summary>The data early stopping watches (val_loss); without it the training loss is watched.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>Held-out data the final figures are measured on; without it they are measured on the validation data.</summary>
    public Dataset? Test { get; init; }

    /// <summary>A name for the data in the metrics ("mnist", a file path).</summary>
    public required string DataName { get; init; }

    /// <summary>How to train.</summary>
    public required TrainingOptions Options { get; init; }

    /// <summary>Layer-wise pretraining (§4.4) to run on a fresh model before training it end to end; a resumed session skips it.</summary>
    public LayerwisePretraining? Pretraining { get; init; }

    /// <summary>Measure the trained model on the test (or validation) data; false skips the figures a caller does not need.</summary>
    public bool Evaluate { get; init; } = true;

    Autoencoder? model;
    ResumePoint? resume;
    NoisyPairs? pairs;

    /// <summary>The model the session trains, once <see cref="Prepare"/> built it.</summary>
    public Autoencoder Model => model ?? throw new InvalidOperationException("the session has no model before Prepare");

    /// <summary>
    /// The data the final figures are measured on: the test data, else the validation data, each paired with its noisy
    /// copy in a denoising session (<see cref="Dataset.Inputs"/>). Null before <see cref="Prepare"/> or without either.
    /// </summary>
    public Dataset? EvaluationData => pairs is null ? null : pairs.Test ?? pairs.Validation;

    /// <summary>
    /// Checks the options and the data against the model and its loss, and builds the model: <see cref="StartFrom"/>, or
    /// a fresh one from <see cref="Spec"/> with weights drawn from the options' seed. Everything a user can get wrong is
    /// refused here (<see cref="BadInputException"/>), so a caller can prepare before it creates any file.
    /// </summary>
    public Autoencoder Prepare() => Build(null, null);

    /// <summary>As <see cref="Prepare()"/>, for a run that goes on from <paramref name="point"/> with <paramref name="resumed"/>, the model saved with it.</summary>
    public Autoencoder PrepareResumed(Autoencoder resumed, ResumePoint point) => Build(resumed, point);

    Autoencoder Build(Autoencoder? resumed, ResumePoint? point)
    {
        if (model is not null) throw new InvalidOperationException("the session is prepared already");
        Options.Validate();
        var spec = Spec.WithInputShape(Train.SampleShape);
        var datasets = new[] { Train, Validation, Test }.OfType<Dataset>().ToArray();
        foreach (var data in datasets) DataFit.CheckValues(data, Options.Loss);
        random.manual_seed(Options.Seed);
        var built = resumed ?? StartFrom ?? ModelFactory.Create(spec);
        try
        {
            foreach (var data in datasets)
            {
                DataFit.Check(built, data);
                if (Options.Noise is not null) CheckNoiseRange(data, Options.Noise);
            }
            if (point is null && Pretraining is not null)
            {
                if (StartFrom is not null) throw new OptionException("pretrain", "pretraining starts from fresh weights, but `model` names a trained model folder") { Value = "layerwise" };
                LayerwisePretraining.Check(built);
            }
            built.CheckLoss(Options.Loss);
            // A denoising run trains and is scored on (noisy input, clean target) pairs (§3.5).
            pairs = new NoisyPairs(Options.Noise, Options.FixedNoise, Options.Seed, Train, Validation, Test);
        }
        catch
        {
            if (built != resumed && built != StartFrom) built.Dispose();
            throw;
        }
        (model, resume) = (built, point);
        return built;
    }

    /// <summary>
    /// Trains the model (preparing the session first if the caller did not) and measures it. <paramref name="callbacks"/>
    /// are called at the end of epochs (create them for this session); cancelling stops after the current batch and
    /// keeps what was trained.
    /// </summary>
    public SessionResult Run(IReadOnlyList<ITrainingCallback>? callbacks = null, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var trained = model ?? Prepare();
        var paired = pairs!;
        PretrainingResult? pretrained = null;
        if (resume is null && Pretraining is not null)
        {
            pretrained = Pretraining.Run(trained, Train, Validation, Options, observer, cancel);
            var start = pretrained.StackedValLoss is double v ? $"; val_loss {v.ToString("F5", CultureInfo.InvariantCulture)} with the pairs stacked" : "";
            observer?.StageStarted($"fine-tuning end to end ({Options.Loss.Name}, up to {Options.Epochs} epochs{start})");
        }
        var training = new Trainer().Fit(trained, paired.Train, paired.Validation, Options, observer, cancel, resume, callbacks);

        var evaluation = Evaluate ? EvaluationData : null;
        var measured = evaluation is null ? null : ReconstructionMetrics.Evaluate(trained, evaluation, Options.Corrupt);
        var metrics = Metrics(trained, training, measured, evaluation == paired.Test ? "test" : "validation") with { Pretraining = pretrained?.Summary() };
        if (Options.Noise is { } noise && measured is not null && evaluation!.Inputs is not null)
            metrics = metrics with { Denoising = DenoisingMetrics.Measure(trained, evaluation).Summary(noise.Name, Options.FixedNoise || !noise.IsRandom) };
        return new SessionResult(trained, training, pretrained, measured, metrics);
    }

    RunMetrics Metrics(Autoencoder trained, TrainingResult training, ReconstructionMetrics? measured, string evaluatedOn)
    {
        var last = training.History.Epochs.LastOrDefault();
        var metrics = new RunMetrics
        {
            Model = trained.Spec.Name,
            Data = DataName,
            Loss = Options.Loss.Name,
            Params = trained.TrainableParameterCount + trained.NonTrainableParameterCount,
            TrainableParams = trained.TrainableParameterCount,
            NonTrainableParams = trained.NonTrainableParameterCount,
            Seed = Options.Seed,
            EpochsRun = training.EpochsRun,
            BestEpoch = training.BestEpoch,
            StopReason = training.StopReason,
            RestoredBestWeights = training.RestoredBestWeights,
            // A diverged run's last loss may be infinite or NaN, which JSON cannot hold: null then, and stop_reason says why.
            FinalLoss = Finite(last?.Loss),
            FinalValLoss = Finite(last?.ValLoss),
            // The trainer's best epoch, not the history's minimum: a NaN epoch would sort below every number.
            BestMonitoredLoss = Finite(training.History.Epochs.FirstOrDefault(e => e.Epoch == training.BestEpoch)?.Monitored),
            TrainSeconds = Math.Round(training.TrainSeconds, 3),
            SamplesPerSecond = Math.Round(training.SamplesPerSecond, 1),
            Units = new MetricUnits { Loss = $"final_loss, final_val_loss, best_monitored_loss and history.csv: {trained.LossUnit(Options.Loss)}" },
        };
        if (measured is null) return metrics;
        // The code and the family's figures come from the clean data (a noisy pair's samples are its clean ones).
        var evaluated = (Test ?? Validation)!;
        var figures = ReconstructionFigures.Of(measured);
        return metrics with
        {
            EvaluatedOn = evaluatedOn,
            Test = evaluatedOn == "test" ? figures : null,
            Validation = evaluatedOn == "test" ? null : figures,
            MeanActivation = Codes.MeanActivation(trained, evaluated),
            ModelFigures = trained.EvaluationFigures(evaluated),
            Units = metrics.Units with { Figures = trained.FigureUnits },
        };
    }

    static double? Finite(double? value) => value is double v && double.IsFinite(v) ? v : null;

    /// <summary>Rejects data outside [0, 1] for a corruption: noise is clipped to [0, 1] and JPEG stores 8-bit pixels.</summary>
    static void CheckNoiseRange(Dataset data, Corruption noise)
    {
        var (min, max) = data.Range();
        if (min < 0 || max > 1)
            throw new OptionException("noise", $"{data.Name} spans [{min:G4}, {max:G4}], but corruptions work on data scaled to [0, 1] (images)") { Value = noise.Name };
    }

    /// <summary>Frees the noisy copies of a denoising session's data; the model stays the caller's.</summary>
    public void Dispose()
    {
        pairs?.Dispose();
        pairs = null;
    }
}
