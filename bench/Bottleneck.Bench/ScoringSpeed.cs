using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Persistence;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>
/// Scoring against encoding for the same model, through every door, in one run: for a detector of `basic`
/// (784 → 32 → 784, fitted on MNIST) and of the tabular example (16 columns, standard scaler), rows/s of scoring and of
/// encoding, and their ratio, at batches of 1, 64 and 1,024 rows, through
///   library   AnomalyModel.Score against AutoencoderModel.Encode (float[][] rows; latency of each call);
///   batches   the detector's scores of a whole dataset (what anomaly score does for MNIST) against the folder's
///             preparation and Codes.Encode (what `bottleneck encode` does), batch = rows a model call;
///   evaluate  the folder's preparation and ReconstructionMetrics.Evaluate (what `bottleneck evaluate` does) against
///             the same encoding;
///   anomaly score (CLI)  `bottleneck anomaly score --chunk-rows N` on a CSV against `bottleneck encode` on it, each a
///             process of its own, start to exit (encode reads the whole file and encodes 1,000 rows a call);
///   serve     `bottleneck serve` (torch and onnx backends), one client on loopback, POST /v1/score against
///             /v1/encode with N rows a request (latency of each request).
/// Score and encode take turns (8 rounds each, the first mover alternating), so a change in the machine's load falls on
/// both: quote the ratios. Where calls are timed one by one, the ratio of median latencies is given too (a busy machine
/// adds slow calls that move means more than medians). Everything runs on one thread.
///
///   dotnet run --project bench/Bottleneck.Bench -c Release -- score-speed [--out bench/results-score-speed.json]
///       [--seconds 2] [--cli src/Bottleneck.Cli/bin/Release/net10.0/linux-x64/Bottleneck.Cli.dll]
/// </summary>
static class ScoringSpeed
{
    static readonly int[] Batches = [1, 64, 1024];

    public static int Run(string[] args)
    {
        string? output = null, cli = null;
        double seconds = 2;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": output = Next(); break;
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--cli": cli = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]} (expected --out, --seconds, --cli)");
            }
        }
        cli ??= ServeLoadTest.DefaultCli();
        set_num_threads(1);
        var root = Repository();
        var folder = Directory.CreateTempSubdirectory("bottleneck-score-speed-").FullName;
        try
        {
            string loadBefore = LoadAverage();
            var models = new JsonArray();
            using (var mnist = DataSource.Load("mnist"))
                models.Add(Measure("basic (784 → 32 → 784), MNIST detector", cli, folder, seconds, "basic",
                    ["--data", "mnist", "--model", "basic", "--anomaly-class", "9", "--limit", "12000", "--epochs", "2"],
                    mnist.Test!, csvRows: 10_000));
            using (var tabular = TabularTest(root))
                models.Add(Measure("tabular detector (16 → 32 → 16 → 3 → 16 → 32 → 16, standard scaler)", cli, folder, seconds, "tabular",
                    ["--data", Path.Combine(root, "docs/anomaly/tabular-normal.csv"), "--model", Path.Combine(root, "docs/anomaly/tabular-spec.json"), "--epochs", "5"],
                    tabular, csvRows: 20_000));
            var document = new JsonObject
            {
                ["command"] = "dotnet run --project bench/Bottleneck.Bench -c Release -- score-speed" + string.Concat(args.Select(a => " " + a)),
                ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["threads"] = 1, ["load_average_before"] = loadBefore, ["load_average_after"] = LoadAverage() },
                ["seconds_per_side"] = seconds,
                ["models"] = models,
            };
            var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
            if (output is not null)
            {
                Bottleneck.IO.AtomicFile.WriteAllText(output, text);
                Console.WriteLine($"wrote {output}");
            }
            return 0;
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    // `raw` is the data as `--data` gives it (MNIST's test images stay bytes); `rows` are its samples as float rows.
    static JsonObject Measure(string title, string cli, string folder, double seconds, string name, string[] fitArguments, Dataset raw, int csvRows)
    {
        var detectorFolder = Path.Combine(folder, name);
        RunCli(cli, folder, ["anomaly", "fit", .. fitArguments, "--out", detectorFolder]);
        var rows = Rows(raw);
        int width = rows[0].Length;
        var csv = Path.Combine(folder, name + ".csv");
        File.WriteAllLines(csv, Enumerable.Range(0, csvRows).Select(i => string.Join(",", rows[i % rows.Length].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        var doors = new JsonObject();
        Console.WriteLine($"\n{title}: {rows.Length:N0} rows of {width} values (load average {LoadAverage()})");
        Console.WriteLine("| door | rows a call | score rows/s | encode rows/s | score ÷ encode | score p50 / p99 ms | encode p50 / p99 ms (score ÷ encode at p50) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");

        using (var anomaly = AnomalyModel.Load(detectorFolder))
        using (var autoencoder = AutoencoderModel.Load(detectorFolder))
            doors["library"] = Door("library", seconds, batch =>
            {
                var some = Enumerable.Range(0, batch).Select(i => rows[i % rows.Length]).ToArray();
                return (() => anomaly.Score(some).Length, () => autoencoder.Encode(some).Length);
            });

        using (var detector = AnomalyDetector.Load(detectorFolder))
        using (var trained = TrainedModel.Load(detectorFolder))
        {
            // `bottleneck encode`: the folder's preparation (scaler, range check), then Codes.Encode.
            int Encode(int batch)
            {
                using var prepared = trained.Prepare(raw);
                return Codes.Encode(trained.Model, prepared, batch).Count;
            }
            doors["batches"] = Door("batches", seconds, batch =>
                (() => AnomalyDetector.ScoresOf(detector.Model, detector.Settings.Scaler, raw, batch).Length, () => Encode(batch)), latency: false);
            doors["evaluate"] = Door("evaluate", seconds, batch => (() =>
            {
                using var prepared = trained.Prepare(raw);
                return ReconstructionMetrics.Evaluate(trained.Model, prepared, batchSize: batch).Samples;
            }, () => Encode(batch)), latency: false);
        }

        doors["anomaly_score_cli"] = Door("anomaly score (CLI)", seconds, batch => (
            () => RunCli(cli, folder, ["anomaly", "score", "--model", detectorFolder, "--data", csv, "--out", Path.Combine(folder, "scores.csv"), "--chunk-rows", batch.ToString(CultureInfo.InvariantCulture)], csvRows),
            () => RunCli(cli, folder, ["encode", "--model", detectorFolder, "--data", csv, "--out", Path.Combine(folder, "codes.npy")], csvRows)),
            latency: false, rounds: 2, warmUp: 0);

        foreach (var backend in new[] { "torch", "onnx" })
        {
            using var server = ServerProcess.Start(cli, folder, "--model", detectorFolder, "--backend", backend, "--max-body-bytes", (64 << 20).ToString(CultureInfo.InvariantCulture));
            using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
            doors[$"serve_{backend}"] = Door($"serve ({backend})", seconds, batch =>
            {
                var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { rows = Enumerable.Range(0, batch).Select(i => rows[i % rows.Length]) }));
                return (() => Post(client, "/v1/score", body, batch), () => Post(client, "/v1/encode", body, batch));
            });
            if (server.Stop() != 0) throw new InvalidOperationException($"serve ({backend}) did not stop cleanly: {string.Join(" | ", server.Lines)}");
        }
        return new JsonObject { ["model"] = title, ["rows"] = rows.Length, ["width"] = width, ["csv_rows"] = csvRows, ["doors"] = doors };
    }

    // Score and encode at each batch size, taking turns; one JSON object per batch size.
    static JsonObject Door(string name, double seconds, Func<int, (Func<int> Score, Func<int> Encode)> calls, bool latency = true, int rounds = 8, int warmUp = 3)
    {
        var result = new JsonObject();
        foreach (var batch in Batches)
        {
            var (score, encode) = calls(batch);
            for (int i = 0; i < warmUp; i++) { score(); encode(); }
            var sides = new[] { new Side(), new Side() };
            for (int round = 0; round < rounds; round++)
            {
                int first = round % 2;
                sides[first].RunFor(first == 0 ? score : encode, seconds / rounds);
                sides[1 - first].RunFor(first == 0 ? encode : score, seconds / rounds);
            }
            var (s, e) = (sides[0], sides[1]);
            double ratio = s.RowsPerSecond / e.RowsPerSecond;
            var entry = new JsonObject { ["score"] = s.ToJson(latency), ["encode"] = e.ToJson(latency), ["score_over_encode"] = Math.Round(ratio, 3) };
            // The same ratio from the median calls: what a row usually waits, untouched by the slowest calls a busy machine adds.
            if (latency) entry["score_over_encode_at_p50"] = Math.Round(e.Percentile(0.5) / s.Percentile(0.5), 3);
            result[batch.ToString(CultureInfo.InvariantCulture)] = entry;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {batch:N0} | {s.RowsPerSecond:N0} | {e.RowsPerSecond:N0} | {ratio:F2} | {(latency ? $"{s.Percentile(0.5):F3} / {s.Percentile(0.99):F3}" : "")} | {(latency ? $"{e.Percentile(0.5):F3} / {e.Percentile(0.99):F3} ({e.Percentile(0.5) / s.Percentile(0.5):F2} at p50)" : "")} |"));
        }
        return result;
    }

    /// <summary>One contender's calls: rows done, time taken, and each call's latency.</summary>
    sealed class Side
    {
        readonly List<double> latencies = [];
        long rows;
        double seconds;

        public double RowsPerSecond => rows / seconds;

        // Calls until the budget is spent (at least once).
        public void RunFor(Func<int> call, double budget)
        {
            var clock = Stopwatch.StartNew();
            do
            {
                long started = Stopwatch.GetTimestamp();
                rows += call();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            while (clock.Elapsed.TotalSeconds < budget);
            seconds += clock.Elapsed.TotalSeconds;
        }

        public double Percentile(double p)
        {
            var sorted = latencies.Order().ToArray();
            return sorted[(int)(p * (sorted.Length - 1))];
        }

        public JsonObject ToJson(bool latency) => new()
        {
            ["rows_per_second"] = Math.Round(RowsPerSecond),
            ["calls"] = latencies.Count,
            ["latency_p50_ms"] = latency ? Math.Round(Percentile(0.5), 4) : null,
            ["latency_p99_ms"] = latency ? Math.Round(Percentile(0.99), 4) : null,
        };
    }

    static int Post(HttpClient client, string path, byte[] body, int rows)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = client.PostAsync(path, content).GetAwaiter().GetResult();
        var answer = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {answer}");
        return rows;
    }

    // Runs the CLI to the end; `rows` back, for the timing.
    static int RunCli(string cli, string directory, string[] arguments, int rows = 0)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"bottleneck {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr.Result}");
        return rows;
    }

    // A dataset's samples as float rows (images as x / 255).
    static float[][] Rows(Dataset data)
    {
        using var batch = data.Batch(0, data.Count);
        return NumericArray.FromFloats([data.Count, (int)data.SampleSize], batch.reshape(-1).data<float>().ToArray()).ToRows(data.Count);
    }

    // The tabular example's 2,000 test rows without their label column.
    static Dataset TabularTest(string root)
    {
        var rows = File.ReadLines(Path.Combine(root, "docs/anomaly/tabular-test.csv")).Skip(1)
            .Select(l => l.Split(',')[..^1].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return DatasetFactory.FromArray("tabular-test.csv", NumericArray.FromFloats([rows.Length, 16], rows.SelectMany(r => r).ToArray()));
    }

    static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bottleneck.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository (Bottleneck.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
