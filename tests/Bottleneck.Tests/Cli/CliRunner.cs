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
    /// stack trace.
    /// </summary>
    public static void AssertBadInput(Result result, string expected)
    {
        Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}, stderr: {result.Stderr}, stdout: {result.Stdout}");
        var stderr = result.Stderr.Trim();
        Assert.DoesNotContain('\n', stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Contains(expected, stderr);
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
