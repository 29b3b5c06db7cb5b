using Bottleneck.IO;
using Xunit;

namespace Bottleneck.Tests.IO;

/// <summary>The one SHA-256 helper, against FIPS 180-2's test vector and coreutils' sha256sum.</summary>
public class FileHashTests
{
    [Fact]
    public void Abc_hashes_to_the_fips_test_vector()
    {
        using var folder = new TempFolder();
        var path = folder.Write("abc", "abc"u8.ToArray());
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FileHash.Sha256(path));
    }

    [Fact]
    public void A_file_larger_than_one_read_buffer_hashes_as_sha256sum_does()
    {
        // head -c 100000 /dev/zero | sha256sum
        using var folder = new TempFolder();
        var path = folder.Write("zeros", new byte[100_000]);
        Assert.Equal("9192c25b734fcbadbe32dadc28089c60db0e39f90cc20ce2e5733f57261acc0c", FileHash.Sha256(path));
    }
}
