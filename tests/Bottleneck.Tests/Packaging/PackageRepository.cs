using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace Bottleneck.Tests.Packaging;

/// <summary>
/// What a package says about its source: the .nuspec's &lt;repository type url commit&gt;, checked against the clone it
/// was packed from (Directory.Build.props: the SDK's Source Link with PublishRepositoryUrl).
/// </summary>
internal static class PackageRepository
{
    /// <summary>Asserts that <paramref name="nupkg"/> names git, this clone's HEAD commit and, when the clone's origin is a server
    /// (not a folder on this machine), origin's URL.</summary>
    public static void AssertNamesThisClone(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec") && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        var repository = XDocument.Load(stream).Descendants().SingleOrDefault(e => e.Name.LocalName == "repository");
        Assert.True(repository is not null, $"{Path.GetFileName(nupkg)}: the .nuspec has no <repository>");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(Git("rev-parse", "HEAD"), (string?)repository.Attribute("commit"));
        var origin = Git("remote", "get-url", "origin");
        var url = (string?)repository.Attribute("url");
        if (origin is null || IsLocalFolder(origin))
            // No remote, or a clone of a folder on this machine (as CI's clean clone is): no URL, never an invented one.
            Assert.True(url is null, $"{Path.GetFileName(nupkg)}: repository URL {url} although origin is {origin ?? "not set"}");
        else if (Uri.TryCreate(origin, UriKind.Absolute, out var remote) && remote.Scheme == "https")
            // Source Link drops credentials and may drop ".git": the host and the repository's path are what must match.
            Assert.True(url is not null && new Uri(url).Host == remote.Host
                        && new Uri(url).AbsolutePath.TrimEnd('/').Replace(".git", "") == remote.AbsolutePath.TrimEnd('/').Replace(".git", ""),
                $"{Path.GetFileName(nupkg)}: repository URL {url ?? "missing"} for origin {origin}");
        else   // Source Link rewrites an ssh or scp-like remote into its https form, whose spelling depends on the host
            Assert.False(string.IsNullOrEmpty(url), $"{Path.GetFileName(nupkg)}: no repository URL although origin is {origin}");
    }

    // A remote that is a path on this machine rather than a server's address.
    static bool IsLocalFolder(string origin) =>
        origin.StartsWith("file:", StringComparison.Ordinal) || Path.IsPathRooted(origin) || origin.StartsWith('.');

    /// <summary>git's one-line answer in the repository root, or null when git fails (no such remote).</summary>
    static string? Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = TestData.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : null;
    }
}
