namespace Bottleneck.Tests.Render;

/// <summary>A fresh directory under the system temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bottleneck-render-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Files AtomicFile would leave behind if a write did not finish.</summary>
    public string[] TemporaryFiles() => Directory.GetFiles(Path, "*.tmp", SearchOption.AllDirectories);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
