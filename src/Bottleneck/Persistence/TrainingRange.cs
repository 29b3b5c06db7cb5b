using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Data;

namespace Bottleneck.Persistence;

/// <summary>
/// The smallest and largest value of the data a model was trained on, after its scaling (saved as model.json's
/// <c>data.range</c>). New data whose values leave [min − span, max + span] is on another scale (0..255 pixels for a
/// model trained on x / 255 reach 255 where 2 is the limit), and every figure computed from it would mislead, so it is
/// refused. A whole span of slack either side lets genuine anomalies through: standardised sensor rows with faults
/// reach twice the normal rows' largest value, where a scale error misses by a factor of hundreds.
/// </summary>
internal sealed record TrainingRange(double Min, double Max)
{
    /// <summary>Name of the field, inside model.json's "data" object, that holds [min, max].</summary>
    public const string Field = "range";

    /// <summary>How far beyond the training range, in multiples of its span, new data may reach.</summary>
    public const double Tolerance = 1.0;

    // A constant training column has span 0; a hair of slack keeps identical data acceptable.
    double Margin => Tolerance * Math.Max(Max - Min, 1e-6);

    /// <summary>The lowest value new data may hold.</summary>
    public double Low => Min - Margin;

    /// <summary>The highest value new data may hold.</summary>
    public double High => Max + Margin;

    /// <summary>The range of <paramref name="data"/> (bytes count as x / 255).</summary>
    public static TrainingRange Of(Dataset data)
    {
        var (min, max) = data.Range();
        return new TrainingRange(min, max);
    }

    /// <summary>[min, max] for model.json.</summary>
    public JsonNode ToJson() => new JsonArray(Min, Max);

    /// <summary>Reads data.range from a model.json; null when the folder predates the field.</summary>
    /// <exception cref="BadInputException">The field is there but is not two finite numbers, min ≤ max.</exception>
    public static TrainingRange? FromManifest(JsonObject manifest, string source)
    {
        var node = manifest["data"]?[Field];
        if (node is null) return null;
        if (node is JsonArray { Count: 2 } pair && pair.All(v => v?.GetValueKind() == JsonValueKind.Number))
        {
            double min = (double)pair[0]!, max = (double)pair[1]!;
            if (double.IsFinite(min) && double.IsFinite(max) && min <= max) return new TrainingRange(min, max);
        }
        throw new BadInputException($"{source}: field 'data.{Field}': expected [min, max], two finite numbers with min ≤ max, found {node.ToJsonString()}");
    }

    /// <summary>Refuses <paramref name="data"/> (already scaled as the model's data was) when it leaves the accepted range.</summary>
    /// <param name="model">The model folder, named in the message.</param>
    /// <param name="stage">Where the values were measured ("as read", "after the folder's standard scaler").</param>
    /// <param name="scaling">How the training data was scaled (model.json's data.scaling), for the advice.</param>
    public void Check(Dataset data, string model, string stage, string scaling)
    {
        var (min, max) = data.Range();
        Check(min, max, data.Name, model, stage, scaling);
    }

    /// <summary>Refuses data named <paramref name="name"/> whose values (already scaled) span [<paramref name="min"/>, <paramref name="max"/>] when that leaves the accepted range.</summary>
    internal void Check(double min, double max, string name, string model, string stage, string scaling)
    {
        if (min >= Low && max <= High) return;
        throw new BadInputException(
            $"{name}: values span [{G(min)}, {G(max)}] {stage}, but the model in {model} was trained on [{G(Min)}, {G(Max)}] " +
            $"and accepts [{G(Low)}, {G(High)}]; the data is on another scale (training data scaling: {scaling})");
    }

    static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
