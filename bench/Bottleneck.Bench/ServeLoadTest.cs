using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Persistence;

namespace Bottleneck.Bench;

/// <summary>
/// The load test of `bottleneck serve`, loopback only and bounded in requests and time: the server runs as its own
/// process (so its resident memory is its own) with a small detector; for concurrency 1, 8 and 64, clients send
/// one-row POST /v1/score requests until N requests or the time limit, and the test reports requests/s, p50/p99
/// latency, errors (must be 0) and the server's resident memory before and after (it must stay flat).
///
///   dotnet run --project bench/Bottleneck.Bench -c Release -- serve-load [--requests 100000] [--seconds 60]
///       [--cli src/Bottleneck.Cli/bin/Release/net10.0/linux-x64/Bottleneck.Cli.dll] [--backend onnx|torch]
/// </summary>
internal static class ServeLoadTest
{
    const int Width = 16;

    public static int Run(string[] args)
    {
        int requests = 100_000;
        double seconds = 60;
        string backend = "onnx";
        string? cli = null;
        for (int i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--requests": requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--cli": cli = args[++i]; break;
                case "--backend": backend = args[++i]; break;
                default: throw new ArgumentException($"unknown option {args[i]} (expected --requests, --seconds, --cli, --backend)");
            }
        cli ??= DefaultCli();
        var folder = Directory.CreateTempSubdirectory("bottleneck-serve-load-").FullName;
        try
        {
            WriteDetector(Path.Combine(folder, "detector"));
            return RunAgainst(cli, folder, backend, requests, TimeSpan.FromSeconds(seconds));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    static int RunAgainst(string cli, string folder, string backend, int requests, TimeSpan limit)
    {
        using var server = ServerProcess.Start(cli, folder, "--model", "detector", "--backend", backend);
        var address = server.Address;
        var body = Body();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Level(client, body, concurrency: 4, requests: 2000, TimeSpan.FromSeconds(20));   // warm-up: JIT, connections, ONNX Runtime's first runs
        double rssStart = server.ResidentMegabytes();
        var rows = new List<JsonObject>();
        Console.WriteLine($"bottleneck serve ({backend}) on {address}, one-row POST /v1/score, at most {requests:N0} requests or {limit.TotalSeconds:N0} s a level");
        Console.WriteLine("| concurrency | requests | requests/s | p50 ms | p99 ms | errors | server RSS MB after |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var concurrency in new[] { 1, 8, 64 })
        {
            var result = Level(client, body, concurrency, requests, limit);
            result["rss_after_mb"] = server.ResidentMegabytes();
            rows.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {concurrency} | {(int)result["requests"]!:N0} | {(double)result["requests_per_second"]!:N0} | {(double)result["p50_ms"]!:F2} | {(double)result["p99_ms"]!:F2} | {(int)result["errors"]!} | {(double)result["rss_after_mb"]!:N0} |"));
        }
        double rssEnd = server.ResidentMegabytes();
        int exitCode = server.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"server resident memory {rssStart:N0} MB after warm-up, {rssEnd:N0} MB at the end ({(rssEnd - rssStart) / rssStart * 100:+0.0;-0.0} %); " +
            $"{server.LogLines:N0} request log lines; exit code {exitCode}; {server.Lines.LastOrDefault(l => l.Contains("stopped after")) ?? "no stop line"}"));
        int errors = rows.Sum(r => (int)r["errors"]!);
        return errors == 0 && exitCode == 0 ? 0 : 1;
    }

    /// <summary>
    /// <paramref name="concurrency"/> clients, each sending its next request when the last is answered, until
    /// <paramref name="requests"/> are sent or <paramref name="limit"/> has passed.
    /// </summary>
    static JsonObject Level(HttpClient client, byte[] body, int concurrency, int requests, TimeSpan limit)
    {
        int next = -1, errors = 0;
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(requests / concurrency + 1);
            while (clock.Elapsed < limit && Interlocked.Increment(ref next) < requests)
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new("application/json");
                    using var response = await client.PostAsync("/v1/score", content);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { Interlocked.Increment(ref errors); }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return latencies;
        })).ToArray();
        Task.WaitAll(clients);
        double elapsed = clock.Elapsed.TotalSeconds;
        var sorted = clients.SelectMany(c => c.Result).ToArray();
        Array.Sort(sorted);
        int done = sorted.Length;
        return new JsonObject
        {
            ["concurrency"] = concurrency,
            ["requests"] = done,
            ["seconds"] = elapsed,
            ["requests_per_second"] = done / elapsed,
            ["p50_ms"] = done > 0 ? sorted[(int)(0.50 * (done - 1))] : double.NaN,
            ["p99_ms"] = done > 0 ? sorted[(int)(0.99 * (done - 1))] : double.NaN,
            ["errors"] = errors,
        };
    }

    static byte[] Body()
    {
        var random = new Random(1);
        var row = string.Join(",", Enumerable.Range(0, Width).Select(_ => (random.NextDouble() * 2 - 1).ToString("F4", CultureInfo.InvariantCulture)));
        return Encoding.UTF8.GetBytes($"{{\"rows\": [[{row}]]}}");
    }

    /// <summary>A detector folder like anomaly fit's (16 standardised columns, 16-32-4-32-16), with its initial weights: serving cost does not depend on training.</summary>
    static void WriteDetector(string directory)
    {
        TorchSharp.torch.random.manual_seed(1);
        using var model = ModelFactory.Create(new ModelSpec { Name = "load-test", Encoder = [32], Bottleneck = 4, OutputActivation = "linear" }.WithInputShape([Width]));
        var settings = new AnomalySettings
        {
            Threshold = 1.0, Percentile = 95, Data = "synthetic", Holdout = 0.1, TrainingSamples = 0, HoldoutSamples = 0, HoldoutFlagged = 0,
            Scaler = new FeatureScaler(ScalerKind.Standard, new float[Width], Enumerable.Repeat(1f, Width).ToArray()),
        };
        ModelFolder.Save(model, directory, new Dictionary<string, JsonNode?> { [AnomalySettings.Field] = settings.ToJson() });
    }

    /// <summary>The CLI built beside the benchmark (Release), found by walking up to the repository.</summary>
    internal static string DefaultCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "src", "Bottleneck.Cli", "bin", "Release", "net10.0", "linux-x64", "Bottleneck.Cli.dll");
            if (File.Exists(dll)) return dll;
        }
        throw new FileNotFoundException("Bottleneck.Cli.dll not found above the benchmark: build the CLI (dotnet build -c Release) or pass --cli");
    }
}
