using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Tests.Export;
using Xunit;

namespace Bottleneck.Tests.Cli.Serving;

/// <summary>`bottleneck serve` as a process: bad arguments get one line and exit 2; SIGTERM ends it cleanly, with its request logged as JSON.</summary>
public sealed class ServeCliTests : IDisposable
{
    readonly TempFolder folder = new();

    public ServeCliTests() => DetectorFolder.Write(folder["detector"]);

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("bottleneck serve: --model: missing: no such file or folder", "--model", "missing")]
    [InlineData("bottleneck serve: --backend: unknown backend 'gpu' (expected onnx or torch)", "--model", "detector", "--backend", "gpu")]
    [InlineData("bottleneck serve: --port: expected 0 to 65535, got 70000", "--model", "detector", "--port", "70000")]
    [InlineData("bottleneck serve: --max-rows: expected a positive number, got 0", "--model", "detector", "--max-rows", "0")]
    [InlineData("bottleneck serve: --host: expected an IP address such as 127.0.0.1 or 0.0.0.0, got 'localhost'", "--model", "detector", "--host", "localhost")]
    public void BadArgumentsGetOneLine(string expected, params string[] args)
    {
        var result = CliRunner.Run(folder.Path, ["serve", .. args]);
        CliRunner.AssertBadInput(result, expected);
    }

    [Fact]
    public void AnOnnxFileIsNotServedByTorchAndANonOnnxFileIsNamed()
    {
        File.WriteAllText(folder["notes.onnx"], "not a model");
        CliRunner.AssertBadInput(CliRunner.Run(folder.Path, "serve", "--model", "notes.onnx", "--backend", "torch"),
            "bottleneck serve: --backend torch: expected a model folder (with model.json), got notes.onnx; an .onnx file is served with --backend onnx");
        CliRunner.AssertBadInput(CliRunner.Run(folder.Path, "serve", "--model", "notes.onnx"), "bottleneck serve: --model: notes.onnx: not a readable ONNX model");
    }

    [Fact]
    public async Task SigtermStopsTheServerCleanlyAfterLoggingItsRequests()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Bottleneck.Cli.dll"), "serve", "--model", "detector", "--port", "0" }) start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        var stdout = new ConcurrentQueue<string>();
        var stderr = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            stdout.Enqueue(line);
            var at = line.IndexOf("listening on ", StringComparison.Ordinal);
            if (at >= 0) listening.TrySetResult(line[(at + "listening on ".Length)..]);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) stderr.Enqueue(line); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Output() => $"stdout: {string.Join('\n', stdout)}\nstderr: {string.Join('\n', stderr)}";
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using (var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) })
                Assert.Equal("{\"status\":\"ok\"}", await client.GetStringAsync("/healthz"));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}; {Output()}");
            var log = stdout.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).Single(l => (string?)l["path"] == "/healthz");
            Assert.Equal("GET", (string?)log["method"]);
            Assert.Equal(200, (int)log["status"]!);
            Assert.Contains("bottleneck serve: stopped after 0 rows in 0 model calls", stdout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the server did not start or stop in time; {Output()}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
