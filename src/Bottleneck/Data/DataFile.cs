namespace Bottleneck.Data;

/// <summary>Opens data files for reading, turning the usual file-system failures into one-line <see cref="BadInputException"/>s.</summary>
internal static class DataFile
{
    /// <summary>Opens <paramref name="path"/> for buffered sequential reading.</summary>
    public static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path)) throw new BadInputException($"{path}: is a directory, expected a file");
        if (!File.Exists(path)) throw new BadInputException($"{path}: file not found");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot open the file ({e.Message})", e);
        }
    }

    /// <summary>Counts the bytes left in <paramref name="stream"/>, reading it to the end.</summary>
    public static long CountRemaining(Stream stream)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0) total += read;
        return total;
    }
}
