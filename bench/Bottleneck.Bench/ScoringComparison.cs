using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Export.Onnx;
using Bottleneck.Scoring;
using Microsoft.ML.OnnxRuntime;

namespace Bottleneck.Bench;

/// <summary>
/// Scoring an anomaly detector through TorchSharp (the library's <see cref="AnomalyModel"/>) and through ONNX Runtime
/// (<see cref="OnnxScorer"/> on the exported score graph), side by side in one run, both on one thread: the native
/// files each needs on disk, cold start (process start to first score, median of 3 child processes), and rows/s at
/// batches of 1, 64 and 1,024 rows (each batch size run for about 2 s).
///
///   dotnet run --project bench/Bottleneck.Bench -c Release -- scoring [--out bench/results-scoring.json]
/// </summary>
static class ScoringComparison
{
    public static int Run(string[] args)
    {
        if (args.Length == 3 && args[0] == "cold") return ColdStart(args[1], args[2]);
        string? output = args.Length == 2 && args[0] == "--out" ? args[1] : null;
        var root = FindRoot();
        var folder = Path.Combine(Path.GetTempPath(), $"bottleneck-scoring-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            var normal = ReadRows(Path.Combine(root, "docs/anomaly/tabular-normal.csv"));
            var test = ReadRows(Path.Combine(root, "docs/anomaly/tabular-test.csv")).Select(r => r[..^1]).ToArray();
            var detectorFolder = Path.Combine(folder, "detector");
            using (var fitted = AnomalyModel.Fit(normal, Path.Combine(root, "docs/anomaly/tabular-spec.json"), new AnomalyOptions { Training = new FitOptions { Epochs = 20 } }))
                fitted.Save(detectorFolder);
            var onnxPath = Path.Combine(folder, "detector.onnx");
            using (var loaded = AnomalyDetector.Load(detectorFolder))
                OnnxExport.Save(loaded.Model, onnxPath, OnnxGraphKind.Score, detector: loaded.Settings);

            using var torch = AnomalyModel.Load(detectorFolder);
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            using var onnx = OnnxScorer.Load(onnxPath, options);
            var agree = torch.Score(test).Zip(onnx.Score(test)).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1e-12, Math.Abs(p.First)));

            var result = new JsonObject
            {
                ["model"] = "tabular detector (16 → 32 → 16 → 3 → 16 → 32 → 16)",
                ["max_relative_score_difference"] = agree,
                ["native_mb"] = new JsonObject { ["torchsharp"] = Megabytes("libtorch*", "libc10.so", "libgomp*", "libLibTorchSharp.so", "TorchSharp.dll"), ["onnxruntime"] = Megabytes("libonnxruntime*.so", "Microsoft.ML.OnnxRuntime.dll") },
                ["cold_start_ms"] = new JsonObject { ["torchsharp"] = Cold("torch", detectorFolder), ["onnxruntime"] = Cold("onnx", onnxPath) },
            };
            var rates = new JsonObject();
            foreach (var batch in new[] { 1, 64, 1024 })
            {
                var rows = Enumerable.Range(0, batch).Select(i => test[i % test.Length]).ToArray();
                double t = RowsPerSecond(() => torch.Score(rows), batch), o = RowsPerSecond(() => onnx.Score(rows), batch);
                rates[batch.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["torchsharp_rows_per_second"] = Math.Round(t), ["onnxruntime_rows_per_second"] = Math.Round(o), ["ratio"] = Math.Round(o / t, 2) };
                Console.WriteLine($"batch {batch,5}: TorchSharp {t,12:N0} rows/s, ONNX Runtime {o,12:N0} rows/s ({o / t:F2}×)");
            }
            result["scoring"] = rates;
            Console.WriteLine(result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            if (output is not null) File.WriteAllText(output, result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            return 0;
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    // Calls `score` for about two seconds after a warm-up; rows scored per second.
    static double RowsPerSecond(Func<object> score, int batch)
    {
        for (int i = 0; i < 20; i++) score();
        var clock = Stopwatch.StartNew();
        long calls = 0;
        while (clock.Elapsed.TotalSeconds < 2) { score(); calls++; }
        return calls * batch / clock.Elapsed.TotalSeconds;
    }

    // The median of three child processes that load the model and score one row, from process start to exit.
    static double Cold(string backend, string path)
    {
        var times = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
            foreach (var a in new[] { typeof(ScoringComparison).Assembly.Location, "scoring", "cold", backend, path }) start.ArgumentList.Add(a);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"cold start of {backend} exited with {process.ExitCode}");
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Math.Round(times.Order().ElementAt(1));
    }

    static int ColdStart(string backend, string path)
    {
        float[][] row = [new float[16]];
        if (backend == "torch") { using var m = AnomalyModel.Load(path); Console.WriteLine(m.Score(row)[0]); }
        else { using var s = OnnxScorer.Load(path); Console.WriteLine(s.Score(row)[0]); }
        return 0;
    }

    static double Megabytes(params string[] patterns) => Math.Round(patterns
        .SelectMany(p => Directory.EnumerateFiles(AppContext.BaseDirectory, p)).Distinct().Sum(f => new FileInfo(f).Length) / 1e6, 1);

    static float[][] ReadRows(string path) => File.ReadLines(path).Skip(1)
        .Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bottleneck.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository (Bottleneck.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
