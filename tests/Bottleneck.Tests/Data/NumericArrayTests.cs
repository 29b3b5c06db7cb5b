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
        Assert.Equal([-1, 9, 1000], NumericArray.FromFloats([3], [-1f, 9f, 1000f]).ToLabels("y.npy"));
    }

    [Fact]
    public void ToLabels_RejectsFractionalValues()
    {
        var error = Assert.Throws<BadInputException>(() => NumericArray.FromFloats([3], [1f, 2.5f, 3f]).ToLabels("labels.npy"));

        Assert.Equal("labels.npy: label at index 1 is 2.5, expected an integer", error.Message);
    }

    [Fact]
    public void ToLabels_RejectsMoreThanOneDimension()
    {
        var error = Assert.Throws<BadInputException>(() => NumericArray.FromBytes([2, 1], [1, 2]).ToLabels("labels.npy"));

        Assert.Equal("labels.npy: labels must be a one-dimensional array, found shape [2, 1]", error.Message);
    }
}
