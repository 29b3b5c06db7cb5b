using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bottleneck.IO;

namespace Bottleneck.Applications.Report;

/// <summary>
/// report.json and the cache's claim files: snake_case names, verdicts as "not-reproducible-at-budget", every measured
/// number with the text the page shows for it (<c>value_text</c>), so a reader can check the page against the file.
/// </summary>
internal static class ReportJson
{
    /// <summary>The serializer settings of report.json.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // report.json is read by people too: §, ≈, × as themselves, not \u escapes (the page escapes its own HTML).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One claim as JSON.</summary>
    public static string WriteClaim(ClaimResult result) => JsonSerializer.Serialize(result, Options);

    /// <summary>One claim read back.</summary>
    /// <exception cref="JsonException">Not a claim.</exception>
    public static ClaimResult ReadClaim(string json) =>
        JsonSerializer.Deserialize<ClaimResult>(json, Options) ?? throw new JsonException("empty claim");

    /// <summary>The whole report as JSON.</summary>
    public static string Write(ReportDocument document) => JsonSerializer.Serialize(document, Options);

    /// <summary>Reads a report.json back.</summary>
    public static ReportDocument Read(string json) =>
        JsonSerializer.Deserialize<ReportDocument>(json, Options) ?? throw new JsonException("empty report");

    /// <summary>Writes report.json atomically.</summary>
    public static void Save(string path, ReportDocument document) => AtomicFile.WriteAllText(path, Write(document));
}
