using System.IO.Compression;
using System.Text;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

/// <summary>
/// Loading a Keras-layout .npz through <see cref="DataSource"/>: only x_train, y_train, x_test and y_test are read, and
/// each is checked from its header before its data is inflated, so a small file cannot cost gigabytes.
/// </summary>
public class DataSourceNpzTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void UnusedMember_IsNeverInflated()
    {
        // A 20 MB member nobody asked for (in the report, 2 GB inflated for nothing from a 2 MB file).
        var path = WriteNpz("x.npz",
            ("x_train.npy", Npy("|u1", "(3, 2)", [1, 2, 3, 4, 5, 6])),
            ("y_train.npy", Npy("|u1", "(3,)", [0, 1, 0])),
            ("junk.npy", Npy("<f4", "(5000000,)", new byte[20_000_000])));

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        using var data = DataSource.Load(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(3, data.Train.Count);
        Assert.Equal([0, 1, 0], data.Train.Labels!);
        Assert.Null(data.Test);
        Assert.True(allocated < 4_000_000, $"loading allocated {allocated} bytes; the unused member was inflated");
    }

    [Fact]
    public void TestMemberOfTheWrongWidth_IsRefusedBeforeItsDataIsRead()
    {
        // x_test declares 1,000,000 samples of 5 values (20 MB) where x_train's samples have 2.
        var path = WriteNpz("x.npz",
            ("x_train.npy", Npy("|u1", "(3, 2)", [1, 2, 3, 4, 5, 6])),
            ("x_test.npy", Npy("<f4", "(1000000, 5)", new byte[20_000_000])));

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => DataSource.Load(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal($"{path}: x_test has shape [1000000, 5], expected samples of x_train's shape [N, 2]", error.Message);
        Assert.True(allocated < 4_000_000, $"refusing allocated {allocated} bytes; x_test was read before its shape was checked");
    }

    [Fact]
    public void LabelsOfTheWrongCount_AreRefusedFromTheHeader()
    {
        var path = WriteNpz("x.npz",
            ("x_train.npy", Npy("|u1", "(3, 2)", [1, 2, 3, 4, 5, 6])),
            ("y_train.npy", Npy("<i8", "(4,)", new byte[32])));

        var error = Assert.Throws<BadInputException>(() => DataSource.Load(path));

        Assert.Equal($"{path}: y_train has shape [4], expected [3]: one label for each of x_train's 3 samples", error.Message);
    }

    [Fact]
    public void HeaderPromisingMoreThanTheArchiveDeclares_IsRefusedBeforeAllocating()
    {
        // The header says 100 MB of bytes; the entry holds 3. The old reader allocated the 100 MB, then found 3.
        var path = WriteNpz("x.npz", ("x_train.npy", Npy("|u1", "(1000, 100000)", [1, 2, 3])));

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<BadInputException>(() => DataSource.Load(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.StartsWith($"{path}[x_train.npy]: the .npy header says shape [1000, 100000], which takes 100000128 bytes with the header, but the archive declares 131", error.Message);
        Assert.True(allocated < 4_000_000, $"refusing allocated {allocated} bytes");
    }

    [Fact]
    public void MissingTrainingArray_ListsAFewEscapedNames()
    {
        var members = Enumerable.Range(0, 20).Select(i => ($"a{i}\u001b[31m.npy", Npy("|u1", "(1, 1)", [0]))).ToArray();
        var path = WriteNpz("x.npz", members);

        var error = Assert.Throws<BadInputException>(() => DataSource.Load(path));

        Assert.Equal(
            $"{path}: array 'x_train' is missing (expected Keras's layout: x_train, y_train, x_test, y_test; found " +
            @"a0\u001B[31m, a1\u001B[31m, a2\u001B[31m, a3\u001B[31m, a4\u001B[31m, a5\u001B[31m, a6\u001B[31m, a7\u001B[31m, ... (20 arrays))",
            error.Message);
    }

    /// <summary>A version 1.0 .npy file with the header padded to 128 bytes, as numpy writes small arrays.</summary>
    internal static byte[] Npy(string descr, string shape, byte[] data)
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var header = dict.PadRight(128 - 10 - 1) + "\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0];
        return [.. prefix, .. Encoding.Latin1.GetBytes(header), .. data];
    }

    /// <summary>Writes a deflated zip of <paramref name="members"/>, as numpy.savez_compressed does.</summary>
    private string WriteNpz(string name, params (string Name, byte[] Bytes)[] members)
    {
        var path = _temp.File(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entryName, bytes) in members)
        {
            using var stream = zip.CreateEntry(entryName, CompressionLevel.Fastest).Open();
            stream.Write(bytes);
        }
        return path;
    }
}
