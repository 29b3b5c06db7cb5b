using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

public class CsvTableTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void HeaderIsDetected_AndCellsAreTrimmed()
    {
        var path = _temp.Write("data.csv", "a, b ,c\n1,2,3\r\n4.5, -6 ,7e2\n\n\n");

        var table = CsvTable.Read(path, new CsvReadOptions());

        Assert.Equal(["a", "b", "c"], table.FeatureNames);
        Assert.Equal([2, 3], table.Features.Shape);
        Assert.Equal([1f, 2f, 3f, 4.5f, -6f, 700f], table.Features.Floats!);
        Assert.Null(table.Labels);
        Assert.Null(table.LabelName);
    }

    [Fact]
    public void TwoHundredThousandColumns_AreReadWithoutReservingGigabytes()
    {
        // Reserving 16,384 rows of 200,000 values overflowed int (exit 1); without the overflow it would be 13 GB.
        const int columns = 200_000;
        var row = string.Join(',', Enumerable.Range(0, columns).Select(j => (j % 7).ToString()));
        var path = _temp.Write("wide.csv", row + "\n" + row + "\n");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var table = CsvTable.Read(path, new CsvReadOptions());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal([2, columns], table.Features.Shape);
        Assert.Equal(2f, table.Features.Floats![columns + 199_999]); // 199,999 = 7 × 28,571 + 2
        Assert.Equal(Enumerable.Range(0, columns).Select(j => (float)(j % 7)), table.Features.Floats![columns..]);
        Assert.True(allocated < 100_000_000, $"reading a 0.8 MB file allocated {allocated} bytes");
    }

    [Fact]
    public void TerminalEscapesInACell_AreShownEscaped()
    {
        var path = _temp.Write("data.csv", "a,b\e[31m\n1,\e[2J\e]0;owned\a\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($@"{path}: row 2, column 'b\u001B[31m': '\u001B[2J\u001B]0;owned\u0007' is not a number", error.Message);
        Assert.DoesNotContain(error.Message, c => char.IsControl(c));
    }

    [Fact]
    public void A20MegabyteCell_IsShownAsAShortExcerpt()
    {
        var path = _temp.Write("data.csv", "1,2\n3," + new string('x', 20_000_000) + "\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: row 2, column 1 (counting from 0): '{new string('x', 40)}...' (20000000 characters) is not a number", error.Message);
    }

    [Fact]
    public void NumericFirstRow_IsData()
    {
        var path = _temp.Write("data.csv", "1,2\n3,4\n");

        var table = CsvTable.Read(path, new CsvReadOptions());

        Assert.Equal(["0", "1"], table.FeatureNames);
        Assert.Equal([2, 2], table.Features.Shape);
        Assert.Equal([1f, 2f, 3f, 4f], table.Features.Floats!);
    }

    [Fact]
    public void ExplicitHeader_OverridesDetection()
    {
        var path = _temp.Write("data.csv", "10,20\n3,4\n");

        var table = CsvTable.Read(path, new CsvReadOptions { HasHeader = true });

        Assert.Equal(["10", "20"], table.FeatureNames);
        Assert.Equal([3f, 4f], table.Features.Floats!);
    }

    [Fact]
    public void LabelColumn_ByName()
    {
        var path = _temp.Write("data.csv", "x1,digit,x2\n0.5,3,1\n-1,7.0,2\n");

        var table = CsvTable.Read(path, new CsvReadOptions { LabelColumn = "digit" });

        Assert.Equal("digit", table.LabelName);
        Assert.Equal([3, 7], table.Labels!);
        Assert.Equal(["x1", "x2"], table.FeatureNames);
        Assert.Equal([2, 2], table.Features.Shape);
        Assert.Equal([0.5f, 1f, -1f, 2f], table.Features.Floats!);
    }

    [Theory]
    [InlineData("0", new[] { 9, 4 }, new[] { 1f, 2f, 5f, 6f })]
    [InlineData("-1", new[] { 2, 6 }, new[] { 9f, 1f, 4f, 5f })]
    public void LabelColumn_ByIndexWithoutHeader(string column, int[] labels, float[] features)
    {
        var path = _temp.Write("data.csv", "9,1,2\n4,5,6\n");

        var table = CsvTable.Read(path, new CsvReadOptions { LabelColumn = column, HasHeader = false });

        Assert.Equal(labels, table.Labels!);
        Assert.Equal(features, table.Features.Floats!);
        Assert.Equal([2, 2], table.Features.Shape);
    }

    [Fact]
    public void LabelColumn_ByIndexWithHeader()
    {
        var path = _temp.Write("data.csv", "label,p0,p1\n1,0.25,0.75\n");

        var table = CsvTable.Read(path, new CsvReadOptions { LabelColumn = "0" });

        Assert.Equal("label", table.LabelName);
        Assert.Equal([1], table.Labels!);
        Assert.Equal(["p0", "p1"], table.FeatureNames);
    }

    [Fact]
    public void QuotedFields_AndOtherDelimiters()
    {
        var path = _temp.Write("data.csv", "\"name; with \"\"quotes\"\"\";b\n \"1.5\" ; 2\n");

        var table = CsvTable.Read(path, new CsvReadOptions { Delimiter = ';' });

        Assert.Equal(["name; with \"quotes\"", "b"], table.FeatureNames);
        Assert.Equal([1.5f, 2f], table.Features.Floats!);
    }

    [Fact]
    public void TabDelimiter_AndByteOrderMark()
    {
        var path = _temp.Write("data.tsv", [0xEF, 0xBB, 0xBF, .. "a\tb\n1\t2\n"u8.ToArray()]);

        var table = CsvTable.Read(path, new CsvReadOptions { Delimiter = '\t' });

        Assert.Equal(["a", "b"], table.FeatureNames);
        Assert.Equal([1f, 2f], table.Features.Floats!);
    }

    [Fact]
    public void MissingFile_IsReported()
    {
        var path = _temp.File("absent.csv");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n  \n\n")]
    public void EmptyFile_IsReported(string content)
    {
        var path = _temp.Write("data.csv", content);

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: the file is empty, expected rows of numbers (optionally below a header)", error.Message);
    }

    [Fact]
    public void HeaderWithoutRows_IsReported()
    {
        var path = _temp.Write("data.csv", "\na,b\n\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: no data rows after the header in row 2", error.Message);
    }

    [Fact]
    public void WrongColumnCount_IsReportedWithItsLineNumber()
    {
        // Line 5 is short; the blank line 3 still counts toward line numbers.
        var path = _temp.Write("data.csv", "a,b,c,d,e,f\n1,2,3,4,5,6\n\n1,2,3,4,5,6\n1,2,3,4,5\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: row 5 has 5 columns, expected 6 (as in the header)", error.Message);
    }

    [Fact]
    public void WrongColumnCountWithoutHeader_NamesTheFirstRow()
    {
        var path = _temp.Write("data.csv", "1,2\n3,4,5\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: row 2 has 3 columns, expected 2 (as in row 1)", error.Message);
    }

    [Fact]
    public void NonNumericCell_IsReportedWithRowAndColumn()
    {
        var path = _temp.Write("data.csv", "id,age\n1,30\n2,abc\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: row 3, column 'age': 'abc' is not a number", error.Message);
    }

    [Fact]
    public void NonNumericCellWithoutHeader_IsReportedWithColumnIndex()
    {
        var path = _temp.Write("data.csv", "1,2\n3,x\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions { HasHeader = false }));

        Assert.Equal($"{path}: row 2, column 1 (counting from 0): 'x' is not a number", error.Message);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    public void NonFiniteCell_IsReported(string cell)
    {
        var path = _temp.Write("data.csv", $"a,b\n1,2\n3,{cell}\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: row 3, column 'b': '{cell}' is not a finite number", error.Message);
    }

    [Fact]
    public void NanInTheFirstRow_DoesNotMakeItAHeader()
    {
        var path = _temp.Write("data.csv", "1,nan\n3,4\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: row 1, column 1 (counting from 0): 'nan' is not a finite number", error.Message);
    }

    [Fact]
    public void ValueBeyondFloat32_IsReported()
    {
        var path = _temp.Write("data.csv", "a\n1e39\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.StartsWith($"{path}: row 2, column 'a': '1e39' is outside the float32 range", error.Message);
    }

    [Fact]
    public void MissingLabelColumnName_IsReported()
    {
        var path = _temp.Write("data.csv", "a,b,c\n1,2,3\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions { LabelColumn = "digit" }));

        Assert.Equal($"{path}: label column 'digit' not found in the header (columns: a, b, c)", error.Message);
    }

    [Fact]
    public void LabelColumnIndexOutOfRange_IsReported()
    {
        var path = _temp.Write("data.csv", "1,2,3\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions { LabelColumn = "3" }));

        Assert.Equal($"{path}: label column index 3 is out of range for 3 columns (expected 0..2, or -3..-1 counting from the end)", error.Message);
    }

    [Fact]
    public void LabelColumnNameWithoutHeader_IsReported()
    {
        var path = _temp.Write("data.csv", "1,2,3\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions { LabelColumn = "digit" }));

        Assert.Equal($"{path}: label column 'digit' must be a 0-based column index such as \"0\" or \"-1\", since the file has no header", error.Message);
    }

    [Theory]
    [InlineData("3.5")]
    [InlineData("three")]
    [InlineData("nan")]
    [InlineData("-1")]
    [InlineData("10000")]
    [InlineData("1000000000")]
    [InlineData("2147483647")]
    public void LabelOutsideTheClassLabelRule_IsReported(string cell)
    {
        var path = _temp.Write("data.csv", $"x,digit\n0.5,1\n0.25,{cell}\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions { LabelColumn = "digit" }));

        Assert.Equal($"{path}: row 3, label column 'digit': '{cell}', expected an integer class label from 0 to 9999", error.Message);
    }

    [Fact]
    public void UnterminatedQuote_IsReported()
    {
        var path = _temp.Write("data.csv", "a,b\n1,\"2\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions()));

        Assert.Equal($"{path}: row 2: the quoted cell starting at character 3 is not closed on the same line", error.Message);
    }

    [Fact]
    public void OnlyALabelColumn_IsReported()
    {
        var path = _temp.Write("data.csv", "digit\n1\n");

        var error = Assert.Throws<BadInputException>(() => CsvTable.Read(path, new CsvReadOptions { LabelColumn = "digit" }));

        Assert.Equal($"{path}: no feature columns: the only column is the label column 'digit'", error.Message);
    }
}
