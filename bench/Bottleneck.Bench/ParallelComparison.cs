using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>
/// Bottleneck against PyTorch, one and two cores, idle and beside a busy process, in ONE run, so that the ratios come
/// from the same minutes of the same machine. For each model: the toolkit's Trainer with 1 and 2 workers
/// (--threads), TorchSharp's bare loop (BareLoop.cs) on 1 thread, and PyTorch's loop (bench/pytorch/reference_loop.py,
/// Debian's python3-torch) with 1 and 2 threads; then the same beside a process that keeps one core busy. Every
/// figure is a child process that warms up on 10,000 images (fewer for the conv models) until a pass leaves the JIT
/// nearly nothing to compile, and then trains one epoch; the best of --repeats runs counts. Besides samples/s, each
/// child reports CPU-µs per sample, which a busy machine inflates far less than wall time. The load average
/// (/proc/loadavg) is recorded before and after.
///
///   dotnet run --project bench/Bottleneck.Bench -c Release -- compare [--models basic,deep,deep-bn,vae,conv]
///       [--images 60000] [--conv-images 10000] [--busy true] [--repeats 1] [--out bench/results-parallel.json]
///
/// PyTorch from Debian uses whatever libblas.so.3 the system provides; the reference BLAS makes its matrix products
/// 30 times slower than OpenBLAS, so the script runs with OpenBLAS (Debian's libopenblas0-openmp, whose threads follow
/// torch.set_num_threads) when that is installed, and the JSON says which it used.
/// </summary>
static class ParallelComparison
{
    const string OpenBlas = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

    sealed record Options(string[] Models, int Images, int ConvImages, bool Busy, int Repeats, string? Out);

    public static int Run(string[] args)
    {
        var options = Parse(args);
        var root = FindRoot();
        var document = new JsonObject
        {
            ["machine"] = new JsonObject { ["cores"] = Environment.ProcessorCount, ["cpu"] = Cpu() },
            ["load_average_before"] = LoadAverage(),
            ["pytorch_blas"] = Directory.Exists(OpenBlas) ? "OpenBLAS (libopenblas0-openmp)" : "the system's libblas.so.3",
            ["matmul_peak_gflops_1_thread"] = Math.Round(PeakOnOneThread(), 1),
        };
        var results = new JsonArray();
        foreach (var model in options.Models)
        {
            int images = model.StartsWith("conv") ? options.ConvImages : options.Images;
            var runs = new JsonObject();
            foreach (var busy in options.Busy ? new[] { false, true } : [false])
            {
                var condition = new JsonObject();
                using (busy ? Spinner.Start() : null)
                {
                    condition["toolkit_1"] = Best(options.Repeats, () => Toolkit(model, 1, images));
                    condition["toolkit_2"] = Best(options.Repeats, () => Toolkit(model, 2, images));
                    condition["bare_loop_1"] = Best(options.Repeats, () => Bare(model, images));
                    condition["pytorch_1"] = Best(options.Repeats, () => PyTorch(root, model, 1, images));
                    condition["pytorch_2"] = Best(options.Repeats, () => PyTorch(root, model, 2, images));
                }
                runs[busy ? "busy" : "idle"] = condition;
                Console.Error.WriteLine($"{model} {(busy ? "busy" : "idle")}: {condition.ToJsonString()}");
            }
            results.Add(Summarise(model, images, runs, (double)document["matmul_peak_gflops_1_thread"]!));
        }
        document["load_average_after"] = LoadAverage();
        document["results"] = results;
        var table = Table(results);
        document["table"] = table;
        Console.WriteLine(table);
        if (options.Out is string path)
        {
            Bottleneck.IO.AtomicFile.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {path}");
        }
        return 0;
    }

    /// <summary>The toolkit's child: one epoch of <paramref name="images"/> images through the Trainer with <paramref name="workers"/> workers.</summary>
    public static JsonObject MeasureToolkit(string preset, int workers, int images)
    {
        set_num_threads(1);
        // As the command line's process does (src/Bottleneck.Cli/Program.cs).
        Bottleneck.Kernels.NativeHeap.KeepFreedMemory();
        using var mnist = DataSource.Load("mnist");
        using var train = mnist.Train.Slice(0, Math.Min(images, mnist.Train.Count));
        var spec = Presets.Get(preset).WithInputShape(mnist.Train.SampleShape);
        int passes;
        using (var warmData = train.Slice(0, Math.Min(10_000, train.Count / 2)))
        {
            random.manual_seed(1);
            using var warm = ModelFactory.Create(spec);
            // .NET's JIT recompiles hot methods with full optimisation in the background during the first few hundred
            // steps (about 200 ms on deep), which PyTorch's loop does not pay: warm up until a pass compiles (almost) nothing.
            passes = WarmUntilCompiled(() => new Trainer().Fit(warm, warmData, null, new TrainingOptions { Epochs = 1, Seed = 1, Workers = workers }));
        }
        random.manual_seed(1);
        using var model = ModelFactory.Create(spec);
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        long methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = new Trainer().Fit(model, train, null, new TrainingOptions { Epochs = 1, Seed = 1, Workers = workers });
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new JsonObject
        {
            ["samples_per_second"] = Math.Round(result.SamplesPerSecond, 1),
            ["cpu_us_per_sample"] = Math.Round(1e6 * cpu.TotalSeconds / train.Count, 2),
            ["jit_ms"] = Math.Round((System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalMilliseconds, 0),
            ["jit_methods"] = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore,
            ["warm_up_passes"] = passes,
            ["workers"] = result.Workers,
        };
    }

    // Runs `pass` at least 6 times, then until one compiles fewer than 10 methods, at most 12 times; returns how many
    // it ran. With tiered compilation and dynamic PGO a method goes through up to three compilations, and a pass can be
    // quiet only because the runtime is waiting to count calls: measured on deep, 10,000 images a pass, passes
    // compiled 564, 100, 357, 364, 90, 172, 11, 12, 52 and 21 methods, and three passes left about 650 compilations
    // (200-550 ms) inside the measured epoch.
    static int WarmUntilCompiled(Action pass)
    {
        for (int i = 1; ; i++)
        {
            long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            pass();
            if ((i >= 6 && System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < 10) || i == 12) return i;
        }
    }

    /// <summary>The bare loop's child: one epoch on one thread after a warm-up, TorchSharp without the toolkit.</summary>
    public static JsonObject MeasureBare(string preset, int images)
    {
        set_num_threads(1);
        var raw = IdxFile.Read(Path.Combine(AppContext.BaseDirectory, "data", "mnist", "train-images-idx3-ubyte.gz"));
        using var storage = tensor(raw.Bytes!, [raw.Count, raw.SampleLength]);
        using var subset = storage.narrow(0, 0, Math.Min(images, raw.Count));
        var spec = Presets.Get(preset).WithInputShape([28, 28]);
        random.manual_seed(1);
        using (var warm = ModelFactory.Create(spec))
        using (var warmData = subset.narrow(0, 0, Math.Min(10_000, subset.shape[0] / 2)))
        {
            ChannelsLast.Undo(warm);
            WarmUntilCompiled(() => BareLoop.SamplesPerSecond(warm, warmData, 1, 256, 1));
        }
        using var model = ModelFactory.Create(spec);
        ChannelsLast.Undo(model);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        double speed = BareLoop.SamplesPerSecond(model, subset, 1, 256, 1);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return new JsonObject
        {
            ["samples_per_second"] = Math.Round(speed, 1),
            ["cpu_us_per_sample"] = Math.Round(1e6 * cpu.TotalSeconds / subset.shape[0], 2),
        };
    }

    static JsonObject Toolkit(string model, int workers, int images) =>
        Child(["--child", "toolkit-speed", "--models", model, "--threads", workers.ToString(), "--images", images.ToString()]);

    static JsonObject Bare(string model, int images) =>
        Child(["--child", "bare-speed", "--models", model, "--images", images.ToString()]);

    static JsonObject PyTorch(string root, string model, int threads, int images)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(root, "bench", "pytorch", "reference_loop.py"), "--model", model, "--threads", threads.ToString(),
                     "--images", images.ToString(), "--warmup", Math.Min(10_000, images / 2).ToString(), "--root", root })
            start.ArgumentList.Add(a);
        if (Directory.Exists(OpenBlas)) start.Environment["LD_LIBRARY_PATH"] = OpenBlas;
        return Run(start);
    }

    static JsonObject Child(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(ParallelComparison).Assembly.Location);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        return Run(start);
    }

    static JsonObject Run(ProcessStartInfo start)
    {
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed (exit {child.ExitCode})");
        return JsonNode.Parse(output.Trim().Split('\n')[^1])!.AsObject();
    }

    static JsonObject Best(int repeats, Func<JsonObject> measure) =>
        Enumerable.Range(0, repeats).Select(_ => measure()).MaxBy(r => (double)r["samples_per_second"]!)!;

    static JsonObject Summarise(string model, int images, JsonObject runs, double peak)
    {
        double Speed(string condition, string run) => (double)runs[condition]![run]!["samples_per_second"]!;
        double flops = FlopsPerSample(model);
        var idle = runs["idle"]!;
        double toolkitBest = Math.Max(Speed("idle", "toolkit_1"), Speed("idle", "toolkit_2"));
        double pytorchBest = Math.Max(Speed("idle", "pytorch_1"), Speed("idle", "pytorch_2"));
        var ratios = new JsonObject
        {
            ["toolkit_2_over_1"] = Math.Round(Speed("idle", "toolkit_2") / Speed("idle", "toolkit_1"), 3),
            ["pytorch_2_over_1"] = Math.Round(Speed("idle", "pytorch_2") / Speed("idle", "pytorch_1"), 3),
            ["toolkit_best_over_pytorch_best"] = Math.Round(toolkitBest / pytorchBest, 3),
            ["toolkit_1_over_bare_loop_1"] = Math.Round(Speed("idle", "toolkit_1") / Speed("idle", "bare_loop_1"), 3),
        };
        if (runs["busy"] is not null)
            foreach (var run in new[] { "toolkit_1", "toolkit_2", "pytorch_1", "pytorch_2" })
                ratios[$"{run}_busy_over_idle"] = Math.Round(Speed("busy", run) / Speed("idle", run), 3);
        return new JsonObject
        {
            ["model"] = model,
            ["images"] = images,
            ["training_flops_per_sample"] = flops,
            ["toolkit_1_gflops"] = Math.Round(flops * Speed("idle", "toolkit_1") / 1e9, 2),
            ["toolkit_2_gflops"] = Math.Round(flops * Speed("idle", "toolkit_2") / 1e9, 2),
            ["toolkit_1_percent_of_1_thread_peak"] = Math.Round(100 * flops * Speed("idle", "toolkit_1") / 1e9 / peak, 1),
            ["runs"] = runs,
            ["ratios"] = ratios,
        };
    }

    static string Table(JsonArray results)
    {
        var table = new StringBuilder();
        table.AppendLine("| model | condition | Bottleneck 1 worker | Bottleneck 2 workers | bare loop 1 thread | PyTorch 1 thread | PyTorch 2 threads | 2 over 1 (Bottleneck) | Bottleneck best ÷ PyTorch best |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            foreach (var (condition, runs) in r!["runs"]!.AsObject())
            {
                double S(string run) => (double)runs![run]!["samples_per_second"]!;
                table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r["model"]} | {condition} | {S("toolkit_1"):N0} | {S("toolkit_2"):N0} | {S("bare_loop_1"):N0} | {S("pytorch_1"):N0} | {S("pytorch_2"):N0} | " +
                    $"{S("toolkit_2") / S("toolkit_1"):F2} | {Math.Max(S("toolkit_1"), S("toolkit_2")) / Math.Max(S("pytorch_1"), S("pytorch_2")):F2} |"));
            }
        return table.ToString();
    }

    static double FlopsPerSample(string preset)
    {
        random.manual_seed(1);
        using var model = ModelFactory.Create(Presets.Get(preset).WithInputShape([28, 28]));
        return TrainingFlops.PerSample(model);
    }

    static double PeakOnOneThread()
    {
        int previous = get_num_threads();
        set_num_threads(1);
        try { return MachinePeak.MatmulGflops(); }
        finally { set_num_threads(previous); }
    }

    static JsonArray LoadAverage() =>
        new(File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => (JsonNode)double.Parse(v, CultureInfo.InvariantCulture)).ToArray());

    static string Cpu() => File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown";

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "bench", "pytorch", "reference_loop.py"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (bench/pytorch/reference_loop.py) above " + AppContext.BaseDirectory);
    }

    static Options Parse(string[] args)
    {
        string[] models = ["basic", "deep", "deep-bn", "vae", "conv"];
        int images = 60_000, convImages = 10_000, repeats = 1;
        bool busy = true;
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--models": models = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--images": images = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--conv-images": convImages = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--busy": busy = bool.Parse(Next()); break;
                case "--repeats": repeats = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--out": output = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]} (expected --models, --images, --conv-images, --busy, --repeats, --out)");
            }
        }
        return new Options(models, images, convImages, busy, repeats, output);
    }

    /// <summary>A process of this benchmark that keeps one core busy (the `spin` child) until disposed.</summary>
    sealed class Spinner : IDisposable
    {
        readonly Process process;
        Spinner(Process process) => this.process = process;

        public static Spinner Start() =>
            new(Process.Start(new ProcessStartInfo("dotnet", [typeof(ParallelComparison).Assembly.Location, "--child", "spin"]) { UseShellExecute = false })!);

        public void Dispose()
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
    }
}
