using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Persistence;

public class TensorEntryTests
{
    [Fact]
    public void FromFloat32_StoresLittleEndianSingles()
    {
        var entry = TensorEntry.FromFloat32("w", [2], [1.0f, -2.0f]);

        Assert.Equal("F32", entry.DType);
        Assert.Equal(new long[] { 2 }, entry.Shape);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0 }, entry.Data);
        Assert.Equal(new[] { 1.0f, -2.0f }, entry.ToFloat32());
    }

    [Fact]
    public void ToFloat32_DecodesF16()
    {
        // 1.0 = 0x3C00, -2.5 = 0xC100, 65504 (largest finite half) = 0x7BFF, little-endian.
        var entry = new TensorEntry("h", "F16", [3], [0x00, 0x3C, 0x00, 0xC1, 0xFF, 0x7B]);

        Assert.Equal(new[] { 1.0f, -2.5f, 65504f }, entry.ToFloat32());
    }

    [Fact]
    public void ToFloat32_DecodesBF16()
    {
        // bfloat16 keeps the top 16 bits of a float32: 1.0 = 0x3F80, 3.140625 = 0x4049, -6.0 = 0xC0C0.
        var entry = new TensorEntry("b", "BF16", [3], [0x80, 0x3F, 0x49, 0x40, 0xC0, 0xC0]);

        Assert.Equal(new[] { 1.0f, 3.140625f, -6.0f }, entry.ToFloat32());
    }

    [Fact]
    public void ToFloat32_RoundsF64ToNearestFloat()
    {
        var data = new byte[24];
        BitConverter.TryWriteBytes(data.AsSpan(0), 0.5);
        BitConverter.TryWriteBytes(data.AsSpan(8), 0.1);
        BitConverter.TryWriteBytes(data.AsSpan(16), -1e300);
        var entry = new TensorEntry("d", "F64", [3], data);

        Assert.Equal(new[] { 0.5f, 0.1f, float.NegativeInfinity }, entry.ToFloat32());
    }

    [Fact]
    public void ToFloat32_ScalarAndEmptyShapes()
    {
        Assert.Equal(new[] { 7f }, TensorEntry.FromFloat32("s", [], [7f]).ToFloat32());
        Assert.Empty(TensorEntry.FromFloat32("e", [0, 4], []).ToFloat32());
    }

    [Theory]
    [InlineData("I32", 4)]
    [InlineData("I64", 8)]
    [InlineData("U8", 1)]
    [InlineData("BOOL", 1)]
    public void ToFloat32_RejectsNonFloatDTypes(string dtype, int itemSize)
    {
        var entry = new TensorEntry("layer.bias", dtype, [2], new byte[2 * itemSize]);

        var e = Assert.Throws<BadInputException>(() => entry.ToFloat32());
        Assert.Contains("'layer.bias'", e.Message);
        Assert.Contains(dtype, e.Message);
    }

    [Fact]
    public void FromFloat32_RejectsValueCountThatDoesNotMatchShape()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorEntry.FromFloat32("w", [2, 2], [1f, 2f, 3f]));
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void Constructor_RejectsUnknownDType() =>
        Assert.Throws<ArgumentException>(() => new TensorEntry("w", "F8_E4M3", [1], [0]));

    [Fact]
    public void Constructor_RejectsNegativeDimension() =>
        Assert.Throws<ArgumentException>(() => new TensorEntry("w", "U8", [-1], []));

    [Fact]
    public void Constructor_RejectsDataOfWrongLength() =>
        Assert.Throws<ArgumentException>(() => new TensorEntry("w", "F32", [2], new byte[7]));

    [Theory]
    [InlineData("BOOL", 1)]
    [InlineData("U8", 1)]
    [InlineData("I8", 1)]
    [InlineData("I16", 2)]
    [InlineData("U16", 2)]
    [InlineData("F16", 2)]
    [InlineData("BF16", 2)]
    [InlineData("I32", 4)]
    [InlineData("U32", 4)]
    [InlineData("F32", 4)]
    [InlineData("F64", 8)]
    [InlineData("I64", 8)]
    [InlineData("U64", 8)]
    public void ItemSize_MatchesTheFormat(string dtype, int size)
    {
        Assert.True(SafeTensorsDType.IsSupported(dtype));
        Assert.Equal(size, SafeTensorsDType.ItemSize(dtype));
    }
}
