using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bottleneck.IO;

/// <summary>
/// Serialises JSON whose figures may not be finite (a loss that diverged, a ratio of zero variances): JSON has no NaN
/// or ∞, so each such number is written as null and reported through <see cref="Warning"/>, instead of the serializer
/// throwing after half of a run's files are written.
/// </summary>
internal static class FiniteJson
{
    /// <summary>Receives one line per number written as null; the command-line tool prints them on stderr.</summary>
    public static Action<string>? Warning { get; set; }

    /// <summary>
    /// <paramref name="node"/> as JSON text, every NaN or infinite number replaced by null (in <paramref name="node"/>
    /// itself); <paramref name="where"/> names the file or output in the warnings.
    /// </summary>
    public static string Serialize(JsonNode node, string where, JsonSerializerOptions? options = null)
    {
        foreach (var (path, value) in ReplaceNonFinite(node))
            Warning?.Invoke($"warning: {where}: '{path}' is {value}, which JSON cannot hold; written as null");
        return node.ToJsonString(options);
    }

    /// <summary>Replaces every non-finite number under <paramref name="node"/> by null; returns each one's path and value.</summary>
    public static List<(string Path, string Value)> ReplaceNonFinite(JsonNode node)
    {
        var replaced = new List<(string, string)>();
        Visit(node, "", replaced);
        return replaced;
    }

    static void Visit(JsonNode? node, string path, List<(string, string)> replaced)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var child = path.Length == 0 ? key : $"{path}.{key}";
                    if (NonFinite(obj[key]) is { } value) { obj[key] = null; replaced.Add((child, value)); }
                    else Visit(obj[key], child, replaced);
                }
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (NonFinite(array[i]) is { } value) { array[i] = null; replaced.Add(($"{path}[{i}]", value)); }
                    else Visit(array[i], $"{path}[{i}]", replaced);
                }
                break;
        }
    }

    /// <summary>"NaN", "Infinity" or "-Infinity" for a non-finite number (or a record's marker for one); null for anything else.</summary>
    static string? NonFinite(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        double number;
        if (value.GetValueKind() == JsonValueKind.String)
            return value.GetValue<string>() is [FiniteDoubleConverter.Marker, .. var written] ? written : null;
        if (value.TryGetValue<double>(out var d)) number = d;
        else if (value.TryGetValue<float>(out var f)) number = f;
        else return null;
        return double.IsFinite(number) ? null : number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
