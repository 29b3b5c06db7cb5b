using System.Globalization;
using System.Text;

namespace Bottleneck.Data;

/// <summary>Rows read from a CSV file in one go: their features (row-major, float32), their labels if any, and where they start.</summary>
/// <param name="Features">Rows × <see cref="CsvRowReader.FeatureCount"/> values, row-major.</param>
/// <param name="Labels">One label per row, or null when no label column was requested.</param>
/// <param name="Rows">Number of rows in this chunk.</param>
/// <param name="FirstRow">0-based index, among the file's data rows, of this chunk's first row.</param>
internal sealed record CsvChunk(float[] Features, int[]? Labels, int Rows, long FirstRow);

/// <summary>
/// Reads a numeric CSV file a chunk of rows at a time, so that files larger than memory can be processed: the header
/// (detected or given) and the label column are resolved when the file is opened, and every row is checked as it is
/// read, with the same one-line messages as <see cref="CsvTable"/> (which is built on this reader). Cells are trimmed,
/// may be quoted ("..." with "" for a quote, on one line) and are parsed in the invariant culture; blank lines are
/// skipped; messages give 1-based line numbers as "row N".
/// </summary>
internal sealed class CsvRowReader : IDisposable
{
    const int ReservedValues = 1 << 20;

    readonly string path;
    readonly char delimiter;
    readonly StreamReader reader;
    readonly string[] columnNames;
    readonly int labelIndex;
    readonly string expectation;
    List<string>? pendingFirstRow;      // a headerless file's first line, already split, not yet returned
    int pendingFirstRowNumber;
    int lineNumber;
    bool finished;

    CsvRowReader(string path, CsvReadOptions options)
    {
        if (options.Delimiter is '"' or '\r' or '\n')
            throw new ArgumentException($"'{options.Delimiter}' cannot be a CSV delimiter.", nameof(options));
        this.path = path;
        delimiter = options.Delimiter;
        reader = new StreamReader(DataFile.OpenRead(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        try
        {
            if (!NextLine(out var firstLine))
                throw new BadInputException($"{path}: the file is empty, expected rows of numbers (optionally below a header)");
            var firstCells = Split(firstLine, lineNumber);
            HasHeader = options.HasHeader ?? firstCells.Any(cell => !LooksNumeric(cell));
            FirstLine = lineNumber;

            columnNames = HasHeader
                ? firstCells.ToArray()
                : Enumerable.Range(0, firstCells.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            expectation = HasHeader ? "as in the header" : $"as in row {FirstLine}";
            labelIndex = options.LabelColumn is null ? -1 : ResolveLabelColumn(options.LabelColumn, columnNames, HasHeader, path);
            if (labelIndex >= 0 && columnNames.Length == 1)
                throw new BadInputException($"{path}: no feature columns: the only column is the label column {Excerpt.Quote(columnNames[0])}");
            if (!HasHeader)
            {
                pendingFirstRow = firstCells;
                pendingFirstRowNumber = lineNumber;
            }
            FeatureNames = columnNames.Where((_, i) => i != labelIndex).ToArray();
            LabelName = labelIndex >= 0 ? columnNames[labelIndex] : null;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> and reads its first line (the header, or the first data row).</summary>
    /// <exception cref="BadInputException">The file is missing or empty, or the label column does not exist.</exception>
    public static CsvRowReader Open(string path, CsvReadOptions? options = null) => new(path, options ?? new CsvReadOptions());

    /// <summary>Whether the first line names the columns (given, or detected: a header has a cell that is not a number).</summary>
    public bool HasHeader { get; }

    /// <summary>1-based line number of the first non-blank line.</summary>
    public int FirstLine { get; }

    /// <summary>The feature column names from the header, or their 0-based column indices ("0", "1", ...) when there is none.</summary>
    public string[] FeatureNames { get; }

    /// <summary>Number of feature columns (every column but the label column).</summary>
    public int FeatureCount => FeatureNames.Length;

    /// <summary>The label column's name (or index when there is no header), or null when there are no labels.</summary>
    public string? LabelName { get; }

    /// <summary>Data rows returned so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Bytes of the file read so far (ahead of <see cref="RowsRead"/> by at most a buffer): how far a pass has gone.</summary>
    public long BytesRead => reader.BaseStream.Position;

    /// <summary>The file's size in bytes.</summary>
    public long Length => reader.BaseStream.Length;

    /// <summary>
    /// Reads up to <paramref name="maxRows"/> rows; returns null once the file is exhausted. A file with no data row at
    /// all is an error on the first call, as in <see cref="CsvTable.Read"/>.
    /// </summary>
    /// <exception cref="BadInputException">A row has the wrong number of cells, a cell is not a finite number, or a label is not an integer.</exception>
    public CsvChunk? ReadChunk(int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        if (finished) return null;
        // Reserve room for about a million values, or for one row when a row is wider: reserving for maxRows rows up
        // front overflowed int at 200,000 columns and would ask for gigabytes on a small file of wide rows.
        var reservedRows = Math.Clamp(ReservedValues / Math.Max(FeatureCount, 1), 1, maxRows);
        var features = new List<float>(reservedRows * FeatureCount);
        var labels = labelIndex >= 0 ? new List<int>() : null;
        int rows = 0;
        while (rows < maxRows)
        {
            List<string> cells;
            int row;
            if (pendingFirstRow is not null)
            {
                (cells, row) = (pendingFirstRow, pendingFirstRowNumber);
                pendingFirstRow = null;
            }
            else if (NextLine(out var line)) (cells, row) = (Split(line, lineNumber), lineNumber);
            else
            {
                finished = true;
                break;
            }
            AddRow(cells, row, features, labels);
            rows++;
        }
        if (RowsRead == 0 && rows == 0)
            throw new BadInputException($"{path}: no data rows after the header in row {FirstLine}");
        if (rows == 0) return null;
        var chunk = new CsvChunk(features.ToArray(), labels?.ToArray(), rows, RowsRead);
        RowsRead += rows;
        return chunk;
    }

    public void Dispose() => reader.Dispose();

    void AddRow(List<string> cells, int row, List<float> features, List<int>? labels)
    {
        if (cells.Count != columnNames.Length)
            throw new BadInputException($"{path}: row {row} has {cells.Count} columns, expected {columnNames.Length} ({expectation})");
        for (var column = 0; column < cells.Count; column++)
        {
            if (column == labelIndex) labels!.Add(ParseLabel(cells[column], path, row, DescribeColumn(column)));
            else features.Add(ParseFeature(cells[column], path, row, DescribeColumn(column)));
        }
    }

    string DescribeColumn(int column) => HasHeader ? $"column {Excerpt.Quote(columnNames[column])}" : $"column {column} (counting from 0)";

    /// <summary>The next non-blank line, keeping count of the 1-based line number for error messages.</summary>
    bool NextLine(out string line)
    {
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            line = text;
            return true;
        }
        line = "";
        return false;
    }

    static int ResolveLabelColumn(string requested, string[] columnNames, bool hasHeader, string path)
    {
        var key = requested.Trim();
        if (hasHeader)
        {
            var matches = Enumerable.Range(0, columnNames.Length).Where(i => columnNames[i] == key).ToArray();
            if (matches.Length > 1)
                throw new BadInputException($"{path}: label column {Excerpt.Quote(key)} is ambiguous: the header names {matches.Length} columns {Excerpt.Quote(key)}");
            if (matches.Length == 1) return matches[0];
        }

        if (!int.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            throw new BadInputException(hasHeader
                ? $"{path}: label column {Excerpt.Quote(key)} not found in the header (columns: {string.Join(", ", columnNames.Take(20).Select(name => Excerpt.Of(name)))}{(columnNames.Length > 20 ? ", ..." : "")})"
                : $"{path}: label column {Excerpt.Quote(key)} must be a 0-based column index such as \"0\" or \"-1\", since the file has no header");
        }

        var count = columnNames.Length;
        if (index < -count || index >= count)
            throw new BadInputException(
                $"{path}: label column index {index} is out of range for {count} columns (expected 0..{count - 1}, or -{count}..-1 counting from the end)");
        return index < 0 ? count + index : index;
    }

    static float ParseFeature(string cell, string path, int row, string column)
    {
        if (!TryParseNumber(cell, out var value))
            throw new BadInputException($"{path}: row {row}, {column}: {Excerpt.Quote(cell)} is not a number");
        if (!double.IsFinite(value))
            throw new BadInputException($"{path}: row {row}, {column}: {Excerpt.Quote(cell)} is not a finite number");
        var single = (float)value;
        if (!float.IsFinite(single))
            throw new BadInputException($"{path}: row {row}, {column}: {Excerpt.Quote(cell)} is outside the float32 range (about ±3.4e38)");
        return single;
    }

    static int ParseLabel(string cell, string path, int row, string column)
    {
        if (TryParseNumber(cell, out var value) && ClassLabel.IsValid(value)) return (int)value;
        throw new BadInputException($"{path}: row {row}, label {column}: {Excerpt.Quote(cell)}, {ClassLabel.Expected}");
    }

    /// <summary>Header detection counts "nan" and "inf" as numbers, so a data row with a missing value is not mistaken for a header.</summary>
    static bool LooksNumeric(string cell) => TryParseNumber(cell, out _);

    static bool TryParseNumber(string cell, out double value)
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
    List<string> Split(string line, int row)
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
                        $"{path}: row {row}: unexpected {Excerpt.Quote(line[i])} at character {i + 1} after a closing quote, expected {Excerpt.Quote(delimiter)} or the end of the line");
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
}
