namespace Bottleneck.Data;

/// <summary>
/// A numeric CSV file: a matrix of float features (rows × columns) and, optionally, one column of integer labels.
/// Cells are trimmed, may be quoted ("..." with "" for a quote, on one line) and are parsed in the invariant culture.
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(NumericArray features, int[]? labels, string[] featureNames, string? labelName)
    {
        Features = features;
        Labels = labels;
        FeatureNames = featureNames;
        LabelName = labelName;
    }

    /// <summary>The feature values, shape [rows, feature columns].</summary>
    public NumericArray Features { get; }

    /// <summary>One label per row, or null when no label column was requested.</summary>
    public int[]? Labels { get; }

    /// <summary>The feature column names from the header, or their 0-based column indices ("0", "1", ...) when there is none.</summary>
    public string[] FeatureNames { get; }

    /// <summary>The label column's name (or index when there is no header), or null when there are no labels.</summary>
    public string? LabelName { get; }

    /// <summary>
    /// Reads a numeric CSV file whole (<see cref="CsvRowReader"/> reads it a chunk at a time). Blank lines are skipped;
    /// error messages give 1-based line numbers as "row N".
    /// </summary>
    /// <exception cref="BadInputException">
    /// The file is missing or empty, a row has the wrong number of cells, a cell is not a finite number, or the label
    /// column does not exist or holds a non-integer.
    /// </exception>
    public static CsvTable Read(string path, CsvReadOptions? options = null)
    {
        using var rows = CsvRowReader.Open(path, options);
        var features = new List<float>();
        var labels = rows.LabelName is null ? null : new List<int>();
        while (rows.ReadChunk(1 << 14) is { } chunk)
        {
            features.AddRange(chunk.Features);
            labels?.AddRange(chunk.Labels!);
        }
        return new CsvTable(
            NumericArray.FromFloats([checked((int)rows.RowsRead), rows.FeatureCount], features.ToArray()),
            labels?.ToArray(),
            rows.FeatureNames,
            rows.LabelName);
    }
}
