using System.IO.Compression;

namespace Bottleneck.Data;

/// <summary>
/// Reads numpy's .npz format: a zip archive (stored or deflated, as written by numpy.savez or savez_compressed)
/// holding one .npy file per array, such as Keras's mnist.npz with x_train, y_train, x_test and y_test.
/// </summary>
/// <remarks>
/// An archive is opened once and its arrays are read one at a time, so members nobody asked for are never inflated.
/// Before any data is inflated, the member's .npy header must agree with the size the zip directory declares for it,
/// and with the shape the caller expects: a small file cannot make the reader inflate gigabytes it will throw away.
/// A damaged archive, whatever the damage, is a <see cref="BadInputException"/>.
/// </remarks>
internal sealed class NpzFile : IDisposable
{
    private readonly string _path;
    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;

    private NpzFile(string path, ZipArchive archive, Dictionary<string, ZipArchiveEntry> entries)
    {
        _path = path;
        _archive = archive;
        _entries = entries;
    }

    /// <summary>The arrays in the archive: entry names without the ".npy" suffix.</summary>
    public IReadOnlyCollection<string> Names => _entries.Keys;

    /// <summary>The first few array names, escaped, for error messages.</summary>
    internal string NameList =>
        _entries.Count == 0 ? "no arrays"
        : string.Join(", ", _entries.Keys.Take(8).Select(name => Excerpt.Of(name))) + (_entries.Count > 8 ? $", ... ({_entries.Count} arrays)" : "");

    /// <summary>Opens the archive and reads its directory, but no array.</summary>
    /// <exception cref="BadInputException">The file is missing, is not a zip archive, its directory is damaged, or it holds an array twice.</exception>
    public static NpzFile Open(string path)
    {
        var file = DataFile.OpenRead(path);
        ZipArchive? archive = null;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read);
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue; // a directory record, not an array
                var key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                if (!entries.TryAdd(key, entry))
                    throw new BadInputException($"{path}[{Excerpt.Of(entry.FullName)}]: the archive holds the array {Excerpt.Quote(key)} twice");
            }
            return new NpzFile(path, archive, entries);
        }
        catch (Exception e) when (IsDamage(e))
        {
            Dispose(archive, file);
            throw new BadInputException($"{path}: not a zip archive or a damaged one, expected an .npz file (a zip of .npy files) ({e.Message})", e);
        }
        catch
        {
            Dispose(archive, file);
            throw;
        }
    }

    /// <summary>Reads every array in the archive, keyed by entry name without the ".npy" suffix.</summary>
    /// <exception cref="BadInputException">The file is missing, is not a zip archive, or holds a corrupt or malformed entry.</exception>
    public static IReadOnlyDictionary<string, NumericArray> Read(string path)
    {
        using var npz = Open(path);
        return npz.Names.ToDictionary(name => name, name => npz.Read(name), StringComparer.Ordinal);
    }

    /// <summary>True when the archive holds the array <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>
    /// Reads the array <paramref name="name"/>. <paramref name="checkShape"/>, when given, sees the shape from the
    /// member's header before any data is read, and throws a <see cref="BadInputException"/> to refuse it.
    /// </summary>
    /// <exception cref="BadInputException">
    /// The array is missing, damaged, malformed, of another size than the archive declares, or refused by <paramref name="checkShape"/>.
    /// </exception>
    public NumericArray Read(string name, Action<int[]>? checkShape = null)
    {
        if (!_entries.TryGetValue(name, out var entry))
            throw new BadInputException($"{_path}: array {Excerpt.Quote(name)} is missing (found {NameList})");
        var source = $"{_path}[{Excerpt.Of(entry.FullName)}]";
        try
        {
            // ReadToEnd reads to the end of the entry, which is where the checksum is compared.
            using var stream = new Crc32CheckingStream(entry.Open(), entry.Crc32);
            return NpyFile.ReadToEnd(stream, source, (shape, fileBytes) =>
            {
                if (fileBytes != entry.Length)
                    throw new BadInputException(
                        $"{source}: the .npy header says shape {NumericArray.FormatShape(shape)}, which takes {fileBytes} bytes with the header, but the archive declares {entry.Length}");
                checkShape?.Invoke(shape);
            });
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw new BadInputException($"{source}: corrupt zip entry ({e.Message})", e);
        }
    }

    public void Dispose() => _archive.Dispose();

    /// <summary>
    /// What ZipArchive throws for damaged bytes: InvalidDataException (it reads the directory lazily, on the first
    /// look at the entries), and for a directory that points elsewhere, an unsupported compression method or a read
    /// past the end of the file.
    /// </summary>
    private static bool IsDamage(Exception e) => e is InvalidDataException or NotSupportedException or IOException;

    private static void Dispose(ZipArchive? archive, Stream file)
    {
        archive?.Dispose();
        file.Dispose();
    }
}
