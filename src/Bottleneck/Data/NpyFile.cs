using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Bottleneck.IO;

namespace Bottleneck.Data;

/// <summary>
/// Reads and writes numpy's .npy format: the magic string \x93NUMPY, a version, a Python-dict header giving dtype,
/// memory order and shape, then the raw elements. uint8 data stays bytes; every other numeric dtype becomes float32.
/// </summary>
internal static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // numpy aligns the start of the data to 64 bytes so the array can be memory-mapped with any element type.
    private const int Alignment = 64;

    // numpy leaves this much room after the header dict so the growing axis can be rewritten in place.
    private const int GrowthAxisMaxDigits = 21;

    // Far above any real header (numpy itself refuses more than 10,000 bytes by default) but small enough that
    // a corrupt length cannot make us allocate gigabytes.
    private const int MaxHeaderLength = 1 << 20;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads a .npy file.</summary>
    /// <exception cref="BadInputException">The file is missing, malformed, truncated, longer than its header says, or of an unsupported dtype.</exception>
    public static NumericArray Read(string path)
    {
        using var stream = DataFile.OpenRead(path);
        return ReadToEnd(stream, path);
    }

    /// <summary>
    /// Reads one .npy array from <paramref name="stream"/>, leaving it positioned just after the data; errors name
    /// <paramref name="sourceName"/>.
    /// </summary>
    /// <exception cref="BadInputException">The content is malformed, truncated or of an unsupported dtype.</exception>
    public static NumericArray Read(Stream stream, string sourceName) => Read(stream, sourceName, checkBeforeData: null);

    /// <summary>
    /// Reads one .npy array, calling <paramref name="checkBeforeData"/> with the shape and the whole file's size in
    /// bytes (header and data) once the header is parsed and before any data is read or allocated; it refuses by throwing.
    /// </summary>
    internal static NumericArray Read(Stream stream, string sourceName, Action<int[], long>? checkBeforeData)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (header, headerBytes) = ReadHeader(stream, sourceName);
        var type = ElementType.Parse(header.Descr, sourceName);

        long count = 1;
        foreach (var size in header.Shape) count = Math.Min(count * size, (long)Array.MaxLength + 1);
        if (count > Array.MaxLength)
            throw new BadInputException(
                $"{sourceName}: .npy shape {NumericArray.FormatShape(header.Shape)} has more than {Array.MaxLength} elements, the most one array can hold");
        checkBeforeData?.Invoke(header.Shape, headerBytes + count * type.Size);
        // A file says up front whether the data is all there: nothing is allocated for a header that overpromises.
        if (stream.CanSeek && stream.Length - stream.Position < count * type.Size)
            throw Truncated(sourceName, header, count * type.Size, stream.Length - stream.Position);

        if (type.IsUnsignedByte)
        {
            var bytes = new byte[count];
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read < bytes.Length) throw Truncated(sourceName, header, bytes.Length, read);
            return NumericArray.FromBytes(header.Shape, header.FortranOrder ? ToCOrder(bytes, header.Shape) : bytes);
        }

        var floats = ReadFloats(stream, sourceName, header, type, (int)count);
        return NumericArray.FromFloats(header.Shape, header.FortranOrder ? ToCOrder(floats, header.Shape) : floats);
    }

    /// <summary>
    /// Writes <paramref name="array"/> as a version 1.0 .npy file ('|u1' when it holds bytes, '&lt;f4' otherwise),
    /// replacing <paramref name="path"/> atomically.
    /// </summary>
    public static void Write(string path, NumericArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>Writes <paramref name="array"/> in .npy format to <paramref name="stream"/>, leaving the stream open.</summary>
    public static void Write(Stream stream, NumericArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        stream.Write(EncodeHeader(new NpyHeader(array.IsBytes ? "|u1" : "<f4", false, array.Shape)));

        if (array.Bytes is not null)
        {
            stream.Write(array.Bytes);
            return;
        }

        var floats = array.Floats!;
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(floats.AsSpan()));
            return;
        }

        var buffer = new byte[ChunkBytes];
        const int perChunk = ChunkBytes / 4;
        for (var start = 0; start < floats.Length; start += perChunk)
        {
            var n = Math.Min(perChunk, floats.Length - start);
            for (var i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), floats[start + i]);
            stream.Write(buffer, 0, 4 * n);
        }
    }

    /// <summary>Reads one array and requires the stream to end right after it, as a standalone .npy file must.</summary>
    internal static NumericArray ReadToEnd(Stream stream, string sourceName, Action<int[], long>? checkBeforeData = null)
    {
        var array = Read(stream, sourceName, checkBeforeData);
        var extra = DataFile.CountRemaining(stream);
        if (extra > 0)
            throw new BadInputException(
                $"{sourceName}: {extra} unexpected bytes after the data of shape {NumericArray.FormatShape(array.Shape)}");
        return array;
    }

    /// <summary>Reads the magic, version, length and header dict; returns the header and how many bytes it took.</summary>
    private static (NpyHeader Header, long Bytes) ReadHeader(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[Magic.Length + 2];
        var read = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (read < prefix.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
            throw new BadInputException(
                $"{source}: not a .npy file: expected the magic string \\x93NUMPY and a version at the start, found {(read == 0 ? "nothing" : "0x" + Convert.ToHexString(prefix[..read]))}");

        var (major, minor) = (prefix[^2], prefix[^1]);
        var lengthSize = (major, minor) switch
        {
            (1, 0) => 2,
            (2, 0) or (3, 0) => 4,
            _ => throw new BadInputException($"{source}: unsupported .npy format version {major}.{minor} (expected 1.0, 2.0 or 3.0)"),
        };

        Span<byte> lengthBytes = stackalloc byte[lengthSize];
        read = stream.ReadAtLeast(lengthBytes, lengthSize, throwOnEndOfStream: false);
        if (read < lengthSize)
            throw new BadInputException($"{source}: truncated: the .npy header length needs {lengthSize} bytes, found {read}");
        var length = lengthSize == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (length > MaxHeaderLength)
            throw new BadInputException($"{source}: .npy header length is {length} bytes, expected at most {MaxHeaderLength}");

        var headerBytes = new byte[length];
        read = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (read < headerBytes.Length)
            throw new BadInputException($"{source}: truncated: expected a {length}-byte .npy header, found {read} bytes");

        // Versions 1 and 2 store the header in Latin-1; version 3 exists only to allow UTF-8 (for field names).
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        return (NpyHeader.Parse(text, source), prefix.Length + lengthSize + length);
    }

    private static byte[] EncodeHeader(NpyHeader header)
    {
        var dict = header.Format();
        var growthAxis = header.Shape.Length == 0 ? null : header.Shape[header.FortranOrder ? ^1 : 0].ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (growthAxis is not null) dict += new string(' ', Math.Max(0, GrowthAxisMaxDigits - growthAxis.Length));

        // Version 1.0 stores the header length in 2 bytes; numpy falls back to 2.0 only when the header outgrows that.
        var (major, lengthSize) = dict.Length + 1 + Alignment <= ushort.MaxValue ? ((byte)1, 2) : ((byte)2, 4);
        var prefixLength = Magic.Length + 2 + lengthSize;
        // Same rule as numpy: the padding is never empty, so an already aligned header gets a full block of spaces.
        var padding = Alignment - (prefixLength + dict.Length + 1) % Alignment;
        var text = dict + new string(' ', padding) + "\n";

        var bytes = new byte[prefixLength + text.Length];
        Magic.CopyTo(bytes, 0);
        bytes[Magic.Length] = major;
        if (lengthSize == 2) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(Magic.Length + 2), (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Magic.Length + 2), (uint)text.Length);
        Encoding.Latin1.GetBytes(text, bytes.AsSpan(prefixLength));
        return bytes;
    }

    private static float[] ReadFloats(Stream stream, string source, NpyHeader header, ElementType type, int count)
    {
        var floats = new float[count];
        if (type.IsNativeFloat32 && count <= int.MaxValue / sizeof(float))
        {
            // The file already holds this machine's float layout: read straight into the result, no conversion pass.
            var target = MemoryMarshal.AsBytes(floats.AsSpan());
            var got = stream.ReadAtLeast(target, target.Length, throwOnEndOfStream: false);
            if (got < target.Length) throw Truncated(source, header, target.Length, got);
            return floats;
        }

        var buffer = new byte[ChunkBytes]; // a multiple of every element size, so no element straddles two chunks
        var perChunk = ChunkBytes / type.Size;
        for (var start = 0; start < count; start += perChunk)
        {
            var n = Math.Min(perChunk, count - start);
            var wanted = n * type.Size;
            var read = stream.ReadAtLeast(buffer.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
            if (read < wanted) throw Truncated(source, header, (long)count * type.Size, (long)start * type.Size + read);
            type.Convert(buffer.AsSpan(0, wanted), floats.AsSpan(start, n));
        }
        return floats;
    }

    private static BadInputException Truncated(string source, NpyHeader header, long expected, long found) =>
        new($"{source}: truncated: expected {expected} bytes of data for '{header.Descr}' shape {NumericArray.FormatShape(header.Shape)}, found {found}");

    /// <summary>Reorders column-major (Fortran) data into row-major (C) order.</summary>
    private static T[] ToCOrder<T>(T[] data, int[] shape)
    {
        if (shape.Length < 2 || data.Length == 0) return data;

        var rank = shape.Length;
        var strides = new long[rank]; // C-order strides
        strides[rank - 1] = 1;
        for (var d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];

        // Walk the source in its own (Fortran) order, first index fastest, tracking the matching C offset.
        var result = new T[data.Length];
        var index = new int[rank];
        long offset = 0;
        foreach (var value in data)
        {
            result[offset] = value;
            for (var d = 0; d < rank; d++)
            {
                offset += strides[d];
                if (++index[d] < shape[d]) break;
                offset -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
        return result;
    }

    /// <summary>A numpy dtype string such as '&lt;f4' resolved to kind, size and byte order.</summary>
    private readonly record struct ElementType(char Kind, int Size, bool BigEndian)
    {
        private const string Supported = "b1, u1, i1, u2, i2, u4, i4, u8, i8, f2, f4 or f8 with byte order <, >, | or =";

        public bool IsUnsignedByte => Kind == 'u' && Size == 1;

        public bool IsNativeFloat32 => Kind == 'f' && Size == 4 && BigEndian != BitConverter.IsLittleEndian;

        public static ElementType Parse(string descr, string source)
        {
            // numpy always writes a byte-order character; a bare code such as 'f4' is read as native order.
            var hasOrder = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=';
            var order = hasOrder ? descr[0] : '=';
            var code = hasOrder ? descr[1..] : descr;
            if (code is not ("b1" or "u1" or "i1" or "u2" or "i2" or "u4" or "i4" or "u8" or "i8" or "f2" or "f4" or "f8"))
            {
                var why = code.StartsWith('O') ? " holds Python objects, which only Python can read;" : " is not supported;";
                throw new BadInputException($"{source}: .npy dtype {Excerpt.Quote(descr)}{why} expected a numeric dtype: {Supported}");
            }
            // '|' (not applicable) and '=' (native) only occur on single bytes in files numpy writes; read them as native.
            var bigEndian = order == '>' || (order is '|' or '=' && !BitConverter.IsLittleEndian);
            return new ElementType(code[0], code[1] - '0', bigEndian);
        }

        public void Convert(ReadOnlySpan<byte> source, Span<float> target)
        {
            var big = BigEndian;
            switch (Kind, Size)
            {
                case ('b', 1):
                    for (var i = 0; i < target.Length; i++) target[i] = source[i] != 0 ? 1f : 0f;
                    break;
                case ('i', 1):
                    for (var i = 0; i < target.Length; i++) target[i] = (sbyte)source[i];
                    break;
                case ('u', 2):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = big ? BinaryPrimitives.ReadUInt16BigEndian(source[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]);
                    break;
                case ('i', 2):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = big ? BinaryPrimitives.ReadInt16BigEndian(source[(2 * i)..]) : BinaryPrimitives.ReadInt16LittleEndian(source[(2 * i)..]);
                    break;
                case ('u', 4):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = big ? BinaryPrimitives.ReadUInt32BigEndian(source[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(source[(4 * i)..]);
                    break;
                case ('i', 4):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = big ? BinaryPrimitives.ReadInt32BigEndian(source[(4 * i)..]) : BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]);
                    break;
                case ('u', 8):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = big ? BinaryPrimitives.ReadUInt64BigEndian(source[(8 * i)..]) : BinaryPrimitives.ReadUInt64LittleEndian(source[(8 * i)..]);
                    break;
                case ('i', 8):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = big ? BinaryPrimitives.ReadInt64BigEndian(source[(8 * i)..]) : BinaryPrimitives.ReadInt64LittleEndian(source[(8 * i)..]);
                    break;
                case ('f', 2):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = (float)(big ? BinaryPrimitives.ReadHalfBigEndian(source[(2 * i)..]) : BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]));
                    break;
                case ('f', 4):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = big ? BinaryPrimitives.ReadSingleBigEndian(source[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                    break;
                case ('f', 8):
                    for (var i = 0; i < target.Length; i++)
                        target[i] = (float)(big ? BinaryPrimitives.ReadDoubleBigEndian(source[(8 * i)..]) : BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]));
                    break;
                default:
                    throw new InvalidOperationException($"dtype {Kind}{Size} has no float conversion.");
            }
        }
    }
}
