using System.Diagnostics;
using Xunit;

namespace Bottleneck.Tests.Packaging;

/// <summary>
/// The newcomer's check: the library packed into a local feed, a new console project outside the repository that
/// references the package (not the source), restored from that feed, built and run. On Debian 12 this fails unless the
/// libstdc++ fix travels inside the package (buildTransitive/Bottleneck.targets): TorchSharp's shim would not load.
/// </summary>
public class PackageConsumerTests
{
    const string Program = """
        using Bottleneck.Analysis;
        using Bottleneck.Data;
        using Bottleneck.Export;
        using Bottleneck.Models;
        using Bottleneck.Training;

        const int rows = 256, width = 16;
        var random = new Random(1);
        var values = new float[rows * width];
        for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble();
        using var data = DatasetFactory.FromArray("rows", NumericArray.FromFloats([rows, width], values));
        TorchSharp.torch.random.manual_seed(1);
        using var model = ModelFactory.Create(new ModelSpec { Name = "tiny", Encoder = [8], Bottleneck = 4 }.WithInputShape([width]));
        var result = new Trainer().Fit(model, data, null, new TrainingOptions { Epochs = 2, BatchSize = 32 });
        ModelFolder.Save(model, "model");
        using var loaded = ModelFolder.Load("model");
        var codes = Codes.Encode(loaded, data);
        Console.WriteLine($"epochs {result.History.Epochs.Count} loss {result.History.Epochs[^1].Loss.ToString(System.Globalization.CultureInfo.InvariantCulture)} codes {string.Join("x", codes.Shape)}");
        """;

    [Fact]
    public void A_new_console_project_that_references_the_package_builds_and_trains()
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
        var line = output.Split('\n').Single(l => l.StartsWith("epochs "));
        var fields = line.Split(' ');
        Assert.Equal("2", fields[1]);
        Assert.InRange(double.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), 0.0, 1.0);
        Assert.Equal("256x4", fields[5].Trim());
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
