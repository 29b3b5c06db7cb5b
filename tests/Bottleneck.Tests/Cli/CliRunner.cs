using System.Diagnostics;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>Runs the real `bottleneck` program (the built Bottleneck.Cli.dll) in a child process, as a user would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Runs the program with <paramref name="environment"/> added to its environment variables.</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Bottleneck.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bottleneck {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Asserts the bad-input contract: exit code 2 and one line on stderr containing <paramref name="expected"/>, with no
    /// stack trace. Progress lines before it (a stage that started, "reading the CSV file…: 123…") are not part of the
    /// error: bad input found while reading a file shows only when the reading has begun.
    /// </summary>
    public static void AssertBadInput(Result result, string expected)
    {
        Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}, stderr: {result.Stderr}, stdout: {result.Stdout}");
        var stderr = string.Join('\n', result.Stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !l.EndsWith('…'))).Trim();
        Assert.DoesNotContain('\n', stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Contains(expected, stderr);
    }

    /// <summary>
    /// Asserts that stderr (redirected, so progress is plain) starts each of <paramref name="stages"/> on a line of its
    /// own, exactly once, in this order: a stage shown twice or never is a progress display gone wrong.
    /// </summary>
    public static void AssertStageLines(string stderr, params string[] stages)
    {
        var lines = stderr.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var positions = new List<int>();
        foreach (var stage in stages)
        {
            var matching = lines.Select((line, i) => (line, i)).Where(p => p.line.StartsWith(stage) && p.line.EndsWith('…')).ToList();
            Assert.True(matching.Count == 1, $"stage '{stage}' started {matching.Count} times; stderr:\n{stderr}");
            positions.Add(matching[0].i);
        }
        Assert.True(positions.SequenceEqual(positions.Order()), $"stages out of order; stderr:\n{stderr}");
    }

    /// <summary>Runs the command in <paramref name="folder"/>, asserts the bad-input contract, and that no "out" folder was left behind.</summary>
    public static Result Fails(TempFolder folder, string expected, params string[] args)
    {
        var result = Run(folder.Path, args);
        AssertBadInput(result, expected);
        Assert.False(Directory.Exists(folder["out"]), "a failed command left an output folder behind");
        return result;
    }
}
