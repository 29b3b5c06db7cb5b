using System.Buffers.Binary;
using System.Globalization;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Models.Vq;

namespace Bottleneck.Applications.Compression;

/// <summary>
/// A file of bottleneck codes (.bnc), the stored form of §8.5's compressed database. Little-endian throughout:
/// <code>
///  offset  size       field
///  0       8          magic: 89 'B' 'N' 'C' 0D 0A 1A 0A (PNG-style: catches text-mode and 7-bit damage)
///  8       2          format version (1)
///  10      1          precision: 0 float32, 1 float16, 2 uint8
///  11      1          rank r of one code's shape (1..8)
///  12      4·r        code shape, uint32 each (a dense code: [k])
///  12+4r   8          number of codes N, uint64
///  20+4r   32         SHA-256 of the weights of the model that wrote the codes (zeros: unknown)
///  52+4r   8·k        uint8 only: min_j then scale_j, float32 each, for the k = Π shape code dimensions
///  ...     N·k·b      the codes, row-major, b = 4, 2 or 1 bytes a value
/// </code>
/// The file's length must be exactly what the header implies, so truncation is detected before any code is read.
/// </summary>
internal sealed record CodeFile(CodePrecision Precision, int[] CodeShape, long Count, byte[] ModelSha256, AffineQuantization? Quantization, float[] Codes)
{
    /// <summary>The file's first eight bytes.</summary>
    public static readonly byte[] Magic = [0x89, (byte)'B', (byte)'N', (byte)'C', 0x0D, 0x0A, 0x1A, 0x0A];

    public const ushort Version = 1;
    public const int MaxRank = 8;

    /// <summary>Values in one code: the product of <see cref="CodeShape"/>.</summary>
    public int CodeSize => CodeShape.Aggregate(1, (a, b) => checked(a * b));

    /// <summary>Header bytes for this precision and shape, quantisation table included.</summary>
    public long HeaderBytes => HeaderLength(CodeShape.Length, Precision, CodeSize);

    /// <summary>Bytes of the code values themselves: N·k·(bytes per value).</summary>
    public long PayloadBytes => Count * CodeSize * Precision.BytesPerValue();

    /// <summary>The whole file's size.</summary>
    public long FileBytes => HeaderBytes + PayloadBytes;

    static long HeaderLength(int rank, CodePrecision precision, long codeSize) =>
        8 + 2 + 1 + 1 + 4L * rank + 8 + 32 + (precision == CodePrecision.Uint8 ? 8 * codeSize : 0);

    /// <summary>
    /// Stores <paramref name="codes"/> (N codes of <paramref name="codeShape"/>, row-major float32) at
    /// <paramref name="precision"/> in <paramref name="path"/>, atomically, and returns what a reader will get back:
    /// the codes as restored from the chosen precision.
    /// </summary>
    /// <exception cref="BadInputException">A code value is not finite, or (float16) beyond ±65504.</exception>
    public static CodeFile Write(string path, float[] codes, int[] codeShape, CodePrecision precision, byte[]? modelSha256 = null)
    {
        if (codeShape.Length is < 1 or > MaxRank || codeShape.Any(d => d < 1))
            throw new ArgumentException($"code shape [{string.Join(", ", codeShape)}] must have 1..{MaxRank} positive dimensions");
        int width = codeShape.Aggregate(1, (a, b) => checked(a * b));
        if (codes.Length % width != 0) throw new ArgumentException($"{codes.Length} values are not whole codes of {width}");
        var hash = modelSha256 ?? new byte[32];
        if (hash.Length != 32) throw new ArgumentException("a SHA-256 has 32 bytes", nameof(modelSha256));
        for (int i = 0; i < codes.Length; i++)
            if (!float.IsFinite(codes[i])) throw new BadInputException($"code {i / width}, value {i % width} is not finite: such codes cannot be stored");

        AffineQuantization? quantization = null;
        byte[] payload;
        float[] restored;
        switch (precision)
        {
            case CodePrecision.Float32:
                payload = new byte[codes.Length * 4];
                for (int i = 0; i < codes.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(4 * i), codes[i]);
                restored = (float[])codes.Clone();
                break;
            case CodePrecision.Float16:
                payload = new byte[codes.Length * 2];
                restored = new float[codes.Length];
                for (int i = 0; i < codes.Length; i++)
                {
                    var half = (Half)codes[i];
                    if (Half.IsInfinity(half))
                        throw new BadInputException($"code {i / width}, value {i % width} is {codes[i].ToString("G6", CultureInfo.InvariantCulture)}, beyond float16's range (±65504): use `precision` float32 or uint8");
                    BinaryPrimitives.WriteHalfLittleEndian(payload.AsSpan(2 * i), half);
                    restored[i] = (float)half;
                }
                break;
            case CodePrecision.Uint8:
                quantization = AffineQuantization.Fit(codes, width);
                payload = quantization.Quantize(codes);
                restored = quantization.Restore(payload);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(precision), precision, null);
        }

        var file = new CodeFile(precision, (int[])codeShape.Clone(), codes.Length / width, (byte[])hash.Clone(), quantization, restored);
        var header = new byte[file.HeaderBytes];
        var h = header.AsSpan();
        Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt16LittleEndian(h[8..], Version);
        h[10] = (byte)precision;
        h[11] = (byte)codeShape.Length;
        int at = 12;
        foreach (var d in codeShape) { BinaryPrimitives.WriteUInt32LittleEndian(h[at..], (uint)d); at += 4; }
        BinaryPrimitives.WriteUInt64LittleEndian(h[at..], (ulong)file.Count); at += 8;
        hash.CopyTo(h[at..]); at += 32;
        if (quantization is not null)
        {
            foreach (var v in quantization.Min) { BinaryPrimitives.WriteSingleLittleEndian(h[at..], v); at += 4; }
            foreach (var v in quantization.Scale) { BinaryPrimitives.WriteSingleLittleEndian(h[at..], v); at += 4; }
        }
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(payload);
        });
        return file;
    }

    /// <summary>
    /// Reads a code file and restores its codes to float32. The file is streamed: its magic and header are checked, and
    /// its length against the header, before any code is read, so a large file of the wrong kind costs nothing.
    /// </summary>
    /// <exception cref="BadInputException">Not a code file, an unknown version or precision, a malformed header, or a length that does not match the header.</exception>
    public static CodeFile Read(string path)
    {
        if (Directory.Exists(path)) throw new BadInputException($"{path}: is a directory, expected a code file");
        if (!File.Exists(path)) throw new BadInputException($"{path}: file not found");
        using var stream = OpenRead(path);
        var length = stream.Length;
        const int fixedPart = 12;
        if (length == 0) throw new BadInputException($"{path}: the file is empty, expected a Bottleneck code file");

        // The longest header before the hash: the fixed part, MaxRank dimensions and the count.
        var head = new byte[Math.Min(length, fixedPart + 4 * MaxRank + 8)];
        stream.ReadExactly(head);
        ReadOnlySpan<byte> b = head;
        if (length < Magic.Length && b.SequenceEqual(Magic.AsSpan(0, b.Length))) throw Truncated(path, length, fixedPart, "the header");
        if (length < Magic.Length || !b[..Magic.Length].SequenceEqual(Magic))
            throw new BadInputException($"{path}: not a Bottleneck code file (bad magic: expected 89 42 4E 43 0D 0A 1A 0A, found {Convert.ToHexString(b[..Math.Min(8, b.Length)])})");
        if (length < fixedPart) throw Truncated(path, length, fixedPart, "the header");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]);
        if (version != Version)
            throw new BadInputException($"{path}: format version {version}, but this reader knows version {Version}");
        var precisionByte = b[10];
        if (precisionByte > (byte)CodePrecision.Uint8)
            throw new BadInputException($"{path}: unknown precision code {precisionByte} (expected 0 float32, 1 float16 or 2 uint8)");
        var precision = (CodePrecision)precisionByte;
        int rank = b[11];
        if (rank is < 1 or > MaxRank) throw new BadInputException($"{path}: code rank {rank} (expected 1..{MaxRank})");
        if (length < fixedPart + 4 * rank + 8) throw Truncated(path, length, fixedPart + 4 * rank + 8, "the header");
        var shape = new int[rank];
        long codeSize = 1;
        int at = fixedPart;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
            if (d is 0 or > int.MaxValue) throw new BadInputException($"{path}: code dimension {i} is {d} (expected a positive size)");
            shape[i] = (int)d;
            codeSize *= d;
            if (codeSize > int.MaxValue) throw new BadInputException($"{path}: a code of shape [{string.Join(", ", shape.Take(i + 1))}, ...] is impossibly large");
            at += 4;
        }
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
        at += 8;
        long header = HeaderLength(rank, precision, codeSize);
        // Compare in decimal so that an absurd count in a damaged header cannot overflow the arithmetic.
        decimal expected = header + (decimal)count * codeSize * precision.BytesPerValue();
        if (length < expected)
            throw new BadInputException($"{path}: truncated: the header promises {count:N0} codes of {codeSize} {precision.Name()} values, " +
                                        $"{expected:N0} bytes in all, but the file has {length:N0}");
        if (length > expected)
            throw new BadInputException($"{path}: {length - expected:N0} bytes beyond the {count:N0} codes the header describes (the file is damaged or not a code file)");
        decimal values = (decimal)count * codeSize;
        if (values > Array.MaxLength)
            throw new BadInputException($"{path}: holds {values:N0} code values, more than the {Array.MaxLength:N0} one array can hold (split the data and compress it in parts)");

        stream.Position = at;
        var hash = new byte[32];
        stream.ReadExactly(hash);
        int n = (int)values;
        float[] codes;
        AffineQuantization? quantization = null;
        switch (precision)
        {
            case CodePrecision.Float32:
                codes = ReadValues(stream, n, sizeof(float), (bytes, i) => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]));
                break;
            case CodePrecision.Float16:
                codes = ReadValues(stream, n, 2, (bytes, i) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]));
                break;
            default:
                var table = ReadValues(stream, 2 * (int)codeSize, sizeof(float), (bytes, i) => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]));
                var min = table[..(int)codeSize];
                var scale = table[(int)codeSize..];
                if (min.Any(v => !float.IsFinite(v)) || scale.Any(v => !float.IsFinite(v) || v < 0))
                    throw new BadInputException($"{path}: the uint8 quantisation table holds a non-finite minimum or a negative scale");
                quantization = new AffineQuantization(min, scale);
                var payload = new byte[n];
                stream.ReadExactly(payload);
                codes = quantization.Restore(payload);
                break;
        }
        if (codes.Any(v => !float.IsFinite(v))) throw new BadInputException($"{path}: holds a code value that is NaN or infinite");
        return new CodeFile(precision, shape, (long)count, hash, quantization, codes);
    }

    static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot open the file ({e.Message})", e);
        }
    }

    delegate float Decode(ReadOnlySpan<byte> bytes, int index);

    /// <summary>Reads <paramref name="count"/> little-endian values of <paramref name="size"/> bytes, a chunk at a time.</summary>
    static float[] ReadValues(Stream stream, int count, int size, Decode decode)
    {
        var values = new float[count];
        var buffer = new byte[1 << 16]; // a multiple of 2 and 4: no value straddles two chunks
        var perChunk = buffer.Length / size;
        foreach (var (start, chunk) in Batches.Of(count, perChunk))
        {
            stream.ReadExactly(buffer, 0, chunk * size);
            for (int i = 0; i < chunk; i++) values[start + i] = decode(buffer, i);
        }
        return values;
    }

    static BadInputException Truncated(string path, long length, long needed, string what) =>
        new($"{path}: truncated: {length} bytes, too short for {what} ({needed} bytes at least)");
}
