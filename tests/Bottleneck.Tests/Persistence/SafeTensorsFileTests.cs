using System.Buffers.Binary;
using System.Text;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Persistence;

public sealed class SafeTensorsFileTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("bottleneck-safetensors-");

    public void Dispose() => _directory.Delete(recursive: true);

    string PathOf(string fileName) => Path.Combine(_directory.FullName, fileName);

    /// <summary>Writes a file with the given header text and data; the length prefix is the header's length unless overridden.</summary>
    string WriteRaw(string fileName, string header, byte[]? data = null, ulong? declaredLength = null) =>
        WriteRaw(fileName, Encoding.UTF8.GetBytes(header), data, declaredLength);

    string WriteRaw(string fileName, byte[] header, byte[]? data = null, ulong? declaredLength = null)
    {
        var bytes = new byte[8 + header.Length + (data?.Length ?? 0)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data?.CopyTo(bytes, 8 + header.Length);
        var path = PathOf(fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static BadInputException AssertBad(string path, params string[] fragments)
    {
        var e = Assert.Throws<BadInputException>(() => SafeTensorsFile.Read(path));
        Assert.Contains(Path.GetFileName(path), e.Message);
        foreach (var fragment in fragments) Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    static string HeaderOf(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    // ---- round trips ----

    [Fact]
    public void WriteThenRead_RoundTripsFloatsShapesAndMetadata()
    {
        var path = PathOf("model.safetensors");
        float[] weights = [1.5f, -2.25f, 0f, float.MaxValue, float.Epsilon, float.NaN];
        float[] bias = [-0f, 3f];
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["bottleneck.latent"] = "8", ["note"] = "héllo \"quoted\"\n" };

        SafeTensorsFile.Write(path,
            [
                TensorEntry.FromFloat32("encoder.0.weight", [2, 3], weights),
                TensorEntry.FromFloat32("encoder.0.bias", [2], bias),
                TensorEntry.FromFloat32("scale", [], [0.5f]),
                TensorEntry.FromFloat32("empty", [0, 4], []),
            ],
            metadata);
        var (tensors, readMetadata) = SafeTensorsFile.Read(path);

        Assert.Equal(["empty", "encoder.0.bias", "encoder.0.weight", "scale"], tensors.Select(t => t.Name));
        var byName = tensors.ToDictionary(t => t.Name);
        Assert.Equal(new long[] { 2, 3 }, byName["encoder.0.weight"].Shape);
        Assert.Equal(weights.Select(BitConverter.SingleToInt32Bits), byName["encoder.0.weight"].ToFloat32().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(bias.Select(BitConverter.SingleToInt32Bits), byName["encoder.0.bias"].ToFloat32().Select(BitConverter.SingleToInt32Bits));
        Assert.Empty(byName["scale"].Shape);
        Assert.Equal(new[] { 0.5f }, byName["scale"].ToFloat32());
        Assert.Equal(new long[] { 0, 4 }, byName["empty"].Shape);
        Assert.Empty(byName["empty"].Data);
        Assert.Equal(metadata.OrderBy(p => p.Key), readMetadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void WriteThenRead_KeepsRawBytesOfEveryDType()
    {
        var path = PathOf("mixed.safetensors");
        var originals = new[]
        {
            new TensorEntry("flags", "BOOL", [3], [1, 0, 1]),
            new TensorEntry("bytes", "U8", [2], [0xFF, 0x01]),
            new TensorEntry("counts", "I64", [1], [1, 2, 3, 4, 5, 6, 7, 8]),
            new TensorEntry("half", "F16", [1], [0x00, 0x3C]),
            new TensorEntry("ids", "I32", [2], [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]),
        };

        SafeTensorsFile.Write(path, originals);
        var (tensors, metadata) = SafeTensorsFile.Read(path);

        Assert.Empty(metadata);
        foreach (var original in originals)
        {
            var read = Assert.Single(tensors, t => t.Name == original.Name);
            Assert.Equal(original.DType, read.DType);
            Assert.Equal(original.Shape, read.Shape);
            Assert.Equal(original.Data, read.Data);
        }
    }

    // ---- exact bytes ----

    [Fact]
    public void Write_SingleF32Tensor_ProducesExactBytes()
    {
        var path = PathOf("w.safetensors");
        SafeTensorsFile.Write(path, [TensorEntry.FromFloat32("w", [2], [1.0f, -2.0f])]);

        const string json = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        Assert.Equal(54, json.Length);
        byte[] expected =
        [
            56, 0, 0, 0, 0, 0, 0, 0,             // header length: 54 bytes of JSON padded to 56
            .. Ascii(json), (byte)' ', (byte)' ', // two spaces of padding
            0x00, 0x00, 0x80, 0x3F,               // 1.0f
            0x00, 0x00, 0x00, 0xC0,               // -2.0f
        ];
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    // The next three byte arrays are the expected outputs in the reference implementation's own tests (safetensors/src/tensor.rs).

    [Fact]
    public void Write_NoTensors_MatchesReferenceBytes()
    {
        var path = PathOf("empty.safetensors");
        SafeTensorsFile.Write(path, []);

        Assert.Equal(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32 }, File.ReadAllBytes(path));
        Assert.Empty(SafeTensorsFile.Read(path).Tensors);
    }

    [Fact]
    public void Write_MetadataOnly_MatchesReferenceBytes()
    {
        var path = PathOf("meta.safetensors");
        SafeTensorsFile.Write(path, [], new Dictionary<string, string> { ["framework"] = "pt" });

        byte[] expected =
        [
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32,
        ];
        Assert.Equal(expected, File.ReadAllBytes(path));
        Assert.Equal("pt", SafeTensorsFile.Read(path).Metadata["framework"]);
    }

    [Theory]
    [InlineData("attn.0", new long[] { 1, 2, 3 }, 64, 0)]
    [InlineData("attn0", new long[] { 1, 1, 2, 3 }, 72, 7)]
    public void Write_ReferenceTensor_MatchesReferenceBytes(string name, long[] shape, int headerLength, int padding)
    {
        var path = PathOf("attn.safetensors");
        SafeTensorsFile.Write(path, [TensorEntry.FromFloat32(name, shape, [0f, 1f, 2f, 3f, 4f, 5f])]);

        var json = $$$"""{"{{{name}}}":{"dtype":"F32","shape":[{{{string.Join(',', shape)}}}],"data_offsets":[0,24]}}""";
        byte[] expected =
        [
            (byte)headerLength, 0, 0, 0, 0, 0, 0, 0,
            .. Ascii(json), .. Enumerable.Repeat((byte)' ', padding),
            0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_OrdersByDescendingAlignmentThenName()
    {
        var path = PathOf("order.safetensors");
        SafeTensorsFile.Write(path,
        [
            TensorEntry.FromFloat32("z", [1], [1f]),
            new TensorEntry("a", "U8", [3], [1, 2, 3]),
            TensorEntry.FromFloat32("m", [1], [2f]),
            new TensorEntry("c", "F16", [1], [0, 0x3C]),
            new TensorEntry("d", "I64", [1], new byte[8]),
        ]);

        Assert.StartsWith(
            """{"d":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"m":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}""" +
            ""","z":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},"c":{"dtype":"F16","shape":[1],"data_offsets":[16,18]}""" +
            ""","a":{"dtype":"U8","shape":[3],"data_offsets":[18,21]}}""",
            HeaderOf(path));
        Assert.Equal(["d", "m", "z", "c", "a"], SafeTensorsFile.Read(path).Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Write_SortsNamesByCodePointLikeTheReferenceWriter()
    {
        // U+FF01 sorts before U+1F600 by code point (and UTF-8 bytes), although its UTF-16 unit is larger than the surrogate's.
        var path = PathOf("unicode.safetensors");
        SafeTensorsFile.Write(path, [TensorEntry.FromFloat32("\U0001F600", [1], [1f]), TensorEntry.FromFloat32("\uFF01", [1], [2f])]);

        Assert.Equal(["\uFF01", "\U0001F600"], SafeTensorsFile.Read(path).Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Write_EscapesNamesAsSerdeJsonDoes()
    {
        var path = PathOf("escape.safetensors");
        const string name = "a\"b\\c\nd\u0001é<";
        SafeTensorsFile.Write(path, [TensorEntry.FromFloat32(name, [1], [1f])]);

        Assert.StartsWith("""{"a\"b\\c\nd\u0001é<":{""", HeaderOf(path));
        Assert.Equal(name, Assert.Single(SafeTensorsFile.Read(path).Tensors).Name);
    }

    [Fact]
    public void Write_RejectsDuplicateAndReservedNames()
    {
        var path = PathOf("bad.safetensors");
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [TensorEntry.FromFloat32("w", [1], [1f]), TensorEntry.FromFloat32("w", [1], [2f])]));
        Assert.Throws<ArgumentException>(() => SafeTensorsFile.Write(path, [TensorEntry.FromFloat32("__metadata__", [1], [1f])]));
        Assert.False(File.Exists(path));
        Assert.Empty(_directory.GetFiles());
    }

    // ---- reading files from other writers ----

    [Fact]
    public void Read_AcceptsEntriesInAnyOrderWithPaddingAndUnknownFields()
    {
        const string header = """{"b":{"dtype":"U8","shape":[1],"data_offsets":[4,5],"extra":true},"__metadata__":null, "a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}    """;
        var path = WriteRaw("foreign.safetensors", header, [0x00, 0x00, 0x80, 0x3F, 0x07]);

        var (tensors, metadata) = SafeTensorsFile.Read(path);

        Assert.Equal(["a", "b"], tensors.Select(t => t.Name));
        Assert.Equal(new[] { 1f }, tensors[0].ToFloat32());
        Assert.Equal(new byte[] { 7 }, tensors[1].Data);
        Assert.Empty(metadata);
    }

    // ---- validation ----

    [Fact]
    public void Read_MissingFile() =>
        AssertBad(PathOf("absent.safetensors"), "not found");

    [Fact]
    public void Read_FileShorterThanLengthPrefix()
    {
        var path = PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        AssertBad(path, "5 bytes", "too short");
    }

    [Fact]
    public void Read_HeaderLengthLargerThanFile() =>
        AssertBad(WriteRaw("truncated.safetensors", "{}", declaredLength: 1000), "header length 1000", "larger than");

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(ulong.MaxValue)]
    public void Read_AbsurdHeaderLength(ulong declared) =>
        AssertBad(WriteRaw("absurd.safetensors", "{}", declaredLength: declared), $"header length {declared}", "limit");

    [Fact]
    public void Read_HeaderNotUtf8() =>
        AssertBad(WriteRaw("latin1.safetensors", [(byte)'{', (byte)'"', 0xE9, (byte)'"', (byte)':', (byte)'1', (byte)'}']), "UTF-8");

    [Theory]
    [InlineData("{\"w\":")]
    [InlineData("")]
    [InlineData("{'w':{}}")]
    public void Read_HeaderNotJson(string header) =>
        AssertBad(WriteRaw("garbled.safetensors", header), "not valid JSON");

    [Theory]
    [InlineData("[1,2]", "array")]
    [InlineData("\"w\"", "string")]
    [InlineData("null", "null")]
    public void Read_HeaderNotAnObject(string header, string kind) =>
        AssertBad(WriteRaw("list.safetensors", header), $"JSON {kind}", "expected an object");

    [Theory]
    [InlineData("dtype", """{"w":{"shape":[1],"data_offsets":[0,4]}}""")]
    [InlineData("shape", """{"w":{"dtype":"F32","data_offsets":[0,4]}}""")]
    [InlineData("data_offsets", """{"w":{"dtype":"F32","shape":[1]}}""")]
    public void Read_EntryMissingField(string field, string header) =>
        AssertBad(WriteRaw("incomplete.safetensors", header, new byte[4]), "tensor 'w'", $"missing field '{field}'");

    [Fact]
    public void Read_EntryNotAnObject() =>
        AssertBad(WriteRaw("scalar.safetensors", """{"w":3}"""), "tensor 'w'", "expected an object");

    [Fact]
    public void Read_UnknownDType() =>
        AssertBad(WriteRaw("dtype.safetensors", """{"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}""", [0]),
            "tensor 'w'", "unknown dtype 'Q4'");

    [Fact]
    public void Read_NegativeDimension() =>
        AssertBad(WriteRaw("negative.safetensors", """{"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,0]}}"""),
            "tensor 'w'", "field 'shape'", "negative", "[2, -1]");

    [Fact]
    public void Read_NonIntegerDimension() =>
        AssertBad(WriteRaw("fraction.safetensors", """{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", new byte[4]),
            "tensor 'w'", "field 'shape'", "integer");

    [Fact]
    public void Read_DataOffsetsLengthDiffersFromShape() =>
        AssertBad(WriteRaw("size.safetensors", """{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", new byte[8]),
            "tensor 'w'", "spans 8 bytes", "needs 12");

    [Theory]
    [InlineData("[0]")]
    [InlineData("[0,4,8]")]
    [InlineData("[4,0]")]
    [InlineData("[-4,0]")]
    public void Read_MalformedDataOffsets(string offsets) =>
        AssertBad(WriteRaw("offsets.safetensors", $$$"""{"w":{"dtype":"F32","shape":[1],"data_offsets":{{{offsets}}}}}""", new byte[4]),
            "tensor 'w'", "field 'data_offsets'", "begin <= end");

    [Fact]
    public void Read_DataOffsetsOutOfBuffer() =>
        AssertBad(WriteRaw("outside.safetensors", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[4]),
            "tensor 'w'", "runs past the end", "4-byte");

    [Fact]
    public void Read_OverlappingDataOffsets() =>
        AssertBad(WriteRaw("overlap.safetensors",
                """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8]),
            "tensor 'b'", "overlap tensor 'a'");

    [Fact]
    public void Read_GapBetweenDataOffsets() =>
        AssertBad(WriteRaw("gap.safetensors",
                """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", new byte[12]),
            "tensor 'b'", "gap", "[4, 8)");

    [Fact]
    public void Read_GapAtStartOfBuffer() =>
        AssertBad(WriteRaw("leading.safetensors", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8]),
            "tensor 'a'", "gap", "[0, 4)");

    [Fact]
    public void Read_DuplicateTensorNames() =>
        AssertBad(WriteRaw("twice.safetensors",
                """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8]),
            "tensor 'w'", "twice");

    [Fact]
    public void Read_TrailingBytesAfterLastTensor() =>
        AssertBad(WriteRaw("trailing.safetensors", """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[6]),
            "2 trailing bytes", "'w'");

    [Fact]
    public void Read_MetadataWithNonStringValue() =>
        AssertBad(WriteRaw("meta.safetensors", """{"__metadata__":{"epochs":10}}"""), "__metadata__", "'epochs'", "expected a string");

    [Fact]
    public void Read_QuotesControlCharactersInTensorNamesOnOneLine() =>
        AssertBad(WriteRaw("newline.safetensors", """{"a\nb":{"dtype":"Q4","shape":[],"data_offsets":[0,0]}}"""), "'a\\nb'");

    // ---- atomic writing ----

    [Fact]
    public void Write_LeavesNoTemporaryFiles()
    {
        var path = PathOf("model.safetensors");
        SafeTensorsFile.Write(path, [TensorEntry.FromFloat32("w", [1], [1f])]);
        SafeTensorsFile.Write(path, [TensorEntry.FromFloat32("w", [1], [2f])]);

        Assert.Equal(["model.safetensors"], _directory.GetFiles().Select(f => f.Name));
        Assert.Equal(new[] { 2f }, SafeTensorsFile.Read(path).Tensors[0].ToFloat32());
    }

    [Fact]
    public void Write_FailingMidway_LeavesExistingFileUnchanged()
    {
        var path = PathOf("model.safetensors");
        SafeTensorsFile.Write(path, [TensorEntry.FromFloat32("w", [2], [1f, 2f])], new Dictionary<string, string> { ["v"] = "1" });
        var before = File.ReadAllBytes(path);

        var e = Assert.Throws<InvalidOperationException>(() => SafeTensorsFile.Write(path, ThrowAfterFirst()));

        Assert.Equal("enumeration failed", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _directory.GetFiles().Select(f => f.Name));

        static IEnumerable<TensorEntry> ThrowAfterFirst()
        {
            yield return TensorEntry.FromFloat32("a", [1], [9f]);
            throw new InvalidOperationException("enumeration failed");
        }
    }
}
