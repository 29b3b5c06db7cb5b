using System.Globalization;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Export.Onnx;
using Bottleneck.Persistence;
using Bottleneck.Tests.Export;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Packaging;

/// <summary>
/// The deployment check for Bottleneck.Scoring: a console program outside the repository that references only it is
/// published to a folder, which must hold ONNX Runtime and no libtorch, TorchSharp or Bottleneck file; run from there,
/// it scores a detector's exported graph as the full library does.
/// </summary>
public class ScoringWithoutLibTorchTests
{
    const string Program = """
        using System.Globalization;
        using Bottleneck.Scoring;

        using var scorer = OnnxScorer.Load(args[0]);
        var rows = File.ReadLines(args[1]).Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var detection = scorer.Detect(rows);
        Console.WriteLine($"threshold {scorer.Info.Threshold?.ToString("R", CultureInfo.InvariantCulture)}");
        for (int i = 0; i < rows.Length; i++)
            Console.WriteLine($"{detection.Scores[i].ToString("R", CultureInfo.InvariantCulture)},{(detection.Anomalies[i] ? 1 : 0)}");
        """;

    [Fact]
    public void A_published_program_that_references_only_Bottleneck_Scoring_runs_without_libtorch()
    {
        using var folder = new TempFolder();
        var settings = DetectorFolder.Write(folder["detector"]);
        using (var model = ModelFolder.Load(folder["detector"]))
            OnnxExport.Save(model, folder["score.onnx"], OnnxGraphKind.Score, detector: settings);
        var rows = DetectorFolder.Rows(50, seed: 9);
        File.WriteAllLines(folder["rows.csv"], rows.Select(r => string.Join(',', r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        var consumer = Directory.CreateDirectory(folder["consumer"]).FullName;
        var scoring = Path.Combine(TestData.RepositoryRoot, "src", "Bottleneck.Scoring", "Bottleneck.Scoring.csproj");
        File.WriteAllText(Path.Combine(consumer, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{scoring}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), Program);
        // A configuration of its own, so publishing leaves the repository's Debug and Release outputs alone.
        var published = folder["published"];
        PackageConsumerTests.Run(consumer, "publish", "-c", "ScoringCheck", "-o", published);

        var files = Directory.GetFiles(published, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToArray();
        Assert.Contains("libonnxruntime.so", files);
        Assert.Contains("Bottleneck.Scoring.dll", files);
        Assert.DoesNotContain(files, f => f!.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase)
            || f.StartsWith("libLibTorchSharp", StringComparison.Ordinal) || f.StartsWith("TorchSharp", StringComparison.Ordinal) || f == "Bottleneck.dll");
        long size = Directory.GetFiles(published, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(size < 100_000_000, $"the published folder holds {size:N0} bytes");

        var output = PackageConsumerTests.Run(folder.Path, Path.Combine(published, "consumer.dll"), folder["score.onnx"], folder["rows.csv"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"threshold {settings.Threshold.ToString("R", CultureInfo.InvariantCulture)}", output[0]);

        using var scope = NewDisposeScope();
        using var detector = AnomalyDetector.Load(folder["detector"]);
        var expected = detector.Errors(tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, DetectorFolder.Width]))
            .to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(rows.Length + 1, output.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            var fields = output[i + 1].Split(',');
            double score = double.Parse(fields[0], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(score - expected[i]) <= 1e-5 * expected[i], $"row {i}: published program {score:R}, library {expected[i]:R}");
            Assert.Equal(detector.IsAnomaly(expected[i]) ? "1" : "0", fields[1].Trim());
        }
    }
}
