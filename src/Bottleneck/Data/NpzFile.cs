using System.IO.Compression;

namespace Bottleneck.Data;

/// <summary>
/// Reads numpy's .npz format: a zip archive (stored or deflated, as written by numpy.savez or savez_compressed)
/// holding one .npy file per array, such as Keras's mnist.npz with x_train, y_train, x_test and y_test.
/// </summary>
public static class NpzFile
{
    /// <summary>Reads every array in the archive, keyed by entry name without the ".npy" suffix.</summary>
    /// <exception cref="BadInputException">The file is missing, is not a zip archive, or holds a corrupt or malformed entry.</exception>
    public static IReadOnlyDictionary<string, NumericArray> Read(string path)
    {
        using var file = DataFile.OpenRead(path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new BadInputException($"{path}: not a zip archive, expected an .npz file (a zip of .npy files) ({e.Message})", e);
        }

        using (archive)
        {
            var arrays = new Dictionary<string, NumericArray>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue; // a directory record, not an array

                var key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                var source = $"{path}[{entry.FullName}]";
                if (arrays.ContainsKey(key)) throw new BadInputException($"{source}: the archive holds the array '{key}' twice");
                try
                {
                    // ReadToEnd reads to the end of the entry, which is where the checksum is compared.
                    using var stream = new Crc32CheckingStream(entry.Open(), entry.Crc32);
                    arrays.Add(key, NpyFile.ReadToEnd(stream, source));
                }
                catch (InvalidDataException e)
                {
                    throw new BadInputException($"{source}: corrupt zip entry ({e.Message})", e);
                }
            }
            return arrays;
        }
    }
}
