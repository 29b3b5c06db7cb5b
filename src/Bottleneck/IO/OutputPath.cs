namespace Bottleneck.IO;

/// <summary>
/// Checks, before any work, that an output file or folder can be written: the path is not empty, is not the wrong
/// kind of thing already (a folder where a file goes, or the reverse), has no file among its parents, and the
/// nearest folder that exists takes a new file. Writing a probe file is the one check that sees every reason a write
/// can fail (permissions, a read-only file system, ACLs), so that is what it does.
/// </summary>
internal static class OutputPath
{
    /// <summary>Checks that the file <paramref name="path"/>, given as the option <paramref name="field"/>, can be written.</summary>
    public static void CheckFile(string? path, string field = "output")
    {
        var full = FullPath(path, field, "a file");
        if (Directory.Exists(full)) throw new OptionException(field, $"{path} is a folder, expected a file name");
        CheckWritable(Path.GetDirectoryName(full)!, path!, field);
    }

    /// <summary>Checks that the folder <paramref name="path"/>, given as the option <paramref name="field"/>, can be created or written into.</summary>
    public static void CheckFolder(string? path, string field = "output")
    {
        var full = FullPath(path, field, "a folder");
        if (File.Exists(full)) throw new OptionException(field, $"{path} is a file, expected a folder");
        CheckWritable(full, path!, field);
    }

    static string FullPath(string? path, string field, string expected)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new OptionException(field, $"empty, expected {expected} name");
        try { return Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new OptionException(field, $"{path} is not a valid path ({e.Message})");
        }
    }

    /// <summary>Walks up from <paramref name="folder"/> to the first part that exists, which must be a folder that takes a new file.</summary>
    static void CheckWritable(string folder, string path, string field)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new OptionException(field, $"{path} cannot be written: {existing} is a file, not a folder");
            existing = Path.GetDirectoryName(existing) ?? throw new OptionException(field, $"{path} cannot be written: no part of it exists");
        }
        // The probe is named as AtomicFile names its temporary files, so a kill right here leaves nothing it would not clean.
        var probe = Path.Combine(existing, $".write-check.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionException(field, $"{path} cannot be written: {existing} does not take new files ({e.Message})");
        }
    }
}
