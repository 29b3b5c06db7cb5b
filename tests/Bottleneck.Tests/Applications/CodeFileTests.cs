using System.Buffers.Binary;
using Bottleneck.Applications.Compression;
using Bottleneck.Tests.Data;
using Xunit;

namespace Bottleneck.Tests.Applications;

/// <summary>The code file: round trips at each precision within the precision's error bound, and a header that is checked.</summary>
public class CodeFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>100 codes of 32 values with ReLU-like zeros, wide and narrow dimensions, and one constant dimension.</summary>
    static float[] SampleCodes(int count = 100, int width = 32)
    {
        var random = new Random(11);
        var codes = new float[count * width];
        for (int i = 0; i < codes.Length; i++)
        {
            int j = i % width;
            codes[i] = j == 7 ? 2.5f : Math.Max(0, (float)((random.NextDouble() - 0.3) * (j + 1) * 1.7));
        }
        return codes;
    }

    [Fact]
    public void Float32_round_trip_is_exact_and_the_sizes_are_the_header_formula()
    {
        var codes = SampleCodes();
        var path = _temp.File("codes.bnc");
        var written = CodeFile.Write(path, codes, [32], CodePrecision.Float32, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        // magic 8 + version 2 + precision 1 + rank 1 + shape 4 + count 8 + hash 32 = 56 bytes of header.
        Assert.Equal(56, written.HeaderBytes);
        Assert.Equal(100 * 32 * 4, written.PayloadBytes);
        Assert.Equal(56 + 12_800, new FileInfo(path).Length);

        var read = CodeFile.Read(path);
        Assert.Equal(codes, read.Codes);
        Assert.Equal([32], read.CodeShape);
        Assert.Equal(100, read.Count);
        Assert.Equal(CodePrecision.Float32, read.Precision);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), read.ModelSha256);

        // The layout, read independently of the reader.
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(CodeFile.Magic, bytes[..8]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(0, bytes[10]);
        Assert.Equal(1, bytes[11]);
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(100ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(codes[0], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(56)));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.tmp"));
    }

    [Fact]
    public void Float16_round_trip_stays_within_half_precision_rounding()
    {
        var codes = SampleCodes();
        var path = _temp.File("codes16.bnc");
        CodeFile.Write(path, codes, [32], CodePrecision.Float16);
        Assert.Equal(56 + 100 * 32 * 2, new FileInfo(path).Length);
        var read = CodeFile.Read(path);
        for (int i = 0; i < codes.Length; i++)
        {
            // Round to nearest with 11 significant bits: |error| ≤ 2⁻¹¹·|h| for normal values, ≤ 2⁻²⁵ below 2⁻¹⁴.
            double bound = Math.Max(Math.Abs(codes[i]) * Math.Pow(2, -11), Math.Pow(2, -25));
            Assert.True(Math.Abs(read.Codes[i] - codes[i]) <= bound, $"value {i}: {codes[i]} came back as {read.Codes[i]}");
        }
        Assert.Contains(read.Codes, v => v != 0 && Array.IndexOf(codes, v) < 0);   // something was actually rounded
    }

    [Fact]
    public void Uint8_round_trip_stays_within_half_a_step_per_dimension()
    {
        var codes = SampleCodes();
        var path = _temp.File("codes8.bnc");
        var written = CodeFile.Write(path, codes, [32], CodePrecision.Uint8);
        // The header adds min and scale per dimension: 56 + 32·8 = 312 bytes.
        Assert.Equal(312, written.HeaderBytes);
        Assert.Equal(312 + 100 * 32, new FileInfo(path).Length);
        var read = CodeFile.Read(path);
        var q = read.Quantization!;
        for (int j = 0; j < 32; j++)
        {
            var column = Enumerable.Range(0, 100).Select(i => codes[i * 32 + j]).ToArray();
            Assert.Equal(column.Min(), q.Min[j]);
            Assert.Equal((float)((column.Max() - (double)column.Min()) / 255), q.Scale[j]);
            for (int i = 0; i < 100; i++)
            {
                double error = Math.Abs(read.Codes[i * 32 + j] - column[i]);
                Assert.True(error <= q.Scale[j] / 2 * (1 + 1e-6) + 1e-6 * Math.Abs(column[i]), $"code {i}, dimension {j}: error {error}, half a step {q.Scale[j] / 2}");
            }
        }
        Assert.Equal(0f, q.Scale[7]);   // the constant dimension
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(2.5f, read.Codes[i * 32 + 7]));
        Assert.Equal(written.Codes, read.Codes);   // the writer's restored codes are exactly what a reader gets
    }

    [Fact]
    public void A_multi_dimensional_code_shape_survives()
    {
        var codes = SampleCodes(10, 24);
        var path = _temp.File("conv.bnc");
        CodeFile.Write(path, codes, [2, 3, 4], CodePrecision.Float32);
        var read = CodeFile.Read(path);
        Assert.Equal([2, 3, 4], read.CodeShape);
        Assert.Equal(24, read.CodeSize);
        Assert.Equal(codes, read.Codes);
    }

    [Fact]
    public void Damaged_files_are_bad_input_with_one_line()
    {
        var path = _temp.File("codes.bnc");
        CodeFile.Write(path, SampleCodes(), [32], CodePrecision.Uint8);
        var good = File.ReadAllBytes(path);

        string Error(byte[] bytes)
        {
            var damaged = _temp.Write("damaged.bnc", bytes);
            var message = Assert.Throws<BadInputException>(() => CodeFile.Read(damaged)).Message;
            Assert.DoesNotContain('\n', message);
            return message;
        }

        Assert.Contains("bad magic", Error([.. "PK\u0003\u0004"u8.ToArray(), .. good[4..]]));
        Assert.Contains("truncated", Error(good[..^1]));
        Assert.Contains("truncated", Error(good[..30]));
        Assert.Contains("truncated", Error(good[..5]));
        Assert.Contains("1 bytes beyond", Error([.. good, 0]));
        Assert.Contains("the file is empty", Error([]));
        var version = (byte[])good.Clone();
        version[8] = 2;
        Assert.Contains("format version 2", Error(version));
        var precision = (byte[])good.Clone();
        precision[10] = 7;
        Assert.Contains("unknown precision code 7", Error(precision));
        var count = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(count.AsSpan(16), ulong.MaxValue);
        Assert.Contains("truncated", Error(count));
        Assert.Contains("file not found", Assert.Throws<BadInputException>(() => CodeFile.Read(_temp.File("missing.bnc"))).Message);
    }

    [Fact]
    public void A_3_GB_file_of_another_kind_is_refused_from_its_magic_without_reading_it()
    {
        // Sparse: 3 GB on paper, nothing on disk. File.ReadAllBytes of it threw IOException (exit 1) before the magic was seen.
        var path = _temp.File("big.zip");
        using (var file = File.Create(path))
        {
            file.Write("PK\u0003\u0004"u8);
            file.SetLength(3L << 30);
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => CodeFile.Read(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal($"{path}: not a Bottleneck code file (bad magic: expected 89 42 4E 43 0D 0A 1A 0A, found 504B030400000000)", error.Message);
        Assert.True(allocated < 1_000_000, $"refusing allocated {allocated} bytes");
    }

    [Fact]
    public void A_code_file_beyond_one_array_is_refused_in_one_line()
    {
        // 2^31 float16 values of one dimension: a consistent header and length (4 GB, sparse), but more than one array holds.
        var path = _temp.File("huge.bnc");
        CodeFile.Write(path, [1f], [1], CodePrecision.Float16);
        var header = File.ReadAllBytes(path)[..56];
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), 1UL << 31);
        using (var file = File.Create(path))
        {
            file.Write(header);
            file.SetLength(56 + (2L << 31));
        }

        var error = Assert.Throws<BadInputException>(() => CodeFile.Read(path));

        Assert.Equal($"{path}: holds 2,147,483,648 code values, more than the {Array.MaxLength:N0} one array can hold (split the data and compress it in parts)", error.Message);
    }

    [Fact]
    public void Codes_spanning_many_read_chunks_are_restored_exactly()
    {
        // 50,000 float32 values are 200,000 bytes: four 64 KB chunks, the last one partial.
        var codes = Enumerable.Range(0, 50_000).Select(i => (float)Math.Sin(i) * 1000).ToArray();
        var path = _temp.File("many.bnc");
        CodeFile.Write(path, codes, [10], CodePrecision.Float32);

        var read = CodeFile.Read(path);

        Assert.Equal(5_000, read.Count);
        Assert.Equal(codes, read.Codes);
    }

    [Fact]
    public void Values_beyond_float16_range_are_refused_not_stored_as_infinity()
    {
        var codes = new float[] { 1, 70_000 };
        var error = Assert.Throws<BadInputException>(() => CodeFile.Write(_temp.File("big.bnc"), codes, [2], CodePrecision.Float16));
        Assert.Contains("beyond float16's range", error.Message);
        Assert.False(File.Exists(_temp.File("big.bnc")));
        Assert.Equal(CodePrecision.Uint8, CodePrecisions.Parse("UINT8"));
        Assert.Contains("unknown precision 'int4'", Assert.Throws<OptionException>(() => CodePrecisions.Parse("int4")).Message);
    }

    [Fact]
    public void Ratios_are_exact_arithmetic()
    {
        var report = new CompressionReport
        {
            Samples = 10_000, SampleValues = 784, CodeValues = 32, Precision = CodePrecision.Float32,
            HeaderBytes = 56, PayloadBytes = 1_280_000, FileBytes = 1_280_056,
        };
        Assert.Equal(24.5, report.CodeRatio);                      // 784 / 32 (§2.2)
        Assert.Equal(31_360_000, report.RawFloat32Bytes);          // 784 · 4 = 3,136 bytes a digit (§8.5)
        Assert.Equal(7_840_000, report.Uint8Bytes);
        Assert.Equal(31_360_000.0 / 1_280_056, report.RatioToFloat32);
        Assert.Equal(7_840_000.0 / 1_280_056, report.RatioToUint8);
        Assert.Equal(100 * (1 - 1_280_056.0 / 31_360_000), report.SavingsPercent);
        Assert.Equal(3.0625, new CompressionReport { Samples = 1, SampleValues = 784, CodeValues = 256, Precision = CodePrecision.Float32, HeaderBytes = 0, PayloadBytes = 0, FileBytes = 1 }.CodeRatio);
    }
}
