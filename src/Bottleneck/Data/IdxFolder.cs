namespace Bottleneck.Data;

/// <summary>The four files of an MNIST-style IDX folder, under their standard names (raw or .gz).</summary>
internal sealed record IdxFolder(string TrainImages, string TrainLabels, string? TestImages, string? TestLabels)
{
    /// <summary>The IDX files in <paramref name="folder"/>, or null when it has no training images and labels.</summary>
    public static IdxFolder? Find(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        var trainImages = First(folder, "train-images-idx3-ubyte", "train-images.idx3-ubyte");
        var trainLabels = First(folder, "train-labels-idx1-ubyte", "train-labels.idx1-ubyte");
        if (trainImages is null || trainLabels is null) return null;
        return new IdxFolder(trainImages, trainLabels,
            First(folder, "t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte", "test-images-idx3-ubyte"),
            First(folder, "t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte", "test-labels-idx1-ubyte"));
    }

    static string? First(string folder, params string[] names) =>
        names.SelectMany(n => new[] { n, n + ".gz" }).Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
}
