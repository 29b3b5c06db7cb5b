using System.IO.Compression;
using System.Text;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// Files made to hurt the reader — a header nested 32,000 deep, a zip with a damaged directory, a 3 GB file of another
/// kind — end as one line on stderr and exit code 2, with nothing written.
/// </summary>
public class HostileFileCliTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static byte[] Npy(string header, byte[] data)
    {
        var text = Encoding.Latin1.GetBytes(header + "\n");
        return [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(text.Length & 0xFF), (byte)(text.Length >> 8), .. text, .. data];
    }

    [Fact]
    public void A_npy_header_of_32000_nested_brackets_is_one_line_not_a_stack_overflow()
    {
        // Before: the process died of a stack overflow (exit 134).
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + new string('[', 32_000) + new string(']', 32_000) + "}";
        File.WriteAllBytes(folder["nested.npy"], Npy(header, new byte[4]));

        CliRunner.Fails(folder, "nested.npy: malformed .npy header: brackets nested more than 32 deep", "train", "--data", "nested.npy", "--model", "basic", "--out", "out");
    }

    [Fact]
    public void A_npz_with_one_byte_inserted_in_its_directory_is_one_line()
    {
        // Before: InvalidDataException escaped from the lazily read directory (exit 1).
        var path = folder["whole.npz"];
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("x_train.npy").Open())
            stream.Write(Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 3), }", new byte[12]));
        var bytes = File.ReadAllBytes(path);
        var directory = bytes.AsSpan().LastIndexOf("PK\u0001\u0002"u8);
        File.WriteAllBytes(folder["damaged.npz"], [.. bytes[..(directory + 10)], 0x5A, .. bytes[(directory + 10)..]]);

        CliRunner.Fails(folder, "damaged.npz: not a zip archive or a damaged one", "train", "--data", "damaged.npz", "--model", "basic", "--out", "out");
    }

    [Fact]
    public void Decompress_refuses_a_3_GB_file_of_another_kind_from_its_magic()
    {
        // Sparse: 3 GB on paper. Before: read whole, IOException, exit 1.
        using (var file = File.Create(folder["big.bnc"]))
        {
            file.Write("PK\u0003\u0004"u8);
            file.SetLength(3L << 30);
        }

        var result = CliRunner.Run(folder.Path, "decompress", "--model", "no-model", "--codes", "big.bnc", "--out", "restored.npy");

        CliRunner.AssertBadInput(result, "big.bnc: not a Bottleneck code file (bad magic: expected 89 42 4E 43 0D 0A 1A 0A, found 504B030400000000)");
        Assert.False(File.Exists(folder["restored.npy"]));
    }
}
