namespace Bottleneck.Data;

/// <summary>A dataset the toolkit knows by name, and where it looks for it.</summary>
internal sealed record BuiltInDataset(string Name, string Description, IReadOnlyList<string> ClassNames, string Licence, string HowToGet);

/// <summary>
/// The built-in datasets: <c>mnist</c>, shipped with the toolkit (the original IDX files, CC BY-SA 3.0), and
/// <c>fashion-mnist</c> (MIT), which is found on the machine: an explicit folder, else $BOTTLENECK_FASHION_MNIST, else
/// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package). A location given is the only one tried.
/// </summary>
internal static class BuiltInDatasets
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
        $"or point `fashion_mnist` or ${FashionMnistVariable} at a folder with its four IDX files");

    public static IReadOnlyList<BuiltInDataset> All { get; } = [Mnist, FashionMnist];

    /// <summary>The built-in dataset called <paramref name="name"/>, or null.</summary>
    public static BuiltInDataset? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The folder holding <paramref name="dataset"/>'s IDX files on this machine, or null when it is not here. A location
    /// the user gave (--fashion-mnist, else the dataset's environment variable) is the only place looked: when it holds
    /// no dataset that is an error, never a quiet fall-back to another copy.
    /// </summary>
    /// <exception cref="BadInputException">The location the user gave does not exist or does not hold the IDX files.</exception>
    public static string? Locate(BuiltInDataset dataset, DataOptions options)
    {
        // A folder given as an option is named by its field; one given by an environment variable, by the variable.
        var (given, field, variable) = dataset == Mnist ? (Environment.GetEnvironmentVariable(MnistVariable), null, "$" + MnistVariable)
            : !string.IsNullOrWhiteSpace(options.FashionMnistPath) ? (options.FashionMnistPath, "fashion_mnist", null)
            : (Environment.GetEnvironmentVariable(FashionMnistVariable), (string?)null, "$" + FashionMnistVariable);
        BadInputException Wrong(string problem) => field is null ? new BadInputException($"{variable}: {problem}") : new OptionException(field, problem);
        if (!string.IsNullOrWhiteSpace(given))
        {
            if (!Directory.Exists(given)) throw Wrong($"{given}: no such folder, expected a folder with {dataset.Name}'s IDX files");
            if (IdxFolder.Find(given) is null)
                throw Wrong($"{given} does not hold {dataset.Name}'s IDX files (expected train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] and the t10k test files)");
            return given;
        }
        var usual = dataset == Mnist ? Path.Combine(AppContext.BaseDirectory, "data", "mnist") : DebianFashionMnist;
        return IdxFolder.Find(usual) is not null ? usual : null;
    }
}
