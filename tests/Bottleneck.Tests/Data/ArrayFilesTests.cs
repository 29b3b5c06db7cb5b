using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

public class ArrayFilesTests
{
    [Fact]
    public void A_csv_written_with_labels_reads_back_as_the_same_values_and_labels()
    {
        using var folder = new TempFolder();
        var codes = NumericArray.FromFloats([3, 2], [0.5f, -1.25f, 3f, 0f, 1e-3f, 7f]);
        ArrayFiles.Write(folder["codes.csv"], codes, [4, 0, 9], "h");
        Assert.Equal("h0,h1,label", File.ReadLines(folder["codes.csv"]).First());

        var (values, labels) = ArrayFiles.ReadLabelled(folder["codes.csv"]);
        Assert.Equal([3, 2], values.Shape);   // the label column is not a third value of each code
        Assert.Equal(codes.Floats, values.ToFloats());
        Assert.Equal([4, 0, 9], labels!);
    }

    [Fact]
    public void A_csv_without_a_label_column_has_no_labels()
    {
        using var folder = new TempFolder();
        ArrayFiles.Write(folder["codes.csv"], NumericArray.FromFloats([2, 2], [1, 2, 3, 4]), columnPrefix: "h");
        var (values, labels) = ArrayFiles.ReadLabelled(folder["codes.csv"]);
        Assert.Equal([2, 2], values.Shape);
        Assert.Null(labels);
    }
}
