using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Training;
using Bottleneck.Bench;
using TorchSharp;
using static TorchSharp.torch;

// The benchmark (not a test): for each model, training samples/s through the toolkit's Trainer and through a bare
// TorchSharp loop in the same process (so the toolkit's overhead is a ratio), inference rows/s, peak resident memory,
// and achieved GFLOP/s against this machine's measured matrix-multiply peak. Each model runs in its own child process
// so its peak memory is its own. Then, unless skipped, two more experiments:
//   memory under a long run: resident memory after every epoch of --memory-epochs epochs of `deep` (it must not grow);
//   behaviour under load: `deep`'s training speed with 1 and 2 workers, idle and beside a CPU-bound process.
//
//   dotnet run --project bench/Bottleneck.Bench -c Release -- [--models basic,deep,deep-bn,conv,conv-transpose,vae]
//       [--epochs 2] [--threads 1] [--memory-epochs 20] [--load-test true] [--out bench/results.json]
//   dotnet run --project bench/Bottleneck.Bench -c Release -- serve-load [--requests 100000] [--seconds 60]
//   dotnet run --project bench/Bottleneck.Bench -c Release -- scoring [--out bench/results-scoring.json]
//   dotnet run --project bench/Bottleneck.Bench -c Release -- score-speed [--out bench/results-score-speed.json]
//   dotnet run --project bench/Bottleneck.Bench -c Release -- compare [--models basic,deep,deep-bn,vae,conv] [--out bench/results-parallel.json]
//   dotnet run --project bench/Bottleneck.Bench -c Release -- profile [deep,conv] [steps]

// `compare`: Bottleneck at 1 and 2 workers against PyTorch at 1 and 2 threads, idle and beside a busy process (ParallelComparison.cs).
if (args.Length > 0 && args[0] == "compare") return ParallelComparison.Run(args[1..]);
// `serve-load`: the HTTP load test of bottleneck serve (ServeLoadTest.cs), on its own.
// `profile`: where one training step's time goes, phase by phase and convolution by convolution (StepProfile.cs).
if (args.Length > 0 && args[0] == "profile")
{
    foreach (var preset in (args.Length > 1 ? args[1] : "deep").Split(','))
        Console.WriteLine(StepProfile.Measure(preset, args.Length > 2 ? int.Parse(args[2]) : 100).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}
if (args.Length > 0 && args[0] == "serve-load") return ServeLoadTest.Run(args[1..]);
// `scoring`: TorchSharp against ONNX Runtime scoring, side by side (ScoringComparison.cs).
if (args.Length > 0 && args[0] == "scoring") return ScoringComparison.Run(args[1..]);
// `score-speed`: scoring against encoding for the same model through every door (ScoringSpeed.cs).
if (args.Length > 0 && args[0] == "score-speed") return ScoringSpeed.Run(args[1..]);
// `evaluate-profile`: where evaluate's time goes, phase by phase (EvaluateProfile.cs).
if (args.Length > 0 && args[0] == "evaluate-profile") return EvaluateProfile.Run(args[1..]);

var arguments = Arguments.Parse(args);
switch (arguments.Child)
{
    case "measure":
        Console.WriteLine(Measure(arguments.Models[0], arguments).ToJsonString());
        return 0;
    case "memory":
        Console.WriteLine(MeasureMemory(arguments.Models[0], arguments.MemoryEpochs, arguments.Threads).ToJsonString());
        return 0;
    case "speed":
        Console.WriteLine(MeasureSpeed(arguments.Models[0], arguments.Threads).ToJsonString());
        return 0;
    case "toolkit-speed":
        Console.WriteLine(ParallelComparison.MeasureToolkit(arguments.Models[0], arguments.Threads, arguments.Images).ToJsonString());
        return 0;
    case "bare-speed":
        Console.WriteLine(ParallelComparison.MeasureBare(arguments.Models[0], arguments.Images).ToJsonString());
        return 0;
    case "spin":
        // The competing CPU-bound process: one thread that never sleeps, until the benchmark kills it.
        for (double x = 0; ; x = Math.Sqrt(x + 1)) { }
}

var results = new JsonArray();
foreach (var model in arguments.Models)
{
    var result = Child(["--child", "measure", "--models", model, "--epochs", arguments.Epochs.ToString(), "--threads", arguments.Threads.ToString()]);
    results.Add(result);
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{model}: toolkit {(double)result["toolkit_samples_per_second"]!:N0} samples/s, bare loop {(double)result["bare_samples_per_second"]!:N0} (ratio {(double)result["ratio"]!:F2}), peak {(double)result["peak_rss_mb"]!:N0} MB"));
}

var table = new System.Text.StringBuilder();
table.AppendLine("| model | params | toolkit samples/s | bare loop samples/s | ratio | s/epoch | encode rows/s | score rows/s | evaluate rows/s | peak RSS MB | GFLOP/s | % of matmul peak |");
table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var r in results)
    table.AppendLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r!["model"]} | {(long)r["params"]!:N0} | {(double)r["toolkit_samples_per_second"]!:N0} | {(double)r["bare_samples_per_second"]!:N0} | " +
        $"{(double)r["ratio"]!:F2} | {(double)r["seconds_per_epoch"]!:F2} | {(double)r["encode_rows_per_second"]!:N0} | {(double)r["score_rows_per_second"]!:N0} | {(double)r["evaluate_rows_per_second"]!:N0} | " +
        $"{(double)r["peak_rss_mb"]!:N0} | {(double)r["gflops"]!:F1} | {(double)r["percent_of_peak"]!:F1} |"));
Console.WriteLine(table.ToString());
var document = new JsonObject
{
    ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["threads"] = arguments.Threads },
    ["epochs"] = arguments.Epochs,
    ["results"] = results,
};
if (arguments.MemoryEpochs > 0)
{
    var memory = Child(["--child", "memory", "--models", "deep", "--memory-epochs", arguments.MemoryEpochs.ToString(), "--threads", arguments.Threads.ToString()]);
    document["memory"] = memory;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"deep, {arguments.MemoryEpochs} epochs: resident {(double)memory["rss_epoch_2_mb"]!:N0} MB after epoch 2, " +
        $"{(double)memory["rss_last_epoch_mb"]!:N0} MB after epoch {arguments.MemoryEpochs} ({(double)memory["growth_percent"]!:+0.0;-0.0} %), peak {(double)memory["peak_rss_mb"]!:N0} MB"));
}
if (arguments.LoadTest)
{
    var load = new JsonArray();
    foreach (var threads in new[] { 1, 2 })
    {
        var idle = (double)Child(["--child", "speed", "--models", "deep", "--threads", threads.ToString()])["samples_per_second"]!;
        double busy;
        using (var spinner = Process.Start(new ProcessStartInfo("dotnet", [typeof(Arguments).Assembly.Location, "--child", "spin"]) { UseShellExecute = false })!)
        {
            try { busy = (double)Child(["--child", "speed", "--models", "deep", "--threads", threads.ToString()])["samples_per_second"]!; }
            finally { spinner.Kill(); }
        }
        load.Add(new JsonObject { ["threads"] = threads, ["idle_samples_per_second"] = Math.Round(idle), ["loaded_samples_per_second"] = Math.Round(busy), ["loaded_over_idle"] = Math.Round(busy / idle, 3) });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deep, {threads} thread(s): {idle:N0} samples/s idle, {busy:N0} beside a busy process ({busy / idle:F2} of idle)"));
    }
    document["under_load"] = load;
}
if (arguments.Out is string path)
{
    Bottleneck.IO.AtomicFile.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"wrote {path}");
}
return 0;

// Runs this benchmark again as a child process with the given arguments and returns the JSON line it prints last.
static JsonNode Child(string[] childArguments)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    start.ArgumentList.Add(typeof(Arguments).Assembly.Location);
    foreach (var a in childArguments) start.ArgumentList.Add(a);
    using var child = Process.Start(start)!;
    var output = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    if (child.ExitCode != 0) throw new InvalidOperationException($"the measurement {string.Join(' ', childArguments)} failed (exit {child.ExitCode})");
    return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
}

static JsonObject MeasureMemory(string preset, int epochs, int workers)
{
    set_num_threads(1);
    using var mnist = DataSource.Load("mnist");
    var (resident, peak, speed) = MemoryOverEpochs.Measure(preset, mnist.Train, epochs, workers);
    double second = resident[Math.Min(1, resident.Count - 1)], last = resident[^1];
    return new JsonObject
    {
        ["model"] = preset,
        ["epochs"] = epochs,
        ["workers"] = workers,
        ["rss_by_epoch_mb"] = new JsonArray(resident.Select(r => (JsonNode)Math.Round(r, 1)).ToArray()),
        ["rss_epoch_2_mb"] = Math.Round(second, 1),
        ["rss_last_epoch_mb"] = Math.Round(last, 1),
        ["growth_percent"] = Math.Round(100 * (last - second) / second, 2),
        ["peak_rss_mb"] = Math.Round(peak, 1),
        ["samples_per_second"] = Math.Round(speed, 1),
    };
}

// 10,000 samples through the toolkit on a throw-away model, so what is measured next pays no first-call costs.
static void WarmUp(ModelSpec spec, Dataset train)
{
    random.manual_seed(1);
    using var warm = ModelFactory.Create(spec);
    using var warmData = train.Slice(0, 10_000);
    new Trainer().Fit(warm, warmData, null, new TrainingOptions { Epochs = 1, Seed = 1 });
}

// Training speed through the toolkit for one epoch of 60,000 images after a 10,000-image warm-up, with `threads`
// workers (--threads: each batch split across that many cores, one libtorch thread each).
static JsonObject MeasureSpeed(string preset, int threads)
{
    set_num_threads(1);
    using var mnist = DataSource.Load("mnist");
    var spec = Presets.Get(preset).WithInputShape(mnist.Train.SampleShape);
    WarmUp(spec, mnist.Train);
    using var model = ModelFactory.Create(spec);
    var speed = new Trainer().Fit(model, mnist.Train, null, new TrainingOptions { Epochs = 1, Seed = 1, Workers = threads }).SamplesPerSecond;
    return new JsonObject { ["model"] = preset, ["threads"] = threads, ["samples_per_second"] = Math.Round(speed, 1) };
}

static JsonObject Measure(string preset, Arguments arguments)
{
    set_num_threads(arguments.Threads);
    var loadClock = Stopwatch.StartNew();
    using var mnist = DataSource.Load("mnist");
    var loadSeconds = loadClock.Elapsed.TotalSeconds;
    var spec = Presets.Get(preset).WithInputShape(mnist.Train.SampleShape);
    var peak = MachinePeak.MatmulGflops();

    // Warm-up, so neither contender pays for first-call costs.
    WarmUp(spec, mnist.Train);

    // Toolkit and bare loop run twice each and the better of each counts: a process speeds up over its first minutes
    // (the allocator's heap grows to the working set, the JIT recompiles hot code), so order matters.
    var raw = IdxFile.Read(Path.Combine(AppContext.BaseDirectory, "data", "mnist", "train-images-idx3-ubyte.gz"));
    using var storage = tensor(raw.Bytes!, [raw.Count, raw.SampleLength]);
    double toolkit = 0, bare = 0, toolkitPeak = 0;
    random.manual_seed(1);
    using var model = ModelFactory.Create(spec);
    // Round 0 runs the toolkit first, round 1 the bare loop first, so neither always gets the warmer process.
    for (int round = 0; round < 2; round++)
    {
        for (int turn = 0; turn < 2; turn++)
        {
            random.manual_seed(1);
            if ((turn == 0) == (round == 0))
            {
                using var toolkitModel = ModelFactory.Create(spec);
                toolkit = Math.Max(toolkit, new Trainer().Fit(toolkitModel, mnist.Train, null, new TrainingOptions { Epochs = arguments.Epochs, Seed = 1 }).SamplesPerSecond);
                // The toolkit's own peak: loading, warm-up and its first run, before any bare loop has run in this process.
                if (round == 0) toolkitPeak = ResidentMemory.PeakMegabytes();
                if (round == 1) model.load_state_dict(toolkitModel.state_dict());
            }
            else
            {
                using var bareModel = ModelFactory.Create(spec);
                // The bare loop keeps PyTorch's default layout, as a plain training loop would; its convolutions are still
                // checked against float64 (a speed figure for a wrong kernel would mean nothing), preferring that layout.
                ChannelsLast.Undo(bareModel);
                bare = Math.Max(bare, BareLoop.SamplesPerSecond(bareModel, storage, arguments.Epochs, 256, 1));
            }
        }
    }

    // Inference over the 10,000 test images, 1,000 a batch: codes (encode), each image's mean squared reconstruction
    // error (anomaly score's scores) and evaluate's figures (BCE, MSE, MAE, per-image MSE), taking turns three times;
    // the best pass of each counts (a single pass measured the process's first-call costs as much as the work).
    double encode = 0, score = 0, evaluate = 0;
    for (int pass = 0; pass < 3; pass++)
    {
        encode = Math.Max(encode, RowsPerSecond(() => Codes.Encode(model, mnist.Test!)));
        score = Math.Max(score, RowsPerSecond(() => AnomalyDetector.ScoresOf(model, null, mnist.Test!)));
        evaluate = Math.Max(evaluate, RowsPerSecond(() => ReconstructionMetrics.Evaluate(model, mnist.Test!)));
    }
    double RowsPerSecond(Action pass)
    {
        var clock = Stopwatch.StartNew();
        pass();
        return mnist.Test!.Count / clock.Elapsed.TotalSeconds;
    }
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
        ["evaluate_rows_per_second"] = Math.Round(evaluate, 1),
        ["peak_rss_mb"] = Math.Round(toolkitPeak, 1),
        ["process_peak_rss_mb"] = Math.Round(peakRss, 1),
        ["rss_after_mb"] = Math.Round(rssAfter, 1),
        ["load_mnist_seconds"] = Math.Round(loadSeconds, 3),
        ["training_flops_per_sample"] = flopsPerSample,
        ["gflops"] = Math.Round(gflops, 2),
        ["matmul_peak_gflops"] = Math.Round(peak, 1),
        ["percent_of_peak"] = Math.Round(100 * gflops / peak, 1),
        // What the float64 checks of the convolutions cost this process (once per shape; zero for dense models).
        ["kernel_checks"] = KernelGuard.Cost.Checks,
        ["kernel_check_ms"] = Math.Round(KernelGuard.Cost.Time.TotalMilliseconds, 1),
    };
}

/// <summary>The benchmark's options.</summary>
sealed record Arguments(string[] Models, int Epochs, int Threads, int MemoryEpochs, bool LoadTest, string? Out, string? Child, int Images = 60_000)
{
    public static Arguments Parse(string[] args)
    {
        string[] models = ["basic", "deep", "deep-bn", "conv", "conv-transpose", "vae"];
        int epochs = 2, threads = 1, memoryEpochs = 20, images = 60_000;
        bool loadTest = true;
        string? output = null, child = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--models": models = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--memory-epochs": memoryEpochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--load-test": loadTest = bool.Parse(Next()); break;
                case "--out": output = Next(); break;
                case "--child": child = Next(); break;
                case "--images": images = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]} (expected --models, --epochs, --threads, --memory-epochs, --load-test, --out)");
            }
        }
        return new Arguments(models, epochs, threads, memoryEpochs, loadTest, output, child, images);
    }
}
