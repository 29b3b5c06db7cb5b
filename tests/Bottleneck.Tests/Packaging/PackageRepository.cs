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
    /// <summary>Asserts that <paramref name="nupkg"/> names git, this clone's HEAD commit and, when the clone has a remote, origin's URL.</summary>
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
        if (origin is null)
            Assert.Null(repository.Attribute("url"));   // no remote: no URL, never an invented one
        else if (origin.StartsWith("https://"))
            Assert.Equal(origin, (string?)repository.Attribute("url"));
        else   // Source Link rewrites an ssh or scp-like remote into its https form, whose spelling depends on the host
            Assert.False(string.IsNullOrEmpty((string?)repository.Attribute("url")), $"{Path.GetFileName(nupkg)}: no repository URL although origin is {origin}");
    }

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
