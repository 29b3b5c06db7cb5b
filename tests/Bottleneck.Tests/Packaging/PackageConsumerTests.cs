using System.Diagnostics;
using Xunit;

namespace Bottleneck.Tests.Packaging;

/// <summary>
/// The newcomer's check: the library packed into a local feed, a new console project outside the repository that
/// references the package (not the source), restored from that feed, built and run. On Debian 12 this fails unless the
/// libstdc++ fix travels inside the package (buildTransitive/Bottleneck.targets): TorchSharp's shim would not load.
/// The same project then runs the README's "Use from C#" program exactly as a reader would paste it.
/// </summary>
public class PackageConsumerTests
{
    // The README's "Use from C#" program, shortened: an anomaly detector fitted on rows, saved, and its model folder
    // loaded again to encode rows.
    const string Program = """
        using Bottleneck;

        var random = new Random(1);
        float[][] Rows(int n) => Enumerable.Range(0, n).Select(_ =>
        {
            double a = random.NextDouble(), b = random.NextDouble();
            return Enumerable.Range(0, 8).Select(j => (float)(10 * (j % 2 == 0 ? a : b) + 0.1 * random.NextDouble())).ToArray();
        }).ToArray();

        using var detector = AnomalyModel.Fit(Rows(400), "basic", new AnomalyOptions { Training = new FitOptions { Epochs = 5 } });
        bool[] flags = detector.Predict(Rows(20));
        detector.Save("detector");
        using var model = AutoencoderModel.Load("detector");
        float[][] codes = model.Encode(Rows(10));
        Console.WriteLine($"threshold {detector.Threshold > 0} flags {flags.Length} codes {codes.Length}x{codes[0].Length}");
        """;

    [Fact]
    public void A_new_console_project_that_references_the_package_fits_a_detector_and_encodes()
    {
        using var folder = new TempFolder();
        var feed = Path.Combine(folder.Path, "feed");
        var consumer = Path.Combine(folder.Path, "consumer");
        Directory.CreateDirectory(consumer);
        // A version of its own each run, so NuGet's global cache never serves an older build of the package; a
        // configuration of its own, so packing leaves the repository's Debug and Release outputs alone.
        var version = $"0.0.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        Run(TestData.RepositoryRoot, "pack", "src/Bottleneck", "-c", "PackageCheck", "-o", feed, $"-p:Version={version}");
        var package = Path.Combine(feed, $"Bottleneck.{version}.nupkg");
        Assert.True(File.Exists(package), $"no {package}");
        PackageRepository.AssertNamesThisClone(package);

        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Bottleneck" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), Program);
        var output = Run(consumer, "run", "-c", "Release");
        Assert.Contains("threshold True flags 20 codes 10x32", output);

        // The README's "Use from C#" block, pasted as it stands into the same project, with the data files it names.
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ReadmeProgram());
        Directory.Delete(Path.Combine(consumer, "detector"), recursive: true);
        var anomalyData = Path.Combine(consumer, "docs", "anomaly");
        Directory.CreateDirectory(anomalyData);
        foreach (var file in new[] { "tabular-normal.csv", "tabular-test.csv", "tabular-spec.json" })
            File.Copy(Path.Combine(TestData.RepositoryRoot, "docs", "anomaly", file), Path.Combine(anomalyData, file));
        var pasted = Run(consumer, "run", "-c", "Release");
        Assert.Matches(@"epoch 1: validation MSE \d\.\d{4}", pasted);
        Assert.True(File.Exists(Path.Combine(consumer, "detector", "model.json")), "the README's program saved no detector");
    }

    /// <summary>The first ```csharp block under the README's "## Use from C#" heading, verbatim.</summary>
    static string ReadmeProgram()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "README.md"));
        var section = readme.IndexOf("\n## Use from C#", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no \"## Use from C#\" section");
        var start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md's \"Use from C#\" has no ```csharp block");
        start += "```csharp\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end] + "\n";
    }

    [Fact]
    public void The_tool_package_names_its_repository_and_commit()
    {
        // In this class, not beside it: the two packs share the PackageCheck build of the library and must not run at once.
        using var folder = new TempFolder();
        Run(TestData.RepositoryRoot, "pack", "src/Bottleneck.Cli", "-c", "PackageCheck", "-o", folder.Path);
        PackageRepository.AssertNamesThisClone(Directory.GetFiles(folder.Path, "Bottleneck.Cli.*.nupkg").Single());
    }

    internal static string Run(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The child is a fresh `dotnet`, not this test host: MSBuild variables inherited from the test run would leak in.
        foreach (var name in new[] { "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH" })
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 8 minutes");
        }
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
