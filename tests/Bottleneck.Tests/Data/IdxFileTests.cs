using System.Buffers.Binary;
using System.IO.Compression;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

public class IdxFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("images.idx")]
    [InlineData("images.idx.gz")]
    public void Bytes_RoundTrip(string name)
    {
        var path = _temp.File(name);
        var data = Enumerable.Range(0, 12).Select(i => (byte)(i * 23)).ToArray();

        IdxFile.Write(path, NumericArray.FromBytes([3, 2, 2], data));
        var read = IdxFile.Read(path);

        Assert.True(read.IsBytes);
        Assert.Equal([3, 2, 2], read.Shape);
        Assert.Equal(data, read.Bytes);
    }

    [Fact]
    public void Bytes_RawFileHasTheMnistLayout()
    {
        var path = _temp.File("labels.idx");

        IdxFile.Write(path, NumericArray.FromBytes([3], [5, 0, 4]));

        Assert.Equal(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 3, 5, 0, 4 }, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("features.idx")]
    [InlineData("features.idx.gz")]
    public void Floats_RoundTrip(string name)
    {
        var path = _temp.File(name);
        float[] data = [1.5f, -2.25f, 0f, 1e-7f, 3.4e38f, -0.001f];

        IdxFile.Write(path, NumericArray.FromFloats([2, 3], data));
        var read = IdxFile.Read(path);

        Assert.False(read.IsBytes);
        Assert.Equal([2, 3], read.Shape);
        Assert.Equal(data, read.Floats!);
    }

    [Fact]
    public void Floats_AreWrittenAsBigEndianFloat32()
    {
        var path = _temp.File("features.idx");

        IdxFile.Write(path, NumericArray.FromFloats([1], [1.5f]));

        // 1.5f is 0x3FC00000; IDX stores it most significant byte first.
        Assert.Equal(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void GzFile_IsCompressed()
    {
        var path = _temp.File("images.idx.gz");

        IdxFile.Write(path, NumericArray.FromBytes([2], [1, 2]));

        Assert.Equal(new byte[] { 0x1F, 0x8B }, File.ReadAllBytes(path)[..2]);
    }

    [Fact]
    public void Gzip_IsDetectedByContentNotExtension()
    {
        var compressed = _temp.Write("looks-raw.idx", Gzip([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]));
        var raw = _temp.Write("looks-compressed.idx.gz", [0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]);

        Assert.Equal(new byte[] { 7, 9 }, IdxFile.Read(compressed).Bytes);
        Assert.Equal(new byte[] { 7, 9 }, IdxFile.Read(raw).Bytes);
    }

    [Fact]
    public void Int16_IsReadBigEndian()
    {
        var path = _temp.Write("int16.idx", [0, 0, 0x0B, 1, 0, 0, 0, 3, 0x00, 0x01, 0xFF, 0xFE, 0x7F, 0xFF]);

        var read = IdxFile.Read(path);

        Assert.Equal([3], read.Shape);
        Assert.Equal([1f, -2f, 32767f], read.Floats!);
    }

    [Fact]
    public void Float64_IsReadBigEndianAndNarrowed()
    {
        var bytes = new byte[] { 0, 0, 0x0E, 2, 0, 0, 0, 1, 0, 0, 0, 2 }.Concat(new byte[16]).ToArray();
        BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(12), 0.5);
        BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(20), -3.25);
        var path = _temp.Write("float64.idx", bytes);

        var read = IdxFile.Read(path);

        Assert.Equal([1, 2], read.Shape);
        Assert.Equal([0.5f, -3.25f], read.Floats!);
    }

    [Fact]
    public void SignedBytesAndInt32_AreRead()
    {
        var sbytes = _temp.Write("sbyte.idx", [0, 0, 0x09, 1, 0, 0, 0, 2, 0x80, 0x7F]);
        var int32 = _temp.Write("int32.idx", [0, 0, 0x0C, 1, 0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0x00, 0x00]);

        Assert.Equal([-128f, 127f], IdxFile.Read(sbytes).Floats!);
        Assert.Equal([-1f, 65536f], IdxFile.Read(int32).Floats!);
    }

    [Fact]
    public void MissingFile_IsReported()
    {
        var path = _temp.File("absent.idx");

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public void FileTooShortForTheMagicNumber_IsReported()
    {
        var path = _temp.Write("short.idx", [0, 0, 8]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: file too short for the IDX header: expected at least 4 bytes, found 3", error.Message);
    }

    [Fact]
    public void FileTooShortForTheDimensions_IsReported()
    {
        var path = _temp.Write("short.idx", [0, 0, 8, 3, 0, 0, 0, 2, 0, 0]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: file too short for the IDX header: rank 3 needs 16 header bytes, found 10", error.Message);
    }

    [Fact]
    public void BadMagicNumber_IsReported()
    {
        var path = _temp.Write("x.idx", [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal(
            $"{path}: wrong IDX magic number 0x12345678 (expected 0x0000 followed by a type code and a rank, e.g. 0x00000803 for images)",
            error.Message);
    }

    [Fact]
    public void UnknownTypeCode_IsReported()
    {
        var path = _temp.Write("x.idx", [0, 0, 0x07, 1, 0, 0, 0, 1, 0]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}: unknown IDX type code 0x07 in byte 3 of the magic number (expected 0x08 ubyte", error.Message);
    }

    [Fact]
    public void RankZero_IsReported()
    {
        var path = _temp.Write("x.idx", [0, 0, 0x08, 0]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: IDX rank (byte 4 of the magic number) is 0, expected at least 1 dimension", error.Message);
    }

    [Fact]
    public void ZeroDimension_IsReported()
    {
        var path = _temp.Write("x.idx", [0, 0, 0x08, 2, 0, 0, 0, 4, 0, 0, 0, 0]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: IDX dimension 2 of 2 is 0, expected a size between 1 and 2147483647", error.Message);
    }

    [Fact]
    public void TruncatedData_IsReported()
    {
        // Shape [2, 3] of int16 needs 12 bytes; 5 are present.
        var path = _temp.Write("x.idx", [0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: truncated: expected 12 bytes of data for shape [2, 3], found 5", error.Message);
    }

    [Fact]
    public void TruncatedGzipPayload_IsReported()
    {
        // A complete gzip stream whose decompressed IDX payload is short.
        var path = _temp.Write("x.idx.gz", Gzip([0, 0, 0x08, 1, 0, 0, 0, 9, 1, 2, 3]));

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: truncated: expected 9 bytes of data for shape [9], found 3", error.Message);
    }

    [Fact]
    public void AHeaderPromisingMoreThanARawFileHolds_IsRefusedBeforeAllocating()
    {
        // MNIST's training images header ([60000, 28, 28], 47 MB) over 10 bytes of data.
        var path = _temp.Write("x.idx", [0, 0, 0x08, 3, 0, 0, 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, .. new byte[10]]);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal($"{path}: truncated: expected 47040000 bytes of data for shape [60000, 28, 28], found 10", error.Message);
        Assert.True(allocated < 1_000_000, $"refusing allocated {allocated} bytes");
    }

    [Fact]
    public void AGzipFileWhoseHeaderClaimsAGigabyte_CostsOneBlock()
    {
        // [1000, 1000, 1000] bytes promised, 3 delivered: the size of a gzip file says nothing about what it inflates to.
        var path = _temp.Write("x.idx.gz", Gzip([0, 0, 0x08, 3, 0, 0, 0x03, 0xE8, 0, 0, 0x03, 0xE8, 0, 0, 0x03, 0xE8, 1, 2, 3]));

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal($"{path}: truncated: expected 1000000000 bytes of data for shape [1000, 1000, 1000], found 3", error.Message);
        Assert.True(allocated < 20_000_000, $"refusing allocated {allocated} bytes");
    }

    [Fact]
    public void AGzipPayloadOfSeveralBlocks_IsReadExactly()
    {
        // 70 MB of bytes: beyond the single-read limit, so read in 16 MB blocks and joined.
        var values = new byte[70_000_000];
        for (var i = 0; i < values.Length; i += 4093) values[i] = (byte)(i % 251 + 1);
        var path = _temp.File("big.idx.gz");
        IdxFile.Write(path, NumericArray.FromBytes([70, 1_000_000], values));

        var read = IdxFile.Read(path);

        Assert.Equal([70, 1_000_000], read.Shape);
        Assert.Equal(values, read.Bytes);
    }

    [Fact]
    public void TrailingBytes_AreReported()
    {
        var path = _temp.Write("x.idx", [0, 0, 0x08, 1, 0, 0, 0, 2, 1, 2, 3, 4, 5]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: 3 unexpected bytes after the data (the header of shape [2] declares 2 bytes)", error.Message);
    }

    [Fact]
    public void CorruptGzip_IsReported()
    {
        // Gzip magic and a valid-looking member header, followed by an invalid deflate block type (0b11).
        var path = _temp.Write("x.idx.gz", [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}: corrupt gzip data (", error.Message);
    }

    [Fact]
    public void CutOffGzipFile_IsReported()
    {
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray();
        var whole = _temp.File("whole.idx.gz");
        IdxFile.Write(whole, NumericArray.FromBytes([5000], data));
        var bytes = File.ReadAllBytes(whole);
        var path = _temp.Write("cut.idx.gz", bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<BadInputException>(() => IdxFile.Read(path));

        Assert.StartsWith($"{path}: ", error.Message);
        Assert.True(error.Message.Contains("corrupt gzip data") || error.Message.Contains("truncated: expected 5000 bytes"), error.Message);
    }

    [Fact]
    public void Write_RejectsAnEmptyDimension()
    {
        Assert.Throws<ArgumentException>(() => IdxFile.Write(_temp.File("x.idx"), NumericArray.FromFloats([0, 3], [])));
    }

    private static byte[] Gzip(byte[] payload)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(payload);
        return output.ToArray();
    }
}
