using System.Diagnostics;
using System.Text;

namespace Bottleneck.IO;

/// <summary>
/// Writes a file so that readers only ever see the old content or the complete new content: the bytes go to a
/// temporary file beside the target, are flushed to disk, and the temporary file is renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Test hook for crash safety: with this environment variable set to N, the process kills itself (SIGKILL, as a
    /// crash or `kill -9` would) as the N-th write of its life is about to be renamed into place, so the N − 1 writes
    /// before it are complete and the N-th is only a temporary file.
    /// </summary>
    public const string KillAtWriteVariable = "BOTTLENECK_TEST_KILL_AT_WRITE";

    static readonly int KillAtWrite = int.TryParse(Environment.GetEnvironmentVariable(KillAtWriteVariable), out var n) ? n : 0;
    static int writes;

    /// <summary>Writes whatever <paramref name="write"/> puts into the stream to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (KillAtWrite > 0 && Interlocked.Increment(ref writes) == KillAtWrite) Process.GetCurrentProcess().Kill();
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { /* best effort: the target is untouched either way */ }
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporary files that writes of ended processes left in <paramref name="directory"/> and below (a
    /// process killed mid-write); those of running processes are still being written and stay.
    /// </summary>
    public static void RemoveLeftovers(string directory)
    {
        if (!Directory.Exists(directory)) return;
        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp", SearchOption.AllDirectories))
        {
            // The name is .TARGET.PID.GUID.tmp; the writer's process id tells whether it may still be writing.
            var parts = Path.GetFileName(file).Split('.');
            if (parts.Length < 5 || !int.TryParse(parts[^3], out var pid) || parts[^2].Length != 32 || IsRunning(pid)) continue;
            try { File.Delete(file); } catch (IOException) { /* gone already, or in use: harmless either way */ }
        }
    }

    static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }   // no process has this id
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/>, atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
}
