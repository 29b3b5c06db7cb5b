using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bottleneck.Evaluation;
using Bottleneck.IO;

namespace Bottleneck.Training;

/// <summary>
/// metrics.json of a training run: what was trained on what, how training went, and what the model measured after it.
/// The keys and number formats are those of every earlier version, so files users already have read into this record.
/// </summary>
internal sealed record RunMetrics
{
    /// <summary>The model spec's name.</summary>
    public required string Model { get; init; }

    /// <summary>The data's name ("mnist", a file path).</summary>
    public required string Data { get; init; }

    /// <summary>The training loss ("bce", "huber:1").</summary>
    public required string Loss { get; init; }

    /// <summary>Parameters in all, trainable and not (batch-norm statistics).</summary>
    public required long Params { get; init; }

    /// <summary>Parameters the optimiser updates.</summary>
    public required long TrainableParams { get; init; }

    /// <summary>Parameters it does not (batch-norm running statistics).</summary>
    public required long NonTrainableParams { get; init; }

    /// <summary>The run's seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Epochs run, counting an interrupted one and, after a resume, those before it.</summary>
    public required int EpochsRun { get; init; }

    /// <summary>The epoch with the lowest monitored loss (0 when none improved on the start).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Why training ended.</summary>
    public required StopReason StopReason { get; init; }

    /// <summary>True when the model holds the best epoch's weights instead of the last epoch's.</summary>
    public required bool RestoredBestWeights { get; init; }

    /// <summary>The last epoch's training loss; null when it was not finite (a diverged run).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? FinalLoss { get; init; }

    /// <summary>The last epoch's validation loss; null without validation data, or when it was not finite.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? FinalValLoss { get; init; }

    /// <summary>The best epoch's monitored loss (val_loss, else loss); null when no epoch had a finite one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? BestMonitoredLoss { get; init; }

    /// <summary>Wall time of the whole fit, in seconds, to the millisecond.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Training samples per second of epoch time, to a tenth.</summary>
    public required double SamplesPerSecond { get; init; }

    /// <summary>The unit of each figure.</summary>
    public required MetricUnits Units { get; init; }

    /// <summary>"test" or "validation": the data the figures below were measured on; null when there was none.</summary>
    public string? EvaluatedOn { get; init; }

    /// <summary>The reconstruction figures on the test data.</summary>
    public ReconstructionFigures? Test { get; init; }

    /// <summary>The reconstruction figures on the validation data, when there was no test data.</summary>
    public ReconstructionFigures? Validation { get; init; }

    /// <summary>The mean code activation on the evaluated data (§3.3.4).</summary>
    public double? MeanActivation { get; init; }

    /// <summary>
    /// The model family's own figures on the evaluated data (a VAE's ELBO, a VQ-VAE's perplexity, a one-layer encoder's
    /// Jacobian norm), written as top-level numbers after mean_activation; their units are in <see cref="MetricUnits.Figures"/>.
    /// </summary>
    [JsonIgnore] public IReadOnlyDictionary<string, double> ModelFigures { get; init; } = new Dictionary<string, double>();

    /// <summary>What layer-wise pretraining did before training end to end.</summary>
    public PretrainingSummary? Pretraining { get; init; }

    /// <summary>How much the model cleans the corrupted input of a denoising run.</summary>
    public DenoisingSummary? Denoising { get; init; }

    /// <summary>The model family's figure files in the run folder.</summary>
    public IReadOnlyList<string>? Figures { get; init; }

    /// <summary>The figures on the data named by <see cref="EvaluatedOn"/>, or null.</summary>
    [JsonIgnore] public ReconstructionFigures? Evaluation => Test ?? Validation;

    /// <summary>The metrics as a JSON tree in the file's order; a non-finite number in it is written as null by <see cref="FiniteJson"/>.</summary>
    public JsonObject ToJson()
    {
        var json = ResultJson.ToNode(this).AsObject();
        // The family's figures follow mean_activation, their units follow the units every run has, as they always have.
        int at = json.IndexOf("mean_activation") + 1;
        foreach (var (name, value) in ModelFigures) json.Insert(at++, name, JsonValue.Create(value));
        var units = json["units"]!.AsObject();
        foreach (var (name, unit) in Units.Figures) units[name] = unit;
        return json;
    }

    /// <summary>The metrics as JSON text laid out by <paramref name="layout"/>; <paramref name="where"/> names the output in warnings.</summary>
    public string Serialize(string where, JsonSerializerOptions? layout = null) => FiniteJson.Serialize(ToJson(), where, layout);

    /// <summary>Reads metrics from their JSON tree; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="BadInputException">The JSON is not a metrics object.</exception>
    public static RunMetrics FromJson(JsonNode json, string source)
    {
        var metrics = ResultJson.Read<RunMetrics>(json, source);
        var unitsJson = json["units"] as JsonObject ?? new JsonObject();
        var units = ResultJson.Read<MetricUnits>(unitsJson, source + " (units)");
        // Every other top-level number is a family figure (null: one that was not finite), every other unit its unit.
        var known = ResultJson.PropertyNames<RunMetrics>();
        var figures = new Dictionary<string, double>();
        foreach (var (name, value) in json.AsObject())
            if (!known.Contains(name) && (value is null || value.GetValueKind() == JsonValueKind.Number))
                figures[name] = value is null ? double.NaN : (double)value;
        var knownUnits = ResultJson.PropertyNames<MetricUnits>();
        var figureUnits = new Dictionary<string, string>();
        foreach (var (name, unit) in unitsJson)
            if (!knownUnits.Contains(name) && unit?.GetValueKind() == JsonValueKind.String) figureUnits[name] = (string)unit!;
        return metrics with { ModelFigures = figures, Units = units with { Figures = figureUnits } };
    }

    /// <summary>Reads a metrics.json file.</summary>
    /// <exception cref="BadInputException">The file is missing, or is not JSON metrics.</exception>
    public static RunMetrics Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: not found");
        JsonNode? json;
        try { json = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new BadInputException($"{path}: not valid JSON: {e.Message.Split('\n')[0]}"); }
        return json is JsonObject ? FromJson(json, path) : throw new BadInputException($"{path}: expected a JSON object");
    }
}

/// <summary>The units of metrics.json's figures, as the file states them.</summary>
internal sealed record MetricUnits
{
    /// <summary>The training loss's unit, which the model family decides (a mean per element; nats per image for a VAE).</summary>
    public required string Loss { get; init; }

    /// <summary>Unit of the evaluated BCE.</summary>
    public string Bce { get; init; } = "mean per element (nats), as Keras reports binary_crossentropy";

    /// <summary>Unit of the evaluated MSE.</summary>
    public string Mse { get; init; } = "mean per element";

    /// <summary>Unit of the evaluated MAE.</summary>
    public string Mae { get; init; } = "mean per element";

    /// <summary>Unit of the evaluated PSNR.</summary>
    public string Psnr { get; init; } = "dB, 10·log10(1/mse) for data in [0, 1]";

    /// <summary>The unit of each of <see cref="RunMetrics.ModelFigures"/>, by name.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, string> Figures { get; init; } = new Dictionary<string, string>();
}

/// <summary>How well the trained model reconstructs the evaluated data: metrics.json's "test" or "validation" object.</summary>
internal sealed record ReconstructionFigures
{
    /// <summary>BCE, mean per element; null unless the data lies in [0, 1] (a cross-entropy only of such data).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? Bce { get; init; }

    /// <summary>MSE, mean per element.</summary>
    public required double Mse { get; init; }

    /// <summary>MAE, mean per element.</summary>
    public required double Mae { get; init; }

    /// <summary>PSNR in dB; null unless the data lies in [0, 1] (its peak is 1).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? Psnr { get; init; }

    /// <summary>Samples measured.</summary>
    public required int Samples { get; init; }

    /// <summary>The standard deviation of the per-sample MSEs (population form, as numpy's std).</summary>
    public required double PerSampleMseStd { get; init; }

    /// <summary>The figures of <paramref name="measured"/>.</summary>
    public static ReconstructionFigures Of(ReconstructionMetrics measured)
    {
        // std = sqrt(mean((e − ē)²)) over the per-sample MSEs e.
        var perSample = measured.PerSampleMse;
        double mean = perSample.Average(v => (double)v);
        double std = Math.Sqrt(perSample.Average(v => (v - mean) * (v - mean)));
        return new ReconstructionFigures
        {
            Bce = measured.InUnitRange ? measured.Bce : null,
            Mse = measured.Mse,
            Mae = measured.Mae,
            Psnr = measured.InUnitRange ? measured.Psnr : null,
            Samples = measured.Samples,
            PerSampleMseStd = std,
        };
    }
}
