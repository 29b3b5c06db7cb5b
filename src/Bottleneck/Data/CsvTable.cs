using System.Globalization;
using System.Text;

namespace Bottleneck.Data;

/// <summary>
/// A numeric CSV file: a matrix of float features (rows × columns) and, optionally, one column of integer labels.
/// Cells are trimmed, may be quoted ("..." with "" for a quote, on one line) and are parsed in the invariant culture.
/// </summary>
public sealed class CsvTable
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
    /// Reads a numeric CSV file. Blank lines are skipped; error messages give 1-based line numbers as "row N".
    /// </summary>
    /// <exception cref="BadInputException">
    /// The file is missing or empty, a row has the wrong number of cells, a cell is not a finite number, or the label
    /// column does not exist or holds a non-integer.
    /// </exception>
    public static CsvTable Read(string path, CsvReadOptions? options = null)
    {
        options ??= new CsvReadOptions();
        if (options.Delimiter is '"' or '\r' or '\n')
            throw new ArgumentException($"'{options.Delimiter}' cannot be a CSV delimiter.", nameof(options));

        using var reader = new StreamReader(DataFile.OpenRead(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var lines = new LineReader(reader);

        if (!lines.Next(out var firstLine))
            throw new BadInputException($"{path}: the file is empty, expected rows of numbers (optionally below a header)");
        var firstCells = Split(firstLine, options.Delimiter, path, lines.Number);
        var hasHeader = options.HasHeader ?? firstCells.Any(cell => !LooksNumeric(cell));
        var firstRow = lines.Number;

        var columnNames = hasHeader
            ? firstCells.ToArray()
            : Enumerable.Range(0, firstCells.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var expectation = hasHeader ? "as in the header" : $"as in row {firstRow}";
        var labelIndex = options.LabelColumn is null ? -1 : ResolveLabelColumn(options.LabelColumn, columnNames, hasHeader, path);
        if (labelIndex >= 0 && columnNames.Length == 1)
            throw new BadInputException($"{path}: no feature columns: the only column is the label column '{columnNames[0]}'");

        string DescribeColumn(int column) =>
            hasHeader ? $"column '{columnNames[column]}'" : $"column {column} (counting from 0)";

        var features = new List<float>();
        var labels = labelIndex >= 0 ? new List<int>() : null;
        var rows = 0;

        void AddRow(List<string> cells, int row)
        {
            if (cells.Count != columnNames.Length)
                throw new BadInputException($"{path}: row {row} has {cells.Count} columns, expected {columnNames.Length} ({expectation})");
            for (var column = 0; column < cells.Count; column++)
            {
                if (column == labelIndex) labels!.Add(ParseLabel(cells[column], path, row, DescribeColumn(column)));
                else features.Add(ParseFeature(cells[column], path, row, DescribeColumn(column)));
            }
            rows++;
        }

        if (!hasHeader) AddRow(firstCells, firstRow);
        while (lines.Next(out var line)) AddRow(Split(line, options.Delimiter, path, lines.Number), lines.Number);

        if (rows == 0)
            throw new BadInputException($"{path}: no data rows after the header in row {firstRow}");

        var featureNames = columnNames.Where((_, i) => i != labelIndex).ToArray();
        return new CsvTable(
            NumericArray.FromFloats([rows, featureNames.Length], features.ToArray()),
            labels?.ToArray(),
            featureNames,
            labelIndex >= 0 ? columnNames[labelIndex] : null);
    }

    private static int ResolveLabelColumn(string requested, string[] columnNames, bool hasHeader, string path)
    {
        var key = requested.Trim();
        if (hasHeader)
        {
            var matches = Enumerable.Range(0, columnNames.Length).Where(i => columnNames[i] == key).ToArray();
            if (matches.Length > 1)
                throw new BadInputException($"{path}: label column '{key}' is ambiguous: the header names {matches.Length} columns '{key}'");
            if (matches.Length == 1) return matches[0];
        }

        if (!int.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            throw new BadInputException(hasHeader
                ? $"{path}: label column '{key}' not found in the header (columns: {string.Join(", ", columnNames.Take(20))}{(columnNames.Length > 20 ? ", ..." : "")})"
                : $"{path}: label column '{key}' must be a 0-based column index such as \"0\" or \"-1\", since the file has no header");
        }

        var count = columnNames.Length;
        if (index < -count || index >= count)
            throw new BadInputException(
                $"{path}: label column index {index} is out of range for {count} columns (expected 0..{count - 1}, or -{count}..-1 counting from the end)");
        return index < 0 ? count + index : index;
    }

    private static float ParseFeature(string cell, string path, int row, string column)
    {
        if (!TryParseNumber(cell, out var value))
            throw new BadInputException($"{path}: row {row}, {column}: '{cell}' is not a number");
        if (!double.IsFinite(value))
            throw new BadInputException($"{path}: row {row}, {column}: '{cell}' is not a finite number");
        var single = (float)value;
        if (!float.IsFinite(single))
            throw new BadInputException($"{path}: row {row}, {column}: '{cell}' is outside the float32 range (about ±3.4e38)");
        return single;
    }

    private static int ParseLabel(string cell, string path, int row, string column)
    {
        if (TryParseNumber(cell, out var value) && value == Math.Floor(value) && value is >= int.MinValue and <= int.MaxValue)
            return (int)value;
        throw new BadInputException($"{path}: row {row}, label {column}: '{cell}' is not an integer");
    }

    /// <summary>Header detection counts "nan" and "inf" as numbers, so a data row with a missing value is not mistaken for a header.</summary>
    private static bool LooksNumeric(string cell) => TryParseNumber(cell, out _);

    private static bool TryParseNumber(string cell, out double value)
    {
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;

        // .NET spells the special values "NaN" and "Infinity"; Python, R and spreadsheets also write "nan" and "inf".
        var word = cell.TrimStart('+', '-').ToLowerInvariant();
        if (word == "nan") value = double.NaN;
        else if (word is "inf" or "infinity") value = cell.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
        else return false;
        return true;
    }

    /// <summary>Splits one line into trimmed, unquoted cells.</summary>
    private static List<string> Split(string line, char delimiter, string path, int row)
    {
        var cells = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] != delimiter && char.IsWhiteSpace(line[i])) i++;
            if (i < line.Length && line[i] == '"')
            {
                var opening = i++;
                var cell = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                        throw new BadInputException($"{path}: row {row}: the quoted cell starting at character {opening + 1} is not closed on the same line");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    cell.Append(line[i++]);
                }
                while (i < line.Length && line[i] != delimiter && char.IsWhiteSpace(line[i])) i++;
                if (i < line.Length && line[i] != delimiter)
                    throw new BadInputException(
                        $"{path}: row {row}: unexpected '{line[i]}' at character {i + 1} after a closing quote, expected '{delimiter}' or the end of the line");
                cells.Add(cell.ToString());
            }
            else
            {
                var start = i;
                while (i < line.Length && line[i] != delimiter) i++;
                cells.Add(line[start..i].TrimEnd());
            }

            if (i >= line.Length) return cells;
            i++; // past the delimiter
        }
    }

    /// <summary>Yields the non-blank lines of a file, keeping count of the 1-based line number for error messages.</summary>
    private sealed class LineReader(TextReader reader)
    {
        public int Number { get; private set; }

        public bool Next(out string line)
        {
            while (reader.ReadLine() is { } text)
            {
                Number++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                line = text;
                return true;
            }
            line = "";
            return false;
        }
    }
}
