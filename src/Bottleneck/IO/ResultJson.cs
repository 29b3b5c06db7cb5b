using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bottleneck.IO;

/// <summary>
/// How the result records (metrics.json, sweep.json, evaluation.json, ...) become JSON and back: snake_case names as
/// the files have always used, enums as snake_case words, and numbers JSON cannot hold (NaN, ±∞) written as null with a
/// warning (<see cref="FiniteJson"/>) and read back as NaN. A property left null is left out unless the record says
/// otherwise.
/// </summary>
internal static class ResultJson
{
    static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new FiniteDoubleConverter(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Indented, with every character outside ASCII escaped (sweep.json, evaluation.json).</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Indented, with units read by people (β, ‖, −) written as they are instead of \uXXXX escapes (metrics.json).</summary>
    public static readonly JsonSerializerOptions Readable = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><paramref name="value"/> as a JSON tree; a non-finite number in it is a marker until <see cref="FiniteJson"/> writes it.</summary>
    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!;

    /// <summary>
    /// <paramref name="value"/> as JSON text laid out by <paramref name="layout"/> (null: compact, non-ASCII escaped, as
    /// --json prints); <paramref name="where"/> names the file or output in the warnings about non-finite numbers.
    /// </summary>
    public static string Serialize<T>(T value, string where, JsonSerializerOptions? layout = null) => FiniteJson.Serialize(ToNode(value), where, layout);

    /// <summary>Reads a record from <paramref name="node"/>; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="BadInputException">The JSON does not hold such a record.</exception>
    public static T Read<T>(JsonNode node, string source)
    {
        try
        {
            return node.Deserialize<T>(Options) ?? throw new BadInputException($"{source}: expected a JSON object, found null");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{source}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>The JSON names of <typeparamref name="T"/>'s properties, as this class writes them.</summary>
    public static IReadOnlySet<string> PropertyNames<T>() => Options.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name).ToHashSet();
}
