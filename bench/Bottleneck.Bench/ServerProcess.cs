using System.Diagnostics;
using System.Globalization;

namespace Bottleneck.Bench;

/// <summary>
/// `bottleneck serve` in a process of its own, for the benchmarks that talk to it over loopback: started with the
/// arguments given (plus --port 0), ready once it prints the address it listens on. Its request log (one JSON line a
/// request) is counted, not kept, so a long run does not grow the benchmark's memory; its other lines are kept.
/// </summary>
sealed class ServerProcess : IDisposable
{
    readonly Process server;
    readonly List<string> tail = [];
    long logLines;

    ServerProcess(Process server) => this.server = server;

    /// <summary>Where the server listens.</summary>
    public Uri Address { get; private set; } = null!;

    public int Id => server.Id;

    /// <summary>Request log lines printed so far.</summary>
    public long LogLines => Interlocked.Read(ref logLines);

    /// <summary>Starts `dotnet <paramref name="cli"/> serve <paramref name="arguments"/> --port 0` in <paramref name="workingDirectory"/> and waits until it listens.</summary>
    public static ServerProcess Start(string cli, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { cli, "serve" }.Concat(arguments).Concat(["--port", "0"])) start.ArgumentList.Add(a);
        var result = new ServerProcess(new Process { StartInfo = start });
        var listening = new TaskCompletionSource<string>();
        result.server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            if (line.StartsWith('{')) { Interlocked.Increment(ref result.logLines); return; }
            lock (result.tail) result.tail.Add(line);
            var at = line.IndexOf("listening on ", StringComparison.Ordinal);
            if (at >= 0) listening.TrySetResult(line[(at + "listening on ".Length)..]);
        };
        result.server.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (result.tail) result.tail.Add(line); };
        result.server.Start();
        result.server.BeginOutputReadLine();
        result.server.BeginErrorReadLine();
        try { result.Address = new Uri(listening.Task.WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()); }
        catch (TimeoutException)
        {
            result.Dispose();
            throw new InvalidOperationException($"bottleneck serve did not start listening within 60 s: {string.Join(" | ", result.Lines)}");
        }
        return result;
    }

    /// <summary>The server's lines other than request logs, so far.</summary>
    public IReadOnlyList<string> Lines { get { lock (tail) return tail.ToArray(); } }

    /// <summary>Resident memory of the server process, MB.</summary>
    public double ResidentMegabytes()
    {
        foreach (var line in File.ReadLines($"/proc/{server.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    /// <summary>Sends SIGTERM (a graceful stop) and waits for the exit; the exit code.</summary>
    public int Stop()
    {
        using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)])!) kill.WaitForExit();
        server.WaitForExit(30_000);
        server.WaitForExit();   // the output handlers have run
        return server.ExitCode;
    }

    public void Dispose()
    {
        if (!server.HasExited) server.Kill(entireProcessTree: true);
        server.Dispose();
    }
}
