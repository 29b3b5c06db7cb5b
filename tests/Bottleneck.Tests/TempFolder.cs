namespace Bottleneck.Tests;

/// <summary>A fresh folder under the system temporary folder, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bottleneck-test-").FullName;

    /// <summary>The full path of <paramref name="name"/> inside this folder.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>The full path of <paramref name="name"/> inside this folder.</summary>
    public string File(string name) => this[name];

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> and returns its full path.</summary>
    public string Write(string name, byte[] bytes)
    {
        System.IO.File.WriteAllBytes(this[name], bytes);
        return this[name];
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte-order mark) to <paramref name="name"/> and returns its full path.</summary>
    public string Write(string name, string text)
    {
        System.IO.File.WriteAllText(this[name], text);
        return this[name];
    }

    /// <summary>Files AtomicFile would leave behind if a write did not finish.</summary>
    public string[] TemporaryFiles() => Directory.GetFiles(Path, "*.tmp", SearchOption.AllDirectories);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless; failing the test over it is not */ }
    }
}
