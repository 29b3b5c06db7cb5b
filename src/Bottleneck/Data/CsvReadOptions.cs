namespace Bottleneck.Data;

/// <summary>How <see cref="CsvTable.Read"/> interprets a CSV file.</summary>
internal sealed record CsvReadOptions
{
    /// <summary>Whether the first row names the columns; null detects it: the first row is a header when any of its cells is not a number.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// The column holding integer class labels: a header name, or a 0-based column index written as a string such
    /// as "0" (negative counts from the end, "-1" being the last column). Null means the file has no labels.
    /// </summary>
    public string? LabelColumn { get; init; }

    /// <summary>The character separating cells.</summary>
    public char Delimiter { get; init; } = ',';
}
