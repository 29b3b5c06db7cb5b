namespace Bottleneck.Data;

/// <summary>A dataset the toolkit knows by name, and where it looks for it.</summary>
public sealed record BuiltInDataset(string Name, string Description, IReadOnlyList<string> ClassNames, string Licence, string HowToGet);

/// <summary>
/// The built-in datasets: <c>mnist</c>, shipped with the toolkit (the original IDX files, CC BY-SA 3.0), and
/// <c>fashion-mnist</c> (MIT), which is found on the machine: an explicit folder, then $BOTTLENECK_FASHION_MNIST, then
/// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package).
/// </summary>
public static class BuiltInDatasets
{
    public const string FashionMnistVariable = "BOTTLENECK_FASHION_MNIST";
    public const string MnistVariable = "BOTTLENECK_MNIST";
    public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    public static readonly BuiltInDataset Mnist = new("mnist",
        "handwritten digits, 28×28 grey, 60,000 train / 10,000 test (LeCun, Cortes, Burges)", Digits, "CC BY-SA 3.0",
        "shipped with Bottleneck (data/mnist); set BOTTLENECK_MNIST to use another copy");

    public static readonly BuiltInDataset FashionMnist = new("fashion-mnist",
        "Zalando clothing images, 28×28 grey, 60,000 train / 10,000 test (Xiao, Rasul, Vollgraf)",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], "MIT",
        $"install Debian's package (apt-get install dataset-fashion-mnist, files in {DebianFashionMnist}), " +
        $"or point --fashion-mnist or ${FashionMnistVariable} at a folder with its four IDX files");

    public static IReadOnlyList<BuiltInDataset> All { get; } = [Mnist, FashionMnist];

    /// <summary>The built-in dataset called <paramref name="name"/>, or null.</summary>
    public static BuiltInDataset? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The folder holding <paramref name="dataset"/>'s IDX files on this machine, or null when it is not here.</summary>
    public static string? Locate(BuiltInDataset dataset, DataOptions options)
    {
        IEnumerable<string?> candidates = dataset == Mnist
            ? [Environment.GetEnvironmentVariable(MnistVariable), Path.Combine(AppContext.BaseDirectory, "data", "mnist")]
            : [options.FashionMnistPath, Environment.GetEnvironmentVariable(FashionMnistVariable), DebianFashionMnist];
        foreach (var folder in candidates)
            if (!string.IsNullOrWhiteSpace(folder) && IdxFolder.Find(folder) is not null)
                return folder;
        if (dataset == FashionMnist && !string.IsNullOrWhiteSpace(options.FashionMnistPath))
            throw new BadInputException($"--fashion-mnist: {options.FashionMnistPath} does not hold Fashion-MNIST's IDX files (train-images-idx3-ubyte[.gz] and the other three)");
        return null;
    }
}
