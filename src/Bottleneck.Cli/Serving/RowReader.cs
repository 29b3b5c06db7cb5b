using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bottleneck.Cli.Serving;

/// <summary>
/// Reads a request body's rows into one row-major float32 buffer, checking each against the model's row width:
/// JSON {"rows": [[...], ...]} or text/csv (one row a line, an optional header that must match the training columns).
/// A bad value is named by its place ("rows[3][5]", "line 4, column 2"); more rows than allowed is a 413.
/// </summary>
internal sealed class RowReader(int width, int maxRows, string[]? featureNames)
{
    /// <summary>The rows of a body of <paramref name="contentType"/>; returns the values and the number of rows.</summary>
    public (float[] Values, int Rows) Read(ReadOnlyMemory<byte> body, string? contentType)
    {
        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/json" or "" => ReadJson(body.Span),
            "text/csv" => ReadCsv(body.Span),
            _ => throw new RequestError(415, "Content-Type", "application/json or text/csv", $"Content-Type: expected application/json or text/csv, got {media}"),
        };
    }

    (float[] Values, int Rows) ReadJson(ReadOnlySpan<byte> body)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty) throw RequestError.Bad("body", "a JSON object {\"rows\": [[...], ...]}", "an empty body");
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        var values = new List<float>();
        int rows = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw RequestError.Bad("body", "a JSON object {\"rows\": [[...], ...]}", Describe(reader));
            bool seen = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("rows"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                seen = true;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) throw RequestError.Bad("rows", "an array of rows", Describe(reader));
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var field = $"rows[{rows}]";
                    if (reader.TokenType != JsonTokenType.StartArray) throw RequestError.Bad(field, $"an array of {width} numbers", Describe(reader));
                    if (++rows > maxRows) throw TooManyRows();
                    int column = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (column == width) throw RequestError.Bad(field, $"{width} numbers", "more");
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetSingle(out var v) || !float.IsFinite(v))
                            throw RequestError.Bad($"{field}[{column}]", "a finite float32 number", Describe(reader));
                        values.Add(v);
                        column++;
                    }
                    if (column != width) throw RequestError.Bad(field, $"{width} numbers", column.ToString(CultureInfo.InvariantCulture));
                }
            }
            if (!seen) throw RequestError.Bad("rows", "a field 'rows' holding an array of rows", "no such field");
            if (rows == 0) throw RequestError.Bad("rows", "at least one row", "none");
        }
        catch (JsonException e)
        {
            throw RequestError.Bad("body", "valid JSON", $"a syntax error at byte {e.BytePositionInLine ?? reader.BytesConsumed}");
        }
        return (values.ToArray(), rows);
    }

    (float[] Values, int Rows) ReadCsv(ReadOnlySpan<byte> body)
    {
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body); }
        catch (DecoderFallbackException) { throw RequestError.Bad("body", "UTF-8 text", "invalid bytes"); }
        var values = new List<float>();
        int rows = 0, line = 0;
        foreach (var raw in text.Split('\n'))
        {
            line++;
            var row = raw.TrimEnd('\r');
            if (row.Length == 0) continue;
            var fields = row.Split(',');
            if (line == 1 && !float.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                CheckHeader(fields);
                continue;
            }
            if (++rows > maxRows) throw TooManyRows();
            if (fields.Length != width) throw RequestError.Bad($"line {line}", $"{width} comma-separated numbers", $"{fields.Length} fields");
            for (int j = 0; j < width; j++)
            {
                if (!float.TryParse(fields[j], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !float.IsFinite(v))
                    throw RequestError.Bad($"line {line}, column {j + 1}", "a finite float32 number", $"'{Truncate(fields[j])}'");
                values.Add(v);
            }
        }
        if (rows == 0) throw RequestError.Bad("body", "at least one CSV row", "none");
        return (values.ToArray(), rows);
    }

    void CheckHeader(string[] fields)
    {
        var names = fields.Select(f => f.Trim()).ToArray();
        if (featureNames is not null && !names.SequenceEqual(featureNames))
            throw RequestError.Bad("line 1", $"the training columns {string.Join(",", featureNames)} (or no header)", $"'{Truncate(string.Join(",", names))}'");
        if (names.Length != width) throw RequestError.Bad("line 1", $"a header of {width} names", $"{names.Length}");
    }

    RequestError TooManyRows() => new(413, "rows", $"at most {maxRows} rows a request", $"rows: at most {maxRows} rows a request (split the batch)");

    static string Describe(Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.None => "an empty body",
        JsonTokenType.String => $"the string \"{Truncate(reader.GetString() ?? "")}\"",
        JsonTokenType.Number => $"the number {Truncate(Encoding.UTF8.GetString(reader.ValueSpan))}",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => reader.TokenType.ToString(),
    };

    static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
