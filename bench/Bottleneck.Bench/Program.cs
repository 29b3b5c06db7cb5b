using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Training;
using Bottleneck.Bench;
using TorchSharp;
using static TorchSharp.torch;

// The benchmark (not a test): for each model, training samples/s through the toolkit's Trainer and through a bare
// TorchSharp loop in the same process (so the toolkit's overhead is a ratio), inference rows/s, peak resident memory,
// and achieved GFLOP/s against this machine's measured matrix-multiply peak. Each model runs in its own child process
// so its peak memory is its own.
//
//   dotnet run --project bench/Bottleneck.Bench -c Release -- [--models basic,deep,deep-bn] [--epochs 2] [--threads 1] [--out bench/results.json]

AllocatorTuning.Apply();   // measure what users of the `bottleneck` command get
var arguments = Arguments.Parse(args);
if (arguments.Child is string childModel)
{
    Console.WriteLine(Measure(childModel, arguments).ToJsonString());
    return 0;
}

var results = new JsonArray();
foreach (var model in arguments.Models)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    start.ArgumentList.Add(typeof(Arguments).Assembly.Location);
    foreach (var a in new[] { "--child", model, "--epochs", arguments.Epochs.ToString(), "--threads", arguments.Threads.ToString() })
        start.ArgumentList.Add(a);
    using var child = Process.Start(start)!;
    var output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (child.ExitCode != 0) { Console.Error.WriteLine($"{model}: the measurement failed (exit {child.ExitCode})"); return 1; }
    var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    results.Add(result);
    Console.Error.WriteLine($"{model}: done");
}

var table = new System.Text.StringBuilder();
table.AppendLine("| model | params | toolkit samples/s | bare loop samples/s | ratio | s/epoch | encode rows/s | score rows/s | peak RSS MB | GFLOP/s | % of matmul peak |");
table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var r in results)
    table.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r!["model"]} | {(long)r["params"]!:N0} | {(double)r["toolkit_samples_per_second"]!:N0} | {(double)r["bare_samples_per_second"]!:N0} | " +
        $"{(double)r["ratio"]!:F2} | {(double)r["seconds_per_epoch"]!:F2} | {(double)r["encode_rows_per_second"]!:N0} | {(double)r["score_rows_per_second"]!:N0} | " +
        $"{(double)r["peak_rss_mb"]!:N0} | {(double)r["gflops"]!:F1} | {(double)r["percent_of_peak"]!:F1} |"));
Console.WriteLine(table.ToString());
var document = new JsonObject
{
    ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["threads"] = arguments.Threads },
    ["epochs"] = arguments.Epochs,
    ["results"] = results,
};
if (arguments.Out is string path)
{
    Bottleneck.IO.AtomicFile.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"wrote {path}");
}
return 0;

static JsonObject Measure(string preset, Arguments arguments)
{
    set_num_threads(arguments.Threads);
    var loadClock = Stopwatch.StartNew();
    using var mnist = DataSource.Load("mnist");
    var loadSeconds = loadClock.Elapsed.TotalSeconds;
    var spec = Presets.Get(preset).WithInputShape(mnist.Train.SampleShape);
    var peak = MachinePeak.MatmulGflops();

    // Warm-up: one epoch through the toolkit on a throw-away model, so neither contender pays for first-call costs.
    random.manual_seed(1);
    using (var warm = ModelFactory.Create(spec))
        new Trainer().Fit(warm, mnist.Train, null, new TrainingOptions { Epochs = 1, Seed = 1 });

    // Toolkit and bare loop alternate twice and the better of each counts: the allocator warms up over a process's
    // first minutes, and whichever ran first would otherwise look slower.
    var raw = IdxFile.Read(Path.Combine(AppContext.BaseDirectory, "data", "mnist", "train-images-idx3-ubyte.gz"));
    using var storage = tensor(raw.Bytes!, [raw.Count, raw.SampleLength]);
    double toolkit = 0, bare = 0;
    random.manual_seed(1);
    using var model = ModelFactory.Create(spec);
    for (int round = 0; round < 2; round++)
    {
        random.manual_seed(1);
        using var toolkitModel = ModelFactory.Create(spec);
        toolkit = Math.Max(toolkit, new Trainer().Fit(toolkitModel, mnist.Train, null, new TrainingOptions { Epochs = arguments.Epochs, Seed = 1 }).SamplesPerSecond);
        if (round == 1) model.load_state_dict(toolkitModel.state_dict());
        random.manual_seed(1);
        using var bareModel = ModelFactory.Create(spec);
        bare = Math.Max(bare, BareLoop.SamplesPerSecond(bareModel, storage, arguments.Epochs, 256, 1));
    }

    var encodeClock = Stopwatch.StartNew();
    Codes.Encode(model, mnist.Test!);
    double encode = mnist.Test!.Count / encodeClock.Elapsed.TotalSeconds;
    var scoreClock = Stopwatch.StartNew();
    ReconstructionMetrics.Evaluate(model, mnist.Test!);
    double score = mnist.Test!.Count / scoreClock.Elapsed.TotalSeconds;
    double peakRss = ResidentMemory.PeakMegabytes(), rssAfter = ResidentMemory.CurrentMegabytes();

    long parameters = model.TrainableParameterCount + model.NonTrainableParameterCount;
    double flopsPerSample = TrainingFlops.PerSample(model);
    double gflops = flopsPerSample * toolkit / 1e9;
    return new JsonObject
    {
        ["model"] = preset,
        ["params"] = parameters,
        ["toolkit_samples_per_second"] = Math.Round(toolkit, 1),
        ["bare_samples_per_second"] = Math.Round(bare, 1),
        ["ratio"] = Math.Round(toolkit / bare, 3),
        ["seconds_per_epoch"] = Math.Round(mnist.Train.Count / toolkit, 3),
        ["encode_rows_per_second"] = Math.Round(encode, 1),
        ["score_rows_per_second"] = Math.Round(score, 1),
        ["peak_rss_mb"] = Math.Round(peakRss, 1),
        ["rss_after_mb"] = Math.Round(rssAfter, 1),
        ["load_mnist_seconds"] = Math.Round(loadSeconds, 3),
        ["training_flops_per_sample"] = flopsPerSample,
        ["gflops"] = Math.Round(gflops, 2),
        ["matmul_peak_gflops"] = Math.Round(peak, 1),
        ["percent_of_peak"] = Math.Round(100 * gflops / peak, 1),
    };
}

/// <summary>The benchmark's options.</summary>
sealed record Arguments(string[] Models, int Epochs, int Threads, string? Out, string? Child)
{
    public static Arguments Parse(string[] args)
    {
        string[] models = ["basic", "deep", "deep-bn"];
        int epochs = 2, threads = 1;
        string? output = null, child = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--models": models = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": output = Next(); break;
                case "--child": child = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]} (expected --models, --epochs, --threads, --out)");
            }
        }
        return new Arguments(models, epochs, threads, output, child);
    }
}
