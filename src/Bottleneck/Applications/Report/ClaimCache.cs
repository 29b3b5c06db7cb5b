using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bottleneck.IO;

namespace Bottleneck.Applications.Report;

/// <summary>
/// Where measured claims are kept: <c>OUT/cache/&lt;claim&gt;-&lt;hash&gt;.json</c> and its figure
/// <c>&lt;claim&gt;-&lt;hash&gt;.png</c>, the hash covering the claim's id, revision and settings (budget, data, epochs,
/// seeds) and the library version. The JSON is written last, atomically, so it marks a finished claim: a run that was
/// interrupted resumes at the first claim without one, and a second run with the same settings measures nothing.
/// </summary>
internal sealed class ClaimCache(string folder)
{
    /// <summary>The cache folder (OUT/cache).</summary>
    public string Folder { get; } = folder;

    /// <summary>The key of <paramref name="claim"/> measured with <paramref name="settings"/>: 16 hex digits of a SHA-256.</summary>
    public static string Key(ReportClaim claim, ClaimSettings settings)
    {
        var text = JsonSerializer.Serialize(new
        {
            claim = claim.Id,
            revision = claim.Revision,
            library = LibraryInfo.Version,
            settings = new
            {
                budget = settings.Budget.Name(), settings.Data, settings.Seeds, settings.Epochs, settings.TrainingSamples,
                settings.TestSamples, settings.Extra,
            },
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>The result file of a key.</summary>
    public string ResultPath(string id, string key) => Path.Combine(Folder, $"{id}-{key}.json");

    /// <summary>The figure file of a key.</summary>
    public string FigurePath(string id, string key) => Path.Combine(Folder, $"{id}-{key}.png");

    /// <summary>The scratch folder of a key, removed when the claim is stored.</summary>
    public string WorkPath(string id, string key) => Path.Combine(Folder, $"{id}-{key}.work");

    /// <summary>The stored result, or null when there is none (or it cannot be read, or its figure is missing: it is measured again).</summary>
    public ClaimResult? TryLoad(string id, string key)
    {
        var path = ResultPath(id, key);
        if (!File.Exists(path)) return null;
        try
        {
            var result = ReportJson.ReadClaim(File.ReadAllText(path));
            if (result.Id != id || result.CacheKey != key) return null;
            if (result.Figure is { } figure && !File.Exists(Path.Combine(Folder, figure))) return null;
            return result;
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="result"/> (its figure is already in place) and removes the scratch folder.</summary>
    public void Store(ClaimResult result)
    {
        AtomicFile.WriteAllText(ResultPath(result.Id, result.CacheKey), ReportJson.WriteClaim(result));
        var work = WorkPath(result.Id, result.CacheKey);
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
    }
}
