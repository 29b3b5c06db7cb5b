using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bottleneck.IO;

namespace Bottleneck.Evaluation;

/// <summary>
/// What `bottleneck evaluate --json` prints: how well a model reconstructs a dataset, the model family's own figures,
/// and, for corrupted input, how much the model cleans it. The keys are those of every earlier version.
/// </summary>
internal sealed record ModelEvaluation
{
    /// <summary>BCE, mean per element; null unless the data lies in [0, 1].</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? Bce { get; init; }

    /// <summary>MSE, mean per element.</summary>
    public required double Mse { get; init; }

    /// <summary>MAE, mean per element.</summary>
    public required double Mae { get; init; }

    /// <summary>PSNR in dB; null unless the data lies in [0, 1].</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? Psnr { get; init; }

    /// <summary>Samples measured.</summary>
    public required int Samples { get; init; }

    /// <summary>The data's name.</summary>
    public required string Data { get; init; }

    /// <summary>The model spec's name.</summary>
    public required string Model { get; init; }

    /// <summary>The model family's own figures (a VAE's ELBO, a VQ-VAE's perplexity), written as top-level numbers after <see cref="Model"/>.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, double> ModelFigures { get; init; } = new Dictionary<string, double>();

    /// <summary>The unit of each family figure, by name; present when the family has figures.</summary>
    public IReadOnlyDictionary<string, string>? Units { get; init; }

    /// <summary>How much the model cleans the corrupted input, when the input was corrupted.</summary>
    public DenoisingSummary? Denoising { get; init; }

    /// <summary>The evaluation of <paramref name="measured"/>, with the family's figures and their units.</summary>
    public static ModelEvaluation Of(ReconstructionMetrics measured, string data, string model, IReadOnlyDictionary<string, double> figures,
        IReadOnlyDictionary<string, string> units, DenoisingSummary? denoising) => new()
    {
        // BCE and PSNR are figures only for data in [0, 1]; for other data they are null, not a misleading number.
        Bce = measured.InUnitRange ? measured.Bce : null,
        Mse = measured.Mse,
        Mae = measured.Mae,
        Psnr = measured.InUnitRange ? measured.Psnr : null,
        Samples = measured.Samples,
        Data = data,
        Model = model,
        ModelFigures = figures,
        Units = figures.Count > 0 ? units : null,
        Denoising = denoising,
    };

    /// <summary>The evaluation as a JSON tree in the order it has always been printed.</summary>
    public JsonObject ToJson()
    {
        var json = ResultJson.ToNode(this).AsObject();
        int at = json.IndexOf("model") + 1;
        foreach (var (name, value) in ModelFigures) json.Insert(at++, name, JsonValue.Create(value));
        return json;
    }

    /// <summary>Reads an evaluation from its JSON tree; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="BadInputException">The JSON is not an evaluation.</exception>
    public static ModelEvaluation FromJson(JsonNode json, string source)
    {
        var evaluation = ResultJson.Read<ModelEvaluation>(json, source);
        var known = ResultJson.PropertyNames<ModelEvaluation>();
        var figures = new Dictionary<string, double>();
        foreach (var (name, value) in json.AsObject())
            if (!known.Contains(name) && (value is null || value.GetValueKind() == System.Text.Json.JsonValueKind.Number))
                figures[name] = value is null ? double.NaN : (double)value;
        return evaluation with { ModelFigures = figures };
    }
}
