using Bottleneck.Data;
using static TorchSharp.torch;

namespace Bottleneck.Tests;

/// <summary>Small datasets the tests make themselves, and the repository's own files.</summary>
internal static class TestData
{
    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="size"/> values in [0, 1] lying near a <paramref name="rank"/>-dimensional
    /// subspace: easy to compress, so training visibly lowers the loss.
    /// </summary>
    public static Dataset LowRank(int count = 512, int size = 64, int rank = 4, int seed = 7, string name = "low-rank")
    {
        using var generator = new Generator((ulong)seed);
        var factors = rand([count, rank], generator: generator);
        var basis = rand([rank, size], generator: generator);
        var samples = (factors.matmul(basis) / rank).clamp(0, 1).contiguous();
        samples.DetachFromDisposeScope();
        var labels = Enumerable.Range(0, count).Select(i => i % 3).ToArray();
        return new Dataset(name, samples, labels);
    }

    /// <summary>Bytes that look like images: [count, side, side] uint8.</summary>
    public static Dataset Bytes(int count = 64, int side = 8, string name = "bytes")
    {
        var values = new byte[count * side * side];
        for (int i = 0; i < values.Length; i++) values[i] = (byte)(i * 37 % 256);
        var storage = tensor(values, [count, side, side]);
        storage.DetachFromDisposeScope();
        return new Dataset(name, storage, Enumerable.Range(0, count).Select(i => i % 10).ToArray());
    }

    /// <summary>The repository's root (the folder holding data/mnist), found by walking up from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "data", "mnist")) && File.Exists(Path.Combine(dir.FullName, "README.md")))
                    return dir.FullName;
            throw new DirectoryNotFoundException("repository root with data/mnist not found above " + AppContext.BaseDirectory);
        }
    }
}
