using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bottleneck.IO;

/// <summary>
/// The JSON convention of the files Bottleneck reads and writes (model.json, spec files, recipes): snake_case names as
/// the command line spells them, comments and trailing commas allowed, unknown fields refused, nulls left out.
/// It lives at the bottom so that every layer (a data scaler as much as a model spec) writes the same JSON.
/// </summary>
internal static class SnakeCaseJson
{
    /// <summary>The shared serializer options; copy them (<c>new(SnakeCaseJson.Options) { ... }</c>) to vary one setting.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
