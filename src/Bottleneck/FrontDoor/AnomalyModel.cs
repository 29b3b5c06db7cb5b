using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Export.Onnx;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck;

/// <summary>How <see cref="AnomalyModel.Fit"/> sets its threshold and scales its rows, besides the training options.</summary>
public sealed record AnomalyOptions
{
    /// <summary>Training, as for <see cref="AutoencoderModel.Fit"/>.</summary>
    public FitOptions Training { get; init; } = new();

    /// <summary>The threshold is this percentile of the held-out normal rows' errors (§8.4: 95).</summary>
    public double Percentile { get; init; } = AnomalyThreshold.DefaultPercentile;

    /// <summary>The last fraction of the normal rows, held out of training, on which the threshold is set.</summary>
    public double Holdout { get; init; } = NormalData.DefaultHoldout;

    /// <summary>"standard" ((x − mean) / std per column, fitted on the training rows), "minmax" or "none".</summary>
    public string Scaler { get; init; } = "standard";
}

/// <summary>
/// The front door for anomaly detection (§8.4), in the manner of PyOD's fit / decision_function / predict /
/// threshold_: fit an autoencoder on normal rows, score new rows by their reconstruction error, flag those above a
/// threshold set on held-out normal rows. <see cref="Save"/> writes the folder that <c>bottleneck anomaly score</c>
/// reads, and <see cref="Load"/> reads one written by <c>bottleneck anomaly fit</c>. Calls are thread-safe (serialised).
/// </summary>
public sealed class AnomalyModel : IDisposable
{
    readonly object gate = new();
    readonly Autoencoder model;
    readonly AnomalySettings settings;
    BatchScorer? scorer;

    AnomalyModel(Autoencoder model, AnomalySettings settings) => (this.model, this.settings) = (model, settings);

    /// <summary>Rows scoring above this are anomalies.</summary>
    public double Threshold => settings.Threshold;

    /// <summary>The percentile of held-out normal errors the threshold was set at.</summary>
    public double Percentile => settings.Percentile;

    /// <summary>Values in one row.</summary>
    public int InputSize => (int)model.InputShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// Trains <paramref name="presetOrSpecFile"/> (a dense preset such as <c>basic</c>, or a spec .json file) on
    /// <paramref name="normalRows"/> (all of one width), scaled per column, with a linear output and mean squared error
    /// for a preset; then sets the threshold at <see cref="AnomalyOptions.Percentile"/> of the errors of the held-out
    /// last <see cref="AnomalyOptions.Holdout"/> of the rows.
    /// </summary>
    /// <param name="normalRows">Normal rows only, all of one width and finite; the last <see cref="AnomalyOptions.Holdout"/> of them set the threshold.</param>
    /// <param name="presetOrSpecFile">A dense preset from <see cref="AutoencoderModel.Presets"/> (such as <c>basic</c>), or the path of a spec .json file.</param>
    /// <param name="options">Training, threshold and scaling; null for the defaults of <see cref="AnomalyOptions"/>.</param>
    /// <param name="progress">Told of every finished training epoch; null to hear nothing.</param>
    /// <param name="cancel">Stops training after the current batch; the threshold is then set on what was trained.</param>
    /// <returns>The fitted detector; dispose of it to free its tensors.</returns>
    /// <exception cref="BadInputException">A row is null, of another width or not finite, or an option is out of range.</exception>
    public static AnomalyModel Fit(float[][] normalRows, string presetOrSpecFile, AnomalyOptions? options = null,
        IProgress<FitProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= new AnomalyOptions();
        options.Training.Validate();
        if (!(options.Holdout > 0 && options.Holdout < 1)) throw new BadInputException($"options.Holdout: expected a fraction in (0, 1), got {options.Holdout}");
        if (!(options.Percentile > 0 && options.Percentile < 100)) throw new BadInputException($"options.Percentile: expected a percentile in (0, 100), got {options.Percentile}");
        var scalerKind = TabularScaling.Choose(options.Scaler, ScalerKind.Standard);
        int width = normalRows is { Length: > 0 } && normalRows[0] is { } first ? first.Length : 0;
        if (normalRows is { Length: > 0 } && width == 0) throw new BadInputException($"{nameof(normalRows)}[0]: expected a row of at least one value");
        using var all = Rows.ToDataset(normalRows, width, nameof(normalRows), [width]);
        var (fitPart, holdoutPart) = all.SplitLast(options.Holdout);
        using (fitPart) using (holdoutPart)
        {
            var scaler = scalerKind is ScalerKind kind ? FeatureScaler.Fit(fitPart, kind) : null;
            using var fit = scaler?.Transform(fitPart, fitPart.Name) ?? fitPart.Slice(0, fitPart.Count);
            using var holdout = scaler?.Transform(holdoutPart, holdoutPart.Name) ?? holdoutPart.Slice(0, holdoutPart.Count);
            var spec = TabularScaling.AdaptOutput(ModelSource.Spec(presetOrSpecFile), scalerKind, Presets.Exists(presetOrSpecFile), new List<string>())
                .WithInputShape([width]);
            var training = options.Training;
            return IsolatedTorchState.Run(training.Threads, () =>
            {
                random.manual_seed(training.Seed);
                var model = ModelFactory.Create(spec, presetOrSpecFile);
                try
                {
                    var (train, validation) = fit.SplitLast(training.ValidationSplit);
                    using (train) using (validation)
                    using (var session = new TrainingSession
                    {
                        Spec = spec, StartFrom = model, Train = train, Validation = validation, DataName = nameof(normalRows),
                        Options = training.ToTraining(new ReconstructionLoss(LossKind.Mse)), Evaluate = false,
                    })
                        session.Run(observer: progress is null ? null : new FitObserver(progress), cancel: cancel);
                    // §8.4 steps 2-3: errors of held-out normal rows, threshold at their percentile.
                    var errors = AnomalyDetector.ScoresOf(model, null, holdout);
                    double threshold = AnomalyThreshold.From(options.Percentile, null).Apply(errors);
                    return new AnomalyModel(model, new AnomalySettings
                    {
                        Threshold = threshold, Percentile = options.Percentile, Data = "rows given in memory", Holdout = options.Holdout,
                        TrainingSamples = fitPart.Count, HoldoutSamples = holdoutPart.Count, HoldoutFlagged = errors.Count(e => e > threshold),
                        Scaler = scaler,
                    });
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            });
        }
    }

    /// <summary>Loads a folder written by <see cref="Save"/> or <c>bottleneck anomaly fit</c>.</summary>
    /// <param name="folder">The detector's folder (model.json with its threshold and scaler, weights.safetensors).</param>
    /// <returns>The detector as it was saved.</returns>
    /// <exception cref="BadInputException">The folder is missing, is not a detector's, or one of its files is malformed.</exception>
    public static AnomalyModel Load(string folder)
    {
        var detector = AnomalyDetector.Load(folder);
        return new AnomalyModel(detector.Model, detector.Settings);
    }

    /// <summary>
    /// Each row's anomaly score: its mean squared reconstruction error after the scaler (PyOD's decision_function).
    /// Rows go straight from the arrays given into the model's input, up to 1,024 a model call, on one libtorch thread.
    /// </summary>
    /// <param name="rows">Rows of <see cref="InputSize"/> finite values each, in the units the detector was fitted on.</param>
    /// <returns>One score per row, in the order given; above <see cref="Threshold"/> is an anomaly.</returns>
    public double[] Score(float[][] rows)
    {
        var scores = new double[Rows.Count(rows, nameof(rows))];
        lock (gate)
        {
            // One scorer for the model's life: its input tensor is reused by every call, which the lock serialises.
            scorer ??= new BatchScorer(model, settings.Scaler);
            IsolatedTorchState.WithThreads(1, () =>
                scorer.Score(scores.Length, (first, count, into) => Rows.CopyChecked(rows!, first, count, InputSize, nameof(rows), into), scores));
        }
        return scores;
    }

    /// <summary>One flag per row: true when its score is above <see cref="Threshold"/>.</summary>
    /// <param name="rows">Rows of <see cref="InputSize"/> finite values each.</param>
    /// <returns>One flag per row, in the order given: true for an anomaly.</returns>
    public bool[] Predict(float[][] rows) => Score(rows).Select(s => s > Threshold).ToArray();

    /// <summary>Writes the model folder with its threshold and scaler; <c>bottleneck anomaly score --model FOLDER</c> reads it.</summary>
    /// <param name="folder">The folder to write; created if missing.</param>
    public void Save(string folder)
    {
        lock (gate)
        {
            ModelFolder.Save(model, folder, new Dictionary<string, JsonNode?>
            {
                ["data"] = new JsonObject
                {
                    ["scaling"] = settings.Scaler?.Describe(AnomalySettings.Field + ".scaler") ?? "none",
                },
                [AnomalySettings.Field] = settings.ToJson(),
            });
        }
    }

    /// <summary>
    /// Writes the detector as an ONNX file that ONNX Runtime runs without .NET or libtorch (and <c>Bottleneck.Scoring</c>
    /// loads): raw rows "input" [N, <see cref="InputSize"/>] go through the detector's scaler and the autoencoder, and
    /// come out as "score" [N] (as <see cref="Score"/>) and "anomaly" [N] (score &gt; <see cref="Threshold"/>, as
    /// <see cref="Predict"/>), with the threshold, percentile and scaler in the metadata; opset 17, written atomically,
    /// as <c>bottleneck export --model FOLDER</c> writes a detector's folder.
    /// </summary>
    /// <param name="path">The .onnx file to write; replaced if it exists.</param>
    /// <exception cref="BadInputException">A layer of the model has no ONNX form.</exception>
    public void ExportOnnx(string path)
    {
        lock (gate)
            OnnxExport.Save(model, path, OnnxGraphKind.Score, scaling: settings.Scaler?.Describe(AnomalySettings.Field + ".scaler") ?? "none", detector: settings);
    }

    /// <summary>Frees the model's tensors (native memory); the detector cannot be used afterwards.</summary>
    public void Dispose()
    {
        scorer?.Dispose();
        model.Dispose();
    }
}
