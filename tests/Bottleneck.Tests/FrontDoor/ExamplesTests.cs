using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace Bottleneck.Tests.FrontDoor;

/// <summary>
/// The programs in examples/ (built with the solution, in this test run's configuration) run on the repository's
/// tabular data and print what their comments promise.
/// </summary>
public class ExamplesTests
{
    static (int ExitCode, string Output) Run(string example, params string[] args)
    {
        // tests/Bottleneck.Tests/bin/<configuration>/net10.0/linux-x64/ → examples/<name>/bin/<configuration>/net10.0/linux-x64/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var relative = Path.GetRelativePath(Path.Combine(TestData.RepositoryRoot, "tests", "Bottleneck.Tests"), output.FullName);
        var dll = Path.Combine(TestData.RepositoryRoot, "examples", example, relative, example + ".dll");
        Assert.True(File.Exists(dll), $"{dll} was not built");
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(Path.Combine(TestData.RepositoryRoot, a));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"{example} did not finish in 3 minutes");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void AnomalyRows_flags_most_of_the_test_anomalies()
    {
        var (code, output) = Run("AnomalyRows", "docs/anomaly/tabular-normal.csv", "docs/anomaly/tabular-test.csv", "docs/anomaly/tabular-spec.json");
        Assert.True(code == 0, output);
        var m = Regex.Match(output, @"flagged (\d+) of 2000 rows: (\d+) of 200 anomalies");
        Assert.True(m.Success, output);
        // 200 anomalies among 2,000 rows; a 95th-percentile threshold flags about 5 % of the normal rows besides.
        Assert.InRange(int.Parse(m.Groups[2].Value), 120, 200);
        Assert.InRange(int.Parse(m.Groups[1].Value) - int.Parse(m.Groups[2].Value), 20, 250);
    }

    [Fact]
    public void NearestRows_finds_rows_whose_codes_are_close()
    {
        var (code, output) = Run("NearestRows", "docs/anomaly/tabular-normal.csv", "docs/anomaly/tabular-spec.json");
        Assert.True(code == 0, output);
        Assert.Equal(3, Regex.Matches(output, @"row \d: nearest rows \d+, \d+, \d+").Count);
        Assert.Contains("codes of 3 values", output);
    }

    [Fact]
    public void An_example_given_the_wrong_arguments_prints_its_usage_and_exits_2()
    {
        var (code, output) = Run("AnomalyRows");
        Assert.Equal(2, code);
        Assert.StartsWith("usage: AnomalyRows", output);
    }
}
