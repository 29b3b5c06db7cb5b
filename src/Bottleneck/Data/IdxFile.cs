using System.Buffers.Binary;
using System.IO.Compression;
using Bottleneck.IO;

namespace Bottleneck.Data;

/// <summary>
/// Reads and writes IDX files, the format of LeCun's MNIST distribution: two zero bytes, a type code, a rank,
/// the dimension sizes as big-endian 32-bit integers, then the elements in big-endian C order. Gzip-compressed
/// files (such as train-images-idx3-ubyte.gz) are recognised by their content.
/// </summary>
internal static class IdxFile
{
    private const byte UnsignedByte = 0x08;
    private const byte Float32 = 0x0D;

    /// <summary>Reads an IDX file, gzip-compressed or not; uint8 data stays bytes, every other type becomes float32.</summary>
    /// <exception cref="BadInputException">The file is missing, is not a well-formed IDX file, or is corrupt gzip.</exception>
    public static NumericArray Read(string path)
    {
        using var file = DataFile.OpenRead(path);
        try
        {
            using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            return Read(stream, path);
        }
        catch (InvalidDataException e)
        {
            throw new BadInputException($"{path}: corrupt gzip data ({e.Message})", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="array"/> as IDX: type ubyte when it holds bytes, float32 otherwise; gzip-compressed
    /// when <paramref name="path"/> ends in .gz. The file is replaced atomically.
    /// </summary>
    /// <exception cref="ArgumentException">The array has rank 0, rank above 255 or an empty dimension, which IDX cannot represent.</exception>
    public static void Write(string path, NumericArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Shape.Length is 0 or > 255)
            throw new ArgumentException($"IDX needs a rank between 1 and 255, the array has shape {NumericArray.FormatShape(array.Shape)}.", nameof(array));
        if (array.Shape.Contains(0))
            throw new ArgumentException($"IDX cannot represent an empty dimension, the array has shape {NumericArray.FormatShape(array.Shape)}.", nameof(array));

        var compress = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, stream =>
        {
            if (!compress)
            {
                WriteContent(stream, array);
                return;
            }
            // Disposing the gzip stream writes its trailer; the file stream itself belongs to AtomicFile.
            using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            WriteContent(gzip, array);
        });
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    private static NumericArray Read(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        var read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (read < 4)
            throw new BadInputException($"{path}: file too short for the IDX header: expected at least 4 bytes, found {read}");
        if (magic[0] != 0 || magic[1] != 0)
            throw new BadInputException(
                $"{path}: wrong IDX magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8} " +
                "(expected 0x0000 followed by a type code and a rank, e.g. 0x00000803 for images)");

        var type = magic[2];
        var elementSize = ElementSize(type);
        if (elementSize == 0)
            throw new BadInputException(
                $"{path}: unknown IDX type code 0x{type:X2} in byte 3 of the magic number " +
                "(expected 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64)");

        int rank = magic[3];
        if (rank == 0)
            throw new BadInputException($"{path}: IDX rank (byte 4 of the magic number) is 0, expected at least 1 dimension");

        var dimensionBytes = new byte[4 * rank];
        read = stream.ReadAtLeast(dimensionBytes, dimensionBytes.Length, throwOnEndOfStream: false);
        if (read < dimensionBytes.Length)
            throw new BadInputException(
                $"{path}: file too short for the IDX header: rank {rank} needs {4 + dimensionBytes.Length} header bytes, found {4 + read}");

        var shape = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes.AsSpan(4 * i));
            if (size is 0 or > int.MaxValue)
                throw new BadInputException(
                    $"{path}: IDX dimension {i + 1} of {rank} is {size}, expected a size between 1 and {int.MaxValue}");
            shape[i] = (int)size;
        }

        // Saturating product: up to 255 dimensions could overflow a long, and anything past Array.MaxLength is refused anyway.
        long byteCount = elementSize;
        foreach (var size in shape) byteCount = Math.Min(byteCount * size, (long)Array.MaxLength + 1);
        if (byteCount > Array.MaxLength)
            throw new BadInputException(
                $"{path}: IDX shape {NumericArray.FormatShape(shape)} declares more than {Array.MaxLength} bytes of data, the most one array can hold");

        // A raw file says up front whether the data is all there; nothing is allocated for a header that overpromises.
        if (stream.CanSeek && stream.Length - stream.Position < byteCount)
            throw Truncated(path, shape, byteCount, stream.Length - stream.Position);
        var data = ReadPayload(stream, byteCount, shape, path);

        var extra = DataFile.CountRemaining(stream);
        if (extra > 0)
            throw new BadInputException(
                $"{path}: {extra} unexpected bytes after the data (the header of shape {NumericArray.FormatShape(shape)} declares {data.Length} bytes)");

        return type == UnsignedByte ? NumericArray.FromBytes(shape, data) : NumericArray.FromFloats(shape, ToFloats(type, data));
    }

    // Up to this size the payload is read into one array at once: MNIST's 47 MB of images is one allocation and one read.
    private const int WholeReadLimit = 1 << 26;

    private const int Block = 1 << 24;

    /// <summary>
    /// Reads <paramref name="byteCount"/> bytes. Beyond <see cref="WholeReadLimit"/> (a gzip'd file, whose size says
    /// nothing) the data is read in 16 MB blocks and the array allocated once they are all there, so a small file whose
    /// header claims gigabytes costs one block, not gigabytes, before it is found truncated.
    /// </summary>
    private static byte[] ReadPayload(Stream stream, long byteCount, int[] shape, string path)
    {
        int read;
        if (byteCount <= WholeReadLimit)
        {
            var whole = new byte[byteCount];
            read = stream.ReadAtLeast(whole, whole.Length, throwOnEndOfStream: false);
            if (read < whole.Length) throw Truncated(path, shape, byteCount, read);
            return whole;
        }

        var blocks = new List<byte[]>();
        long total = 0;
        while (total < byteCount)
        {
            var block = new byte[Math.Min(Block, byteCount - total)];
            read = stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
            total += read;
            if (read < block.Length) throw Truncated(path, shape, byteCount, total);
            blocks.Add(block);
        }
        var data = new byte[byteCount];
        long at = 0;
        foreach (var block in blocks)
        {
            block.CopyTo(data, at);
            at += block.Length;
        }
        return data;
    }

    private static BadInputException Truncated(string path, int[] shape, long expected, long found) =>
        new($"{path}: truncated: expected {expected} bytes of data for shape {NumericArray.FormatShape(shape)}, found {found}");

    private static int ElementSize(byte type) => type switch
    {
        0x08 or 0x09 => 1,
        0x0B => 2,
        0x0C or 0x0D => 4,
        0x0E => 8,
        _ => 0,
    };

    private static float[] ToFloats(byte type, byte[] data)
    {
        var span = data.AsSpan();
        var floats = new float[data.Length / ElementSize(type)];
        switch (type)
        {
            case 0x09:
                for (var i = 0; i < floats.Length; i++) floats[i] = (sbyte)span[i];
                break;
            case 0x0B:
                for (var i = 0; i < floats.Length; i++) floats[i] = BinaryPrimitives.ReadInt16BigEndian(span[(2 * i)..]);
                break;
            case 0x0C:
                for (var i = 0; i < floats.Length; i++) floats[i] = BinaryPrimitives.ReadInt32BigEndian(span[(4 * i)..]);
                break;
            case 0x0D:
                for (var i = 0; i < floats.Length; i++) floats[i] = BinaryPrimitives.ReadSingleBigEndian(span[(4 * i)..]);
                break;
            case 0x0E:
                for (var i = 0; i < floats.Length; i++) floats[i] = (float)BinaryPrimitives.ReadDoubleBigEndian(span[(8 * i)..]);
                break;
            default:
                throw new InvalidOperationException($"IDX type 0x{type:X2} has no float conversion.");
        }
        return floats;
    }

    private static void WriteContent(Stream stream, NumericArray array)
    {
        var header = new byte[4 + 4 * array.Shape.Length];
        header[2] = array.IsBytes ? UnsignedByte : Float32;
        header[3] = (byte)array.Shape.Length;
        for (var i = 0; i < array.Shape.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), array.Shape[i]);
        stream.Write(header);

        if (array.Bytes is not null)
        {
            stream.Write(array.Bytes);
            return;
        }

        // Convert in chunks so a large float array does not need a second full-size byte copy.
        var floats = array.Floats!;
        var buffer = new byte[1 << 16];
        const int perChunk = (1 << 16) / 4;
        for (var start = 0; start < floats.Length; start += perChunk)
        {
            var count = Math.Min(perChunk, floats.Length - start);
            for (var i = 0; i < count; i++)
                BinaryPrimitives.WriteSingleBigEndian(buffer.AsSpan(4 * i), floats[start + i]);
            stream.Write(buffer, 0, 4 * count);
        }
    }
}
