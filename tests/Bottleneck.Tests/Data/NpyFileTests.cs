using System.Buffers.Binary;
using System.Text;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

public class NpyFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Bytes_RoundTripAsU1()
    {
        var path = _temp.File("images.npy");
        var data = Enumerable.Range(0, 24).Select(i => (byte)(255 - i)).ToArray();

        NpyFile.Write(path, NumericArray.FromBytes([2, 3, 4], data));
        var read = NpyFile.Read(path);

        Assert.True(read.IsBytes);
        Assert.Equal([2, 3, 4], read.Shape);
        Assert.Equal(data, read.Bytes);
        Assert.Contains("'descr': '|u1'", HeaderText(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Floats_RoundTripAsF4()
    {
        var path = _temp.File("features.npy");
        float[] data = [0.1f, -2f, 3.5e-20f, 7f, float.MaxValue, -0f];

        NpyFile.Write(path, NumericArray.FromFloats([3, 2], data));
        var read = NpyFile.Read(path);

        Assert.False(read.IsBytes);
        Assert.Equal([3, 2], read.Shape);
        Assert.Equal(data, read.Floats!);
    }

    [Fact]
    public void Write_ProducesTheSameBytesAsNumpy()
    {
        var path = _temp.File("a.npy");

        NpyFile.Write(path, NumericArray.FromFloats([2, 3], [0, 1, 2, 3, 4, 5]));
        var bytes = File.ReadAllBytes(path);

        // numpy.save(np.arange(6, dtype='<f4').reshape(2, 3)): version 1.0, header length 118 ('v'), data at byte 128.
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, bytes[..10]);
        var expectedHeader = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + new string(' ', 58) + "\n";
        Assert.Equal(expectedHeader, Encoding.ASCII.GetString(bytes, 10, 118));
        Assert.Equal(128 + 24, bytes.Length);
        Assert.Equal(5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(128 + 20)));
    }

    [Theory]
    [InlineData(new int[0], "()")]
    [InlineData(new[] { 5 }, "(5,)")]
    [InlineData(new[] { 60000, 28, 28 }, "(60000, 28, 28)")]
    public void Write_AlignsDataTo64BytesForEveryShape(int[] shape, string shapeText)
    {
        using var stream = new MemoryStream();
        var length = shape.Aggregate(1, (a, b) => a * b);

        NpyFile.Write(stream, NumericArray.FromBytes(shape, new byte[length]));
        var bytes = stream.ToArray();

        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal(10 + headerLength + length, bytes.Length);
        Assert.Contains($"'shape': {shapeText}, }}", HeaderText(bytes));
        Assert.EndsWith("\n", HeaderText(bytes));
    }

    [Fact]
    public void Stream_RoundTripLeavesTheStreamAfterTheData()
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, NumericArray.FromFloats([], [42f]));
        NpyFile.Write(stream, NumericArray.FromBytes([2], [9, 8]));
        stream.Position = 0;

        var scalar = NpyFile.Read(stream, "memory");
        var vector = NpyFile.Read(stream, "memory");

        Assert.Empty(scalar.Shape);
        Assert.Equal([42f], scalar.Floats!);
        Assert.Equal(new byte[] { 9, 8 }, vector.Bytes);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void BigEndianFloat64_IsRead()
    {
        var data = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(data, 0.5);
        BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(8), -3.25);
        // Unusual but legal spacing and trailing commas.
        var path = _temp.Write("f8.npy", Npy("{ 'descr' : '>f8' ,'fortran_order':False,'shape':( 2 , ),  }", data));

        var read = NpyFile.Read(path);

        Assert.Equal([2], read.Shape);
        Assert.Equal([0.5f, -3.25f], read.Floats!);
    }

    [Fact]
    public void LittleEndianInt64_IsRead()
    {
        var data = new byte[24];
        BinaryPrimitives.WriteInt64LittleEndian(data, -1);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), 1L << 40);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), 7);
        var path = _temp.Write("i8.npy", Npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", data));

        Assert.Equal([-1f, 1099511627776f, 7f], NpyFile.Read(path).Floats!);
    }

    [Fact]
    public void FortranOrder_IsTransposedToCOrder()
    {
        // [[1, 2, 3], [4, 5, 6]] stored column by column.
        var data = new byte[24];
        int[] columnMajor = [1, 4, 2, 5, 3, 6];
        for (var i = 0; i < 6; i++) BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i), columnMajor[i]);
        var path = _temp.Write("f.npy", Npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", data));

        var read = NpyFile.Read(path);

        Assert.Equal([2, 3], read.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], read.Floats!);
    }

    [Fact]
    public void FortranOrder_ThreeDimensionalBytes_AreTransposed()
    {
        // Element (i, j, k) of shape (2, 3, 4) holds its C-order index 12i + 4j + k; Fortran order puts it at i + 2j + 6k.
        var data = new byte[24];
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                for (var k = 0; k < 4; k++)
                    data[i + 2 * j + 6 * k] = (byte)(12 * i + 4 * j + k);
        var path = _temp.Write("f.npy", Npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3, 4), }", data));

        var read = NpyFile.Read(path);

        Assert.Equal(Enumerable.Range(0, 24).Select(v => (byte)v).ToArray(), read.Bytes);
    }

    [Fact]
    public void SmallIntegerBoolAndHalfTypes_AreRead()
    {
        using var stream = new MemoryStream();
        stream.Write(Npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [0, 1, 2]));
        stream.Write(Npy("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", [0xFF, 0x80]));
        stream.Write(Npy("{'descr': '>u2', 'fortran_order': False, 'shape': (1,), }", [0xFF, 0xFE]));
        stream.Write(Npy("{'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", [0xFE, 0xFF]));
        stream.Write(Npy("{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", [0x00, 0x00, 0x00, 0x80]));
        stream.Write(Npy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", [0x00, 0x3E]));
        stream.Write(Npy("{'descr': '=f4', 'fortran_order': False, 'shape': (1,), }", BitConverter.GetBytes(2.5f)));
        stream.Write(Npy("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", [16, 0, 0, 0, 0, 0, 0, 0]));
        stream.Position = 0;

        Assert.Equal([0f, 1f, 1f], NpyFile.Read(stream, "s").Floats!);
        Assert.Equal([-1f, -128f], NpyFile.Read(stream, "s").Floats!);
        Assert.Equal([65534f], NpyFile.Read(stream, "s").Floats!);
        Assert.Equal([-2f], NpyFile.Read(stream, "s").Floats!);
        Assert.Equal([2147483648f], NpyFile.Read(stream, "s").Floats!);
        Assert.Equal([1.5f], NpyFile.Read(stream, "s").Floats!);
        Assert.Equal([2.5f], NpyFile.Read(stream, "s").Floats!);
        Assert.Equal([16f], NpyFile.Read(stream, "s").Floats!);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Versions2And3_UseAFourByteHeaderLength(byte major)
    {
        var path = _temp.Write("v.npy", Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", [3, 4], major));

        Assert.Equal(new byte[] { 3, 4 }, NpyFile.Read(path).Bytes);
    }

    [Fact]
    public void Python2LongSuffixInShape_IsAccepted()
    {
        var path = _temp.Write("old.npy", Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1L, 2L), }", [3, 4]));

        Assert.Equal([1, 2], NpyFile.Read(path).Shape);
    }

    [Fact]
    public void MissingFile_IsReported()
    {
        var path = _temp.File("absent.npy");

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public void BadMagic_IsReported()
    {
        var path = _temp.Write("x.npy", "PK\x03\x04 not numpy");

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: not a .npy file: expected the magic string \\x93NUMPY and a version at the start, found 0x504B0304206E6F74", error.Message);
    }

    [Fact]
    public void UnsupportedVersion_IsReported()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", [1], major: 4));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: unsupported .npy format version 4.0 (expected 1.0, 2.0 or 3.0)", error.Message);
    }

    [Fact]
    public void ObjectArray_IsReportedWithItsDtype()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($"{path}: .npy dtype '|O' holds Python objects", error.Message);
    }

    [Theory]
    [InlineData("<c8")]
    [InlineData("<U10")]
    [InlineData("<f16")]
    public void UnsupportedDtype_IsReportedWithItsName(string descr)
    {
        var path = _temp.Write("x.npy", Npy($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,), }}", new byte[64]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($"{path}: .npy dtype '{descr}' is not supported; expected a numeric dtype: b1, u1", error.Message);
    }

    [Fact]
    public void StructuredDtype_IsReported()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[8]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($"{path}: .npy header field 'descr' is a structured (record) dtype", error.Message);
    }

    [Fact]
    public void HeaderWithoutShape_IsReported()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '<f4', 'fortran_order': False}", new byte[4]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($"{path}: malformed .npy header: the header has no 'shape' field", error.Message);
    }

    [Fact]
    public void UnparsableHeader_IsReported()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", new byte[4]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($"{path}: malformed .npy header: expected ',' or '}}' (at offset 56 of", error.Message);
    }

    [Fact]
    public void TruncatedHeader_IsReported()
    {
        var bytes = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", []);
        var path = _temp.Write("x.npy", bytes[..30]);

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: truncated: expected a {bytes.Length - 10}-byte .npy header, found 20 bytes", error.Message);
    }

    [Fact]
    public void TruncatedBytes_AreReported()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 5), }", new byte[13]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: truncated: expected 20 bytes of data for '|u1' shape [4, 5], found 13", error.Message);
    }

    [Fact]
    public void TruncatedFloat32_IsReported()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", new byte[10]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: truncated: expected 12 bytes of data for '<f4' shape [3], found 10", error.Message);
    }

    [Fact]
    public void TruncatedFloats_AreReportedAcrossChunks()
    {
        // 40,000 float64 values span several read chunks; the file stops 3 bytes short.
        var path = _temp.Write("x.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (40000,), }", new byte[320_000 - 3]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: truncated: expected 320000 bytes of data for '<f8' shape [40000], found 319997", error.Message);
    }

    [Fact]
    public void AHeaderPromisingMoreThanTheFileHolds_IsRefusedBeforeAllocating()
    {
        // 400 MB of float32 promised over 4 bytes: the old reader allocated the 400 MB first.
        var path = _temp.Write("x.npy", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 1000), }", new byte[4]));

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal($"{path}: truncated: expected 400000000 bytes of data for '<f4' shape [100000, 1000], found 4", error.Message);
        Assert.True(allocated < 1_000_000, $"refusing allocated {allocated} bytes");
    }

    [Fact]
    public void TrailingBytesInAFile_AreReported()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", [1, 2, 3]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal($"{path}: 1 unexpected bytes after the data of shape [2]", error.Message);
    }

    [Fact]
    public void DeeplyNestedHeader_IsRefusedWithoutOverflowingTheStack()
    {
        // A 64 KB header of 32,000 nested brackets used to overflow the recursive parser's stack and kill the process.
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + new string('[', 32_000) + new string(']', 32_000) + "}";
        var path = _temp.Write("x.npy", Npy(header, new byte[4]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($"{path}: malformed .npy header: brackets nested more than 32 deep (at offset ", error.Message);
    }

    [Fact]
    public void NestingAsDeepAsTheBound_IsParsed()
    {
        // 31 brackets inside the dict make 32 levels: still a header, only its 'shape' is wrong.
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + new string('(', 31) + new string(')', 31) + "}";
        var path = _temp.Write("x.npy", Npy(header, new byte[4]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($"{path}: .npy header field 'shape' contains a sequence", error.Message);
    }

    [Fact]
    public void LineBreaksAndEscapesInAHeader_StayOnOneEscapedLine()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '<f4',\n\n 'fortran_order': False, 'shape': (1,), 'x': bogus\u001b[2J}", new byte[4]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.Equal(
            $@"{path}: malformed .npy header: unknown name 'bogus' (at offset 68 of '{{\'descr\': \'<f4\',\n\n \'fortran_order\': False, \'shape\': (1,), \'x...' (73 characters))"
                .Replace(@"\'", "'"),
            error.Message);
    }

    [Fact]
    public void EscapeCodesInADtype_AreShownEscaped()
    {
        var path = _temp.Write("x.npy", Npy("{'descr': '\u001b]0;owned\u0007', 'fortran_order': False, 'shape': (1,), }", new byte[4]));

        var error = Assert.Throws<BadInputException>(() => NpyFile.Read(path));

        Assert.StartsWith($@"{path}: .npy dtype '\u001B]0;owned\u0007' is not supported;", error.Message);
    }

    /// <summary>Builds a .npy file by hand: magic, version, little-endian header length, header text, data.</summary>
    internal static byte[] Npy(string header, byte[] data, byte major = 1)
    {
        var text = Encoding.Latin1.GetBytes(header + "\n");
        var lengthSize = major == 1 ? 2 : 4;
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        var length = new byte[lengthSize];
        if (lengthSize == 2) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)text.Length);
        bytes.AddRange(length);
        bytes.AddRange(text);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static string HeaderText(byte[] npy) =>
        Encoding.Latin1.GetString(npy, 10, BinaryPrimitives.ReadUInt16LittleEndian(npy.AsSpan(8)));
}
