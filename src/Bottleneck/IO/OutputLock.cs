namespace Bottleneck.IO;

/// <summary>
/// Keeps other processes from writing an output folder while a run writes it: the lock file OUT/.bottleneck.lock is held
/// open for writing with no sharing, which on Linux and macOS is an flock the kernel drops when the process ends, so a
/// run that was killed never leaves the folder locked. The file itself stays; deleting it would let two runs lock
/// two different files.
/// </summary>
internal sealed class OutputLock : IDisposable
{
    public const string FileName = ".bottleneck.lock";

    readonly FileStream _stream;

    OutputLock(FileStream stream) => _stream = stream;

    /// <summary>Locks <paramref name="directory"/> (which must exist); another process holding it is a <see cref="BadInputException"/>.</summary>
    public static OutputLock Acquire(string directory)
    {
        try
        {
            return new OutputLock(new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new BadInputException($"{directory}: another run is writing to this folder (it holds {FileName}); wait for it to end, or choose another output folder", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
