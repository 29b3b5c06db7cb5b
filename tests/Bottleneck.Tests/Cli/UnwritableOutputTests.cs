using Bottleneck.Models;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// Every command that writes refuses an output it cannot write before it does any work: one line, exit 2, nothing
/// written (it used to fail at the end with an internal error, exit 1, after minutes of work).
/// </summary>
public class UnwritableOutputTests : IClassFixture<UnwritableOutputTests.Setup>
{
    /// <summary>A tiny untrained model for 28×28 images, a file, a folder, and a code file the model wrote.</summary>
    public sealed class Setup : IDisposable
    {
        public TempFolder Folder { get; } = new();

        public Setup()
        {
            using var model = ModelFactory.Create(new ModelSpec { Name = "tiny", InputShape = [28, 28], Encoder = [], Bottleneck = 2 });
            ModelFolder.Save(model, Folder["model"]);
            Folder.Write("file", "x");
            Directory.CreateDirectory(Folder["folder.npy"]);
            var compressed = CliRunner.Run(Folder.Path, "compress", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "codes.bnc");
            Assert.True(compressed.ExitCode == 0, compressed.Stderr);
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly TempFolder folder;

    public UnwritableOutputTests(Setup setup) => folder = setup.Folder;

    [Theory]
    [InlineData("is a file, expected a folder", "train", "--data", "mnist", "--model", "basic", "--limit", "100", "--out", "file")]
    [InlineData("--out: empty, expected a folder name", "train", "--data", "mnist", "--model", "basic", "--limit", "100", "--out", "")]
    [InlineData("cannot be written: ", "train", "--data", "mnist", "--model", "basic", "--limit", "100", "--out", "file/run")]
    [InlineData("is a folder, expected a file name", "encode", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "folder.npy")]
    [InlineData("--out: empty, expected a file name", "encode", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "")]
    [InlineData("/proc does not take new files", "encode", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "/proc/codes.npy")]
    [InlineData("unknown output format", "encode", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "codes.txt")]
    [InlineData("is a folder, expected a file name", "compress", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "folder.npy")]
    [InlineData("is a file, not a folder", "compress", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "file/codes.bnc")]
    [InlineData("is a folder, expected a file name", "decompress", "--model", "model", "--codes", "codes.bnc", "--out", "folder.npy")]
    [InlineData("is a file, not a folder", "decompress", "--model", "model", "--codes", "codes.bnc", "--out", "file/decoded.npy")]
    [InlineData("--png: ", "decompress", "--model", "model", "--codes", "codes.bnc", "--out", "decoded.npy", "--png", "file/grid.png")]
    [InlineData("is a file, expected a folder", "pca", "--data", "mnist", "--limit", "100", "--components", "2", "--out", "file")]
    [InlineData("--out: empty, expected a folder name", "pca", "--data", "mnist", "--limit", "100", "--components", "2", "--out", "")]
    [InlineData("is a file, expected a folder", "denoise", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "file")]
    [InlineData("is a file, not a folder", "denoise", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "file/restored")]
    [InlineData("is a file, expected a folder", "anomaly", "fit", "--data", "mnist", "--model", "basic", "--out", "file")]
    [InlineData("is a file, not a folder", "sweep", "--data", "mnist", "--bottleneck", "8", "--out", "file/sweep")]
    [InlineData("is a file, expected a folder", "pca-equivalence", "--data", "mnist", "--out", "file")]
    [InlineData("is a folder, expected a file name", "reconstruct", "--model", "model", "--data", "mnist", "--out", "folder.npy")]
    [InlineData("--out: empty, expected a file name", "map", "--model", "model", "--data", "mnist", "--limit", "50", "--out", "")]
    [InlineData("is a folder, expected a file name", "interpolate", "--model", "model", "--data", "mnist", "--out", "folder.npy")]
    [InlineData("is a file, not a folder", "interpolate", "--model", "model", "--data", "mnist", "--npy", "file/paths.npy")]
    [InlineData("is a file, expected a folder", "lr-find", "--data", "mnist", "--model", "basic", "--limit", "100", "--out", "file")]
    [InlineData("is a file, expected a folder", "anomaly", "evaluate", "--model", "model", "--data", "mnist", "--out", "file")]
    public void Refused_before_any_work(string expected, params string[] args)
    {
        var before = Directory.GetFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        CliRunner.AssertBadInput(CliRunner.Run(folder.Path, args), expected);
        Assert.Equal(before, Directory.GetFileSystemEntries(folder.Path, "*", SearchOption.AllDirectories).Order().ToArray());
    }
}
