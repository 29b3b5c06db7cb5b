namespace Bottleneck.IO;

/// <summary>One field of a CSV line as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a quote or a line break.</summary>
internal static class CsvField
{
    /// <summary><paramref name="field"/> as it must appear in a CSV line.</summary>
    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
