namespace Bottleneck.Data;

/// <summary>A dataset as loaded from a name or path: its training part and, when the source has one, its test part.</summary>
internal sealed class LoadedData : IDisposable
{
    public LoadedData(string name, string origin, Dataset train, Dataset? test)
    {
        Name = name;
        Origin = origin;
        Train = train;
        Test = test;
    }

    /// <summary>The built-in name or the path the user gave.</summary>
    public string Name { get; }

    /// <summary>Where the files were found, for messages and `bottleneck datasets`.</summary>
    public string Origin { get; }

    public Dataset Train { get; }
    public Dataset? Test { get; }

    /// <summary>
    /// The part a --split option names: "train" or "test". Without a test part, "test" falls back to the training part
    /// when it was only the default, and is refused when the user asked for it (<paramref name="asked"/>): a figure
    /// labelled "test" must not silently come from the training data.
    /// </summary>
    /// <exception cref="BadInputException">The split is neither train nor test, or test was asked for and there is none.</exception>
    public Dataset Part(string split, bool asked)
    {
        switch (split.ToLowerInvariant())
        {
            case "train":
                return Train;
            case "test":
                if (Test is not null) return Test;
                if (asked)
                    throw new OptionException("split",
                        $"{Name} has no test part (expected test files beside the training files); use `split` train, or leave `split` out to use the training part") { Value = "test" };
                return Train;
            default:
                throw new OptionException("split", $"expected test or train, got {Excerpt.Quote(split)}");
        }
    }

    /// <summary>
    /// The part a result is measured on, and its name: the test part ("test"), or without one the training samples
    /// (<paramref name="trainUsed"/> when only some were used, e.g. the first --limit), named "train" so that no figure
    /// from training data is labelled as a test figure.
    /// </summary>
    public (Dataset Data, string Part) TestOrTrain(Dataset? trainUsed = null) => Test is null ? (trainUsed ?? Train, "train") : (Test, "test");

    public void Dispose()
    {
        Train.Dispose();
        Test?.Dispose();
    }
}
