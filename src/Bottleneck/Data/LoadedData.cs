namespace Bottleneck.Data;

/// <summary>A dataset as loaded from a name or path: its training part and, when the source has one, its test part.</summary>
public sealed class LoadedData : IDisposable
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

    public void Dispose()
    {
        Train.Dispose();
        Test?.Dispose();
    }
}
