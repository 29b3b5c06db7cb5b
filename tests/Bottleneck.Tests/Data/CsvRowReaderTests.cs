using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

/// <summary>The streaming CSV reader: chunks that add up to the whole file, and errors that name the row wherever it falls.</summary>
public class CsvRowReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Chunks_add_up_to_the_whole_table_in_order()
    {
        var lines = Enumerable.Range(0, 23).Select(i => $"{i},{i * 0.5},{i % 3}");
        var path = _temp.Write("rows.csv", "a,b,y\n" + string.Join("\n", lines) + "\n\n");
        using var reader = CsvRowReader.Open(path, new CsvReadOptions { LabelColumn = "y" });
        Assert.True(reader.HasHeader);
        Assert.Equal(["a", "b"], reader.FeatureNames);
        Assert.Equal("y", reader.LabelName);

        var features = new List<float>();
        var labels = new List<int>();
        var firstRows = new List<long>();
        while (reader.ReadChunk(5) is { } chunk)
        {
            Assert.InRange(chunk.Rows, 1, 5);
            Assert.Equal(chunk.Rows * 2, chunk.Features.Length);
            firstRows.Add(chunk.FirstRow);
            features.AddRange(chunk.Features);
            labels.AddRange(chunk.Labels!);
        }
        Assert.Equal([0L, 5, 10, 15, 20], firstRows);
        Assert.Equal(23, reader.RowsRead);
        var table = CsvTable.Read(path, new CsvReadOptions { LabelColumn = "y" });
        Assert.Equal(table.Features.Floats!, features);
        Assert.Equal(table.Labels!, labels);
        Assert.Null(reader.ReadChunk(5));
    }

    [Fact]
    public void A_headerless_file_returns_its_first_line_as_data()
    {
        var path = _temp.Write("rows.csv", "1,2\n3,4\n5,6\n");
        using var reader = CsvRowReader.Open(path);
        Assert.False(reader.HasHeader);
        Assert.Equal([1f, 2f], reader.ReadChunk(1)!.Features);
        Assert.Equal([3f, 4f, 5f, 6f], reader.ReadChunk(10)!.Features);
    }

    [Fact]
    public void A_bad_row_in_a_later_chunk_is_reported_with_its_line_number()
    {
        var path = _temp.Write("rows.csv", "a,b\n1,2\n3,4\n5,6\n7\n");
        using var reader = CsvRowReader.Open(path);
        Assert.NotNull(reader.ReadChunk(2));
        var error = Assert.Throws<BadInputException>(() => reader.ReadChunk(2));
        Assert.Equal($"{path}: row 5 has 1 columns, expected 2 (as in the header)", error.Message);

        var cell = _temp.Write("cell.csv", "a,b\n1,2\n3,x\n");
        using var second = CsvRowReader.Open(cell);
        Assert.Equal($"{cell}: row 3, column 'b': 'x' is not a number", Assert.Throws<BadInputException>(() => second.ReadChunk(100)).Message);
    }

    [Fact]
    public void Empty_files_and_header_only_files_are_refused()
    {
        var empty = _temp.Write("empty.csv", "\n\n");
        Assert.Contains("the file is empty", Assert.Throws<BadInputException>(() => CsvRowReader.Open(empty)).Message);
        var header = _temp.Write("header.csv", "a,b\n");
        using var reader = CsvRowReader.Open(header);
        Assert.Contains("no data rows after the header in row 1", Assert.Throws<BadInputException>(() => reader.ReadChunk(10)).Message);
    }
}
