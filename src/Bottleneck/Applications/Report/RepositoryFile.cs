namespace Bottleneck.Applications.Report;

/// <summary>Finds a file shipped in the repository (docs/anomaly's tables) from the current folder or the program's, walking up.</summary>
internal static class RepositoryFile
{
    /// <summary>The full path of <paramref name="relative"/>, looked for in the current folder, the program's folder and their parents.</summary>
    /// <exception cref="BadInputException">Not found: one line saying where it was looked for.</exception>
    public static string Find(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, relative);
                if (File.Exists(candidate)) return candidate;
            }
        throw new BadInputException($"{relative}: not found in {Directory.GetCurrentDirectory()} or any folder above it (run the report from the repository)");
    }
}
