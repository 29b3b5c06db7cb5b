namespace Bottleneck.Data;

/// <summary>
/// A read-only stream that passes bytes through while computing their CRC-32 (the zip/gzip polynomial), and throws
/// <see cref="InvalidDataException"/> at the end of the data when the checksum differs from the expected one.
/// </summary>
/// <remarks>
/// .NET 10's <c>ZipArchive</c> does not verify entry checksums, so a damaged stored (uncompressed) entry would
/// otherwise be read as if it were intact.
/// </remarks>
internal sealed class Crc32CheckingStream(Stream inner, uint expected) : Stream
{
    private static readonly uint[] Table = BuildTable();

    private uint _crc = 0xFFFFFFFF;
    private bool _checked;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        if (read > 0)
        {
            var crc = _crc;
            foreach (var b in buffer[..read]) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            _crc = crc;
        }
        else if (buffer.Length > 0 && !_checked)
        {
            _checked = true;
            var actual = ~_crc;
            if (actual != expected)
                throw new InvalidDataException($"CRC-32 is 0x{actual:X8}, the archive says 0x{expected:X8}");
        }
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
