using System.Security.Cryptography;

namespace Bottleneck.IO;

/// <summary>
/// The SHA-256 of a file's bytes, as lower-case hex (what `sha256sum` prints): model folders record their weights'
/// hash, resume state its optimizer file's, so that a file changed or truncated after it was written is noticed.
/// </summary>
internal static class FileHash
{
    /// <summary>SHA-256 of the file at <paramref name="path"/>, 64 lower-case hex digits; read as a stream, so any size works.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
