using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

public class NumericArrayTests
{
    [Fact]
    public void FromBytes_ExposesShapeAndSampleGeometry()
    {
        var array = NumericArray.FromBytes([2, 3, 4], new byte[24]);

        Assert.True(array.IsBytes);
        Assert.Null(array.Floats!);
        Assert.Equal([2, 3, 4], array.Shape);
        Assert.Equal(24L, array.Length);
        Assert.Equal(2, array.Count);
        Assert.Equal([3, 4], array.SampleShape);
        Assert.Equal(12, array.SampleLength);
    }

    [Fact]
    public void Scalar_IsOneSampleOfEmptyShape()
    {
        var array = NumericArray.FromFloats([], [4.5f]);

        Assert.Equal(1L, array.Length);
        Assert.Equal(1, array.Count);
        Assert.Empty(array.SampleShape);
        Assert.Equal(1, array.SampleLength);
    }

    [Fact]
    public void Factories_RejectDataOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => NumericArray.FromBytes([2, 3], new byte[5]));
        Assert.Throws<ArgumentException>(() => NumericArray.FromFloats([2, 3], new float[7]));
        Assert.Throws<ArgumentException>(() => NumericArray.FromFloats([-1], new float[1]));
    }

    [Fact]
    public void ToFloats_KeepsByteValuesUnscaled()
    {
        var array = NumericArray.FromBytes([3], [0, 128, 255]);

        Assert.Equal([0f, 128f, 255f], array.ToFloats());
    }

    [Fact]
    public void ToLabels_ConvertsBytesAndIntegralFloats()
    {
        Assert.Equal([5, 0, 4], NumericArray.FromBytes([3], [5, 0, 4]).ToLabels("y.idx"));
        Assert.Equal([0, 9, 9999], NumericArray.FromFloats([3], [0f, 9f, 9999f]).ToLabels("y.npy"));
    }

    [Theory]
    [InlineData(-1f, "-1")]
    [InlineData(10_000f, "10000")]
    [InlineData(1e9f, "1E+09")]
    [InlineData(2147483647f, "2.1474836E+09")]
    public void ToLabels_RejectsLabelsOutsideZeroTo9999(float label, string shown)
    {
        // -1 and 2^31 - 1 crashed `map` (exit 1); one label of 10^9 made it size arrays by 10^9 classes (4 GB, minutes).
        var error = Assert.Throws<BadInputException>(() => NumericArray.FromFloats([2], [1f, label]).ToLabels("y.npy"));

        Assert.Equal($"y.npy: label at index 1 is {shown}, expected an integer class label from 0 to 9999", error.Message);
    }

    [Fact]
    public void ToLabels_RejectsFractionalValues()
    {
        var error = Assert.Throws<BadInputException>(() => NumericArray.FromFloats([3], [1f, 2.5f, 3f]).ToLabels("labels.npy"));

        Assert.Equal("labels.npy: label at index 1 is 2.5, expected an integer class label from 0 to 9999", error.Message);
    }

    [Fact]
    public void ToLabels_RejectsMoreThanOneDimension()
    {
        var error = Assert.Throws<BadInputException>(() => NumericArray.FromBytes([2, 1], [1, 2]).ToLabels("labels.npy"));

        Assert.Equal("labels.npy: labels must be a one-dimensional array, found shape [2, 1]", error.Message);
    }
}
