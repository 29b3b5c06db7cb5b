using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Applications.Anomaly;

/// <summary>What anomaly fit is asked to do.</summary>
internal sealed record AnomalyFitRequest
{
    /// <summary>The --data argument: a built-in name or a path.</summary>
    public required string Data { get; init; }
    public DataOptions DataOptions { get; init; } = new();

    /// <summary>The architecture; a preset's sigmoid output becomes linear for standardised data.</summary>
    public required ModelSpec Spec { get; init; }

    /// <summary>True when <see cref="Spec"/> is a preset (whose output may be adapted), false for a spec file the user wrote.</summary>
    public bool SpecIsPreset { get; init; }

    public int[]? NormalClasses { get; init; }
    public int? AnomalyClass { get; init; }
    public required AnomalyThreshold Threshold { get; init; }
    public double Holdout { get; init; } = NormalData.DefaultHoldout;

    /// <summary>"standard", "minmax" or "none"; null chooses: none for 8-bit images, standard for other data.</summary>
    public string? Scaler { get; init; }

    public int? Limit { get; init; }

    /// <summary>The fraction of the training part the trainer validates on (early stopping), as Keras's validation_split.</summary>
    public double ValSplit { get; init; } = ValidationChoice.DefaultSplit;

    /// <summary>Epochs, batch size, optimiser, seed and callbacks; the loss comes from <see cref="Loss"/>.</summary>
    public required TrainingOptions Training { get; init; }

    /// <summary>The training loss; null chooses BCE for 8-bit images (the chapter's) and MSE for everything else.</summary>
    public ReconstructionLoss? Loss { get; init; }

    public required string OutputDirectory { get; init; }
}

/// <summary>What anomaly fit produced.</summary>
/// <param name="Settings">The detector's threshold, scaler and normal data, as model.json's "anomaly" field holds them.</param>
/// <param name="Training">The training session's result; its metrics are those written to metrics.json.</param>
/// <param name="HoldoutErrors">The held-out normal samples' reconstruction errors the threshold was set on.</param>
/// <param name="Notes">What the fit chose for the user (a scaler, a linear output), one line each.</param>
internal sealed record AnomalyFitResult(AnomalySettings Settings, SessionResult Training, double[] HoldoutErrors, IReadOnlyList<string> Notes)
{
    /// <summary>What `anomaly fit --json` prints.</summary>
    public AnomalyFitReport Report => new(Settings, Training.Metrics);
}

/// <summary>What `anomaly fit --json` prints: the detector's settings (model.json's "anomaly") and the run's metrics.json.</summary>
internal sealed record AnomalyFitReport(AnomalySettings Anomaly, RunMetrics Metrics)
{
    /// <summary>The report as a JSON tree: {"anomaly": ..., "metrics": ...}.</summary>
    public JsonObject ToJson() => new() { [AnomalySettings.Field] = Anomaly.ToJson(), ["metrics"] = Metrics.ToJson() };

    /// <summary>Reads a report from its JSON tree; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="BadInputException">The JSON is not such a report.</exception>
    public static AnomalyFitReport FromJson(JsonObject json, string source) =>
        new(AnomalySettings.FromManifest(json, source), RunMetrics.FromJson(json["metrics"] ?? throw new BadInputException($"{source}: field 'metrics' is missing"), source + " (metrics)"));
}

/// <summary>
/// Fits an anomaly detector as the chapter's §8.4 does it: train an autoencoder on normal data only, compute the
/// per-sample reconstruction errors of held-out normal data, and put the threshold at their 95th percentile (or the
/// chosen rule). Tabular data is scaled first by a scaler fitted on the training rows and saved with the model.
/// </summary>
internal static class AnomalyFit
{
    /// <summary>
    /// Runs the fit and writes the model folder (model.json carries the "anomaly" settings), its history, figures and
    /// metrics.json, and holdout-errors.png.
    /// </summary>
    public static AnomalyFitResult Run(AnomalyFitRequest request, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        request.Training.Validate();
        if (!(request.ValSplit > 0 && request.ValSplit < 1))
            throw new OptionException("val_split", $"expected a fraction in (0, 1), got {request.ValSplit.ToString(CultureInfo.InvariantCulture)}");
        TabularScaling.Choose(request.Scaler, null);   // an unknown scaler is refused before any data is read
        var notes = new List<string>();

        using var loaded = DataSource.Load(request.Data, request.DataOptions);
        var classes = NormalData.ResolveClasses(loaded.Train, request.NormalClasses, request.AnomalyClass);
        using var normal = NormalData.Select(loaded.Train, classes, request.Limit, request.Holdout);
        if (classes is null)
            notes.Add($"no `normal_classes` or `anomaly_class`: all {normal.Fit.Count + normal.Holdout.Count:N0} training samples are taken as normal");

        var scalerKind = TabularScaling.Choose(request.Scaler, normal.Fit.IsBytes ? null : ScalerKind.Standard);
        var scaler = scalerKind is ScalerKind kind ? FeatureScaler.Fit(normal.Fit, kind) : null;
        using var fit = scaler?.Transform(normal.Fit, normal.Fit.Name + "[scaled]");
        using var holdout = scaler?.Transform(normal.Holdout, normal.Holdout.Name + "[scaled]");
        var trainOn = fit ?? normal.Fit;
        var holdOut = holdout ?? normal.Holdout;

        var spec = TabularScaling.AdaptOutput(request.Spec, scalerKind, request.SpecIsPreset, notes).WithInputShape(trainOn.SampleShape);
        if (spec.Bottleneck >= spec.InputSize && spec.Family == "dense")
            notes.Add($"warning: the code ({spec.Bottleneck}) is not smaller than the input ({spec.InputSize}); such a model can learn the identity and reconstruct anomalies as well as normal data (§3.2)");
        var loss = request.Loss ?? new ReconstructionLoss(normal.Fit.IsBytes ? LossKind.Bce : LossKind.Mse);
        var options = request.Training with { Loss = loss };

        var (train, validate) = trainOn.SplitLast(request.ValSplit);
        using var trainPart = train;
        using var validatePart = validate;
        using var session = new TrainingSession
        {
            Spec = spec,
            Train = trainPart,
            Validation = validatePart,
            Test = holdOut,
            DataName = loaded.Name,
            Options = options,
        };
        session.Prepare();
        // The detector's folder: no checkpoint or resume state (its threshold comes after training, so it cannot be resumed).
        using var folder = new RunFolder(request.OutputDirectory, session) { Scaler = scaler, ScalerField = AnomalySettings.Field + ".scaler" };
        folder.Open();
        var result = session.Run(observer: observer, cancel: cancel);

        // §8.4 steps 2-3: errors of held-out normal data, threshold at their percentile.
        var errors = AnomalyDetector.ScoresOf(result.Model, null, holdOut);
        double threshold = request.Threshold.Apply(errors);
        var settings = new AnomalySettings
        {
            Threshold = threshold,
            Percentile = request.Threshold.PercentileRank,
            Contamination = request.Threshold.Contamination,
            // A path is kept absolute so that evaluation can find the normal data again from any folder.
            Data = BuiltInDatasets.Find(request.Data) is null && Path.Exists(request.Data) ? Path.GetFullPath(request.Data) : request.Data,
            DataOptions = request.DataOptions,
            Limit = request.Limit,
            NormalClasses = classes,
            Holdout = request.Holdout,
            TrainingSamples = normal.Fit.Count,
            HoldoutSamples = normal.Holdout.Count,
            HoldoutFlagged = errors.Count(e => e > threshold),
            Scaler = scaler,
            FeatureNames = FeatureNames(request),
        };
        result = result with { Metrics = folder.Write(result, new Dictionary<string, JsonNode?> { [AnomalySettings.Field] = settings.ToJson() }) };
        HistogramPlot.SavePng(Path.Combine(request.OutputDirectory, "holdout-errors.png"),
            $"Held-out normal data: reconstruction error ({errors.Length:N0} samples)", "Reconstruction error (MSE per value)",
            [("Held-out normal", errors)], thresholdLine: threshold,
            thresholdLabel: $"Threshold = {threshold.ToString("G4", CultureInfo.InvariantCulture)} ({request.Threshold.PercentileRank.ToString("0.###", CultureInfo.InvariantCulture)}th percentile)");
        return new AnomalyFitResult(settings, result, errors, notes);
    }

    static string[]? FeatureNames(AnomalyFitRequest request)
    {
        if (!TabularScaling.IsTable(request.Data)) return null;
        using var reader = CsvRowReader.Open(request.Data, new CsvReadOptions
        {
            HasHeader = request.DataOptions.CsvHeader, LabelColumn = request.DataOptions.LabelColumn,
            Delimiter = request.Data.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',',
        });
        return reader.HasHeader ? reader.FeatureNames : null;
    }
}
