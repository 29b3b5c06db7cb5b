using System.Diagnostics;
using Bottleneck.Data;
using Xunit;
using Xunit.Abstractions;

namespace Bottleneck.Tests.Data;

/// <summary>Reads the MNIST IDX files committed under data/mnist and checks their well-known shapes and label counts.</summary>
public class MnistFilesTests(ITestOutputHelper output)
{
    private static readonly string MnistFolder = FindMnistFolder();

    [Fact]
    public void TrainingSet_HasTheKnownShapesAndLabels()
    {
        var timer = Stopwatch.StartNew();
        var images = IdxFile.Read(Path.Combine(MnistFolder, "train-images-idx3-ubyte.gz"));
        output.WriteLine($"60000 training images read in {timer.ElapsedMilliseconds} ms");
        var labels = IdxFile.Read(Path.Combine(MnistFolder, "train-labels-idx1-ubyte.gz"));

        Assert.True(images.IsBytes);
        Assert.Equal([60000, 28, 28], images.Shape);
        Assert.Equal(784, images.SampleLength);
        Assert.Equal([60000], labels.Shape);

        var values = labels.ToLabels("train-labels");
        Assert.Equal(5, values[0]);
        Assert.Equal(5923, values.Count(label => label == 0));
        Assert.Equal(255, images.Bytes!.Max());
    }

    [Fact]
    public void TestSet_HasTheKnownShapesAndLabels()
    {
        var images = IdxFile.Read(Path.Combine(MnistFolder, "t10k-images-idx3-ubyte.gz"));
        var labels = IdxFile.Read(Path.Combine(MnistFolder, "t10k-labels-idx1-ubyte.gz"));

        Assert.Equal([10000, 28, 28], images.Shape);
        Assert.Equal([10000], labels.Shape);

        var values = labels.ToLabels("t10k-labels");
        Assert.Equal(7, values[0]);
        Assert.Equal(980, values.Count(label => label == 0));
    }

    private static string FindMnistFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "data", "mnist");
            if (Directory.Exists(candidate)) return candidate;
        }

        throw new DirectoryNotFoundException($"No data/mnist folder above {AppContext.BaseDirectory}.");
    }
}
