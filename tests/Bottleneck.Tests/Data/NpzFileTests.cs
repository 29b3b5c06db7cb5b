using System.IO.Compression;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

public class NpzFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void KerasMnistLayout_IsRead()
    {
        var xTrain = Enumerable.Range(0, 4 * 28 * 28).Select(i => (byte)(i % 256)).ToArray();
        var xTest = Enumerable.Range(0, 2 * 28 * 28).Select(i => (byte)(255 - i % 256)).ToArray();
        // Keras's mnist.npz mixes nothing exotic, but numpy.savez stores and savez_compressed deflates: cover both.
        var path = WriteZip("mnist.npz", new()
        {
            ["x_train.npy"] = (NumericArray.FromBytes([4, 28, 28], xTrain), CompressionLevel.NoCompression),
            ["y_train.npy"] = (NumericArray.FromBytes([4], [5, 0, 4, 1]), CompressionLevel.Optimal),
            ["x_test.npy"] = (NumericArray.FromBytes([2, 28, 28], xTest), CompressionLevel.Optimal),
            ["y_test.npy"] = (NumericArray.FromBytes([2], [7, 2]), CompressionLevel.NoCompression),
        });

        var arrays = NpzFile.Read(path);

        Assert.Equal(["x_test", "x_train", "y_test", "y_train"], arrays.Keys.Order());
        Assert.Equal([4, 28, 28], arrays["x_train"].Shape);
        Assert.Equal(xTrain, arrays["x_train"].Bytes);
        Assert.Equal([2, 28, 28], arrays["x_test"].Shape);
        Assert.Equal(xTest, arrays["x_test"].Bytes);
        Assert.Equal([5, 0, 4, 1], arrays["y_train"].ToLabels("y_train"));
        Assert.Equal([7, 2], arrays["y_test"].ToLabels("y_test"));
    }

    [Fact]
    public void FloatArrays_AreRead()
    {
        var path = WriteZip("f.npz", new()
        {
            ["weights.npy"] = (NumericArray.FromFloats([2, 2], [0.25f, -1f, 3f, 1e-3f]), CompressionLevel.Optimal),
        });

        Assert.Equal([0.25f, -1f, 3f, 1e-3f], NpzFile.Read(path)["weights"].Floats!);
    }

    [Fact]
    public void MissingFile_IsReported()
    {
        var path = _temp.File("absent.npz");

        var error = Assert.Throws<BadInputException>(() => NpzFile.Read(path));

        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public void NotAZip_IsReported()
    {
        var path = _temp.Write("x.npz", "this is not a zip archive at all");

        var error = Assert.Throws<BadInputException>(() => NpzFile.Read(path));

        Assert.StartsWith($"{path}: not a zip archive or a damaged one, expected an .npz file (a zip of .npy files)", error.Message);
    }

    [Fact]
    public void CutOffZip_IsReported()
    {
        var whole = WriteZip("whole.npz", new()
        {
            ["x.npy"] = (NumericArray.FromBytes([1000], new byte[1000]), CompressionLevel.NoCompression),
        });
        var bytes = File.ReadAllBytes(whole);
        var path = _temp.Write("cut.npz", bytes[..(bytes.Length - 30)]);

        var error = Assert.Throws<BadInputException>(() => NpzFile.Read(path));

        Assert.StartsWith($"{path}: not a zip archive", error.Message);
    }

    [Fact]
    public void CorruptDeflatedEntry_IsReported()
    {
        var data = Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7919 % 251)).ToArray();
        var path = WriteZip("x.npz", new()
        {
            ["x.npy"] = (NumericArray.FromBytes([20_000], data), CompressionLevel.Optimal),
        });
        var bytes = File.ReadAllBytes(path);
        // The entry's compressed data follows the 30-byte local header and the 5-byte name "x.npy".
        for (var i = 40; i < 200; i++) bytes[i] = 0xFF;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<BadInputException>(() => NpzFile.Read(path));

        Assert.StartsWith($"{path}[x.npy]: ", error.Message);
    }

    [Fact]
    public void DamagedStoredEntry_IsCaughtByItsChecksum()
    {
        var path = WriteZip("x.npz", new()
        {
            ["x.npy"] = (NumericArray.FromBytes([200], new byte[200]), CompressionLevel.NoCompression),
        });
        var bytes = File.ReadAllBytes(path);
        // Local header (30 bytes) + name (5) + .npy header (128) puts the array data at byte 163.
        bytes[163 + 10] = 7;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<BadInputException>(() => NpzFile.Read(path));

        Assert.StartsWith($"{path}[x.npy]: corrupt zip entry (CRC-32 is 0x", error.Message);
    }

    [Fact]
    public void MalformedEntry_IsReportedWithTheEntryName()
    {
        var path = _temp.File("x.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("y_train.npy").Open())
            stream.Write(NpyFileTests.Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }", [1, 2]));

        var error = Assert.Throws<BadInputException>(() => NpzFile.Read(path));

        // The header promises 5 bytes of data; the entry holds 2. Caught from the header, before reading any data.
        Assert.Equal($"{path}[y_train.npy]: the .npy header says shape [5], which takes 73 bytes with the header, but the archive declares 70", error.Message);
    }

    [Fact]
    public void DeeplyNestedHeaderInsideAnEntry_IsRefusedWithoutOverflowingTheStack()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + new string('(', 32_000) + new string(')', 32_000) + "}";
        var path = _temp.File("x.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("x_train.npy").Open())
            stream.Write(NpyFileTests.Npy(header, new byte[4]));

        var error = Assert.Throws<BadInputException>(() => NpzFile.Read(path));

        Assert.StartsWith($"{path}[x_train.npy]: malformed .npy header: brackets nested more than 32 deep", error.Message);
    }

    [Theory]
    [InlineData("insert")]
    [InlineData("flip")]
    [InlineData("zero")]
    [InlineData("truncate")]
    public void DamageAnywhere_IsACorrectReadOrOneBadInputLine(string damage)
    {
        // One stored and one deflated member, as numpy.savez and savez_compressed write them. A damaged central
        // directory (one inserted byte was enough) used to escape as ArgumentOutOfRangeException, EndOfStreamException...
        var x = NumericArray.FromBytes([3, 4], [.. Enumerable.Range(0, 12).Select(i => (byte)(i * 21))]);
        var y = NumericArray.FromFloats([3], [1f, 0f, 2f]);
        var whole = File.ReadAllBytes(WriteZip("whole.npz", new()
        {
            ["x_train.npy"] = (x, CompressionLevel.NoCompression),
            ["y_train.npy"] = (y, CompressionLevel.Optimal),
        }));
        var path = _temp.File("damaged.npz");
        int reads = 0, refusals = 0;

        for (var position = 0; position < whole.Length; position++)
        {
            byte[] bytes = damage switch
            {
                "insert" => [.. whole[..position], 0x5A, .. whole[position..]],
                "flip" => [.. whole[..position], (byte)(whole[position] ^ 0x41), .. whole[(position + 1)..]],
                "zero" => [.. whole[..position], 0, .. whole[(position + 1)..]],
                _ => whole[..position],
            };
            File.WriteAllBytes(path, bytes);
            try
            {
                var arrays = NpzFile.Read(path);
                // A byte that does not matter (a timestamp, a name) may change: whatever is read must be the data written.
                foreach (var array in arrays.Values)
                    Assert.True(Same(array, x) || Same(array, y), $"{damage} at byte {position}: read wrong data of shape {NumericArray.FormatShape(array.Shape)}");
                reads++;
            }
            catch (BadInputException e)
            {
                Assert.StartsWith(path, e.Message);
                Assert.DoesNotContain('\n', e.Message);
                refusals++;
            }
        }

        Assert.Equal(whole.Length, reads + refusals);
        Assert.True(refusals > whole.Length / 2, $"only {refusals} of {whole.Length} {damage} damages were refused");
    }

    private static bool Same(NumericArray a, NumericArray b) =>
        a.Shape.SequenceEqual(b.Shape) && (a.IsBytes ? b.IsBytes && a.Bytes!.SequenceEqual(b.Bytes!) : !b.IsBytes && a.Floats!.SequenceEqual(b.Floats!));

    private string WriteZip(string name, Dictionary<string, (NumericArray Array, CompressionLevel Level)> entries)
    {
        var path = _temp.File(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entryName, (array, level)) in entries)
        {
            using var stream = zip.CreateEntry(entryName, level).Open();
            NpyFile.Write(stream, array);
        }
        return path;
    }
}
