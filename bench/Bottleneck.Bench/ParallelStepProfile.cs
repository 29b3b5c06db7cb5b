using System.Diagnostics;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>
/// Where a data-parallel step's time goes, worker by worker: the trainer's own step (DataParallelStep) runs batches of
/// 256 with Adam's fused update, and each worker reports when it begins and ends each phase ("gradients": its slice's
/// forward and backward pass; "update": adding up and updating its share of the parameters). Per phase and worker:
/// CPU time on the worker's thread, wall time, how long after worker 0 it started (waking up), and how long it then
/// waited for the slowest worker (the barrier). What remains of a step's wall time on the calling thread is the serial
/// part (batch indices, the loss's bookkeeping, the gen-0 collection). The process's minor page faults and system
/// CPU time per step say how much of the CPU goes to the kernel handing out fresh pages.
///
///   dotnet run --project bench/Bottleneck.Bench -c Release -- profile-parallel [deep,deep-bn] [steps] [workers] [keep|glibc]
///
/// The last argument: keep (the default) raises glibc's mmap and trim thresholds as the Trainer does; glibc leaves
/// glibc's adaptive ones, to show what that costs.
/// </summary>
static class ParallelStepProfile
{
    static readonly string[] Phases = ["gradients", "update"];

    public static JsonObject Measure(string preset, int steps, int workers, bool keepFreedMemory, int batch = 256)
    {
        set_num_threads(1);
        // As the command line's process does (Kernels/NativeHeap.cs), unless asked to leave glibc's adaptive thresholds alone.
        bool kept = keepFreedMemory && Bottleneck.Kernels.NativeHeap.KeepFreedMemory();
        using var mnist = DataSource.Load("mnist");
        var spec = Presets.Get(preset).WithInputShape(mnist.Train.SampleShape);
        random.manual_seed(1);
        using var model = ModelFactory.Create(spec);
        model.train();
        using var optimizer = Optimizers.Create(OptimizerKind.Adam, model.parameters(), 1e-3);
        var fused = FusedAdam.For(optimizer);
        var options = new TrainingOptions();
        using var step = new DataParallelStep(model, workers);
        step.StartEpoch(k => 1 + k);
        // [worker, phase, begin/end] → (wall timestamp, thread CPU seconds) of the current step
        var wall = new long[workers, Phases.Length, 2];
        var cpu = new double[workers, Phases.Length, 2];
        step.Phase = (k, phase, begin) =>
        {
            int p = Array.IndexOf(Phases, phase), e = begin ? 0 : 1;
            cpu[k, p, e] = ThreadClock.Seconds();
            wall[k, p, e] = Stopwatch.GetTimestamp();
        };
        var sums = new Dictionary<string, double>();
        void Add(string key, double seconds) => sums[key] = sums.GetValueOrDefault(key) + seconds;
        using var order = randperm(mnist.Train.Count);
        double ticks = Stopwatch.Frequency;
        (long Faults, double System, double User) kernelBefore = default;
        var threadsBefore = new Dictionary<string, double>();
        long stepsWall = 0;
        double mainCpu = 0;
        for (int s = -10; s < steps; s++)   // ten steps of warm-up, not counted
        {
            if (s == 0) (kernelBefore, threadsBefore) = (ProcessCounters(), ThreadCpu());
            long start = Stopwatch.GetTimestamp();
            double startCpu = ThreadClock.Seconds();
            using (NewDisposeScope())
            {
                var indices = order.narrow(0, (long)(s + 10) * batch % (mnist.Train.Count - batch), batch);
                step.Run(mnist.Train, indices, options, optimizer, fused);
            }
            ScalarCollection.AfterStep(s + 11);
            long end = Stopwatch.GetTimestamp();
            if (s < 0) continue;
            stepsWall += end - start;
            mainCpu += ThreadClock.Seconds() - startCpu;
            double inRounds = 0;
            for (int p = 0; p < Phases.Length; p++)
            {
                long last = Enumerable.Range(0, workers).Max(k => wall[k, p, 1]);
                inRounds += (last - wall[0, p, 0]) / ticks;
                for (int k = 0; k < workers; k++)
                {
                    Add($"{k}.{Phases[p]}.cpu", cpu[k, p, 1] - cpu[k, p, 0]);
                    Add($"{k}.{Phases[p]}.wall", (wall[k, p, 1] - wall[k, p, 0]) / ticks);
                    Add($"{k}.{Phases[p]}.wake", (wall[k, p, 0] - wall[0, p, 0]) / ticks);
                    Add($"{k}.{Phases[p]}.barrier", (last - wall[k, p, 1]) / ticks);
                }
            }
            Add("serial", (end - start) / ticks - inRounds);
        }
        var kernelAfter = ProcessCounters();
        var threadsAfter = ThreadCpu();
        double Ms(double seconds) => Math.Round(1e3 * seconds / steps, 3);
        var result = new JsonObject
        {
            ["model"] = preset, ["batch"] = batch, ["steps"] = steps, ["workers"] = workers,
            ["load_average"] = File.ReadAllText("/proc/loadavg").Split(' ')[0],
            ["glibc_thresholds_raised"] = kept,
            ["step_wall_ms"] = Ms(stepsWall / ticks),
            ["worker_0_thread_cpu_ms"] = Ms(mainCpu),
            ["serial_wall_ms"] = Ms(sums["serial"]),
            ["process_minor_faults_per_step"] = Math.Round((kernelAfter.Faults - kernelBefore.Faults) / (double)steps, 1),
            ["process_user_cpu_ms_per_step"] = Ms(kernelAfter.User - kernelBefore.User),
            ["process_system_cpu_ms_per_step"] = Ms(kernelAfter.System - kernelBefore.System),
        };
        var perWorker = new JsonArray();
        for (int k = 0; k < workers; k++)
        {
            var row = new JsonObject { ["worker"] = k };
            foreach (var phase in Phases)
                row[phase] = new JsonObject
                {
                    ["cpu_ms"] = Ms(sums[$"{k}.{phase}.cpu"]),
                    ["wall_ms"] = Ms(sums[$"{k}.{phase}.wall"]),
                    ["wake_ms"] = Ms(sums[$"{k}.{phase}.wake"]),
                    ["barrier_ms"] = Ms(sums[$"{k}.{phase}.barrier"]),
                };
            perWorker.Add(row);
        }
        result["per_worker"] = perWorker;
        // Every thread of the process that used CPU during the measured steps (the workers, and the runtime's own:
        // the finalizer, which frees what was not disposed, the garbage collector, the JIT), by name.
        var threads = new JsonObject();
        foreach (var (name, seconds) in threadsAfter.OrderByDescending(t => t.Value - threadsBefore.GetValueOrDefault(t.Key)))
            if (seconds - threadsBefore.GetValueOrDefault(name) > 0) threads[name] = Ms(seconds - threadsBefore.GetValueOrDefault(name));
        result["thread_cpu_ms_per_step"] = threads;
        return result;
    }

    // CPU seconds (user + system) of each thread of the process so far, by name and id (/proc/self/task/*/stat; 10 ms ticks).
    internal static Dictionary<string, double> ThreadCpu()
    {
        var threads = new Dictionary<string, double>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                var text = File.ReadAllText(Path.Combine(task, "stat"));
                int open = text.IndexOf('('), close = text.LastIndexOf(')');
                var fields = text[(close + 2)..].Split(' ');
                threads[$"{text[(open + 1)..close]} ({Path.GetFileName(task)})"] = (long.Parse(fields[14 - 3]) + long.Parse(fields[15 - 3])) / 100.0;
            }
            catch (IOException) { }   // the thread ended meanwhile
        }
        return threads;
    }

    // Minor page faults and user and system CPU seconds of the whole process so far (/proc/self/stat: fields 10, 14, 15).
    static (long Faults, double System, double User) ProcessCounters()
    {
        var text = File.ReadAllText("/proc/self/stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');   // fields from the 3rd on
        double tick = 100.0;   // USER_HZ on Linux
        return (long.Parse(fields[10 - 3]), long.Parse(fields[15 - 3]) / tick, long.Parse(fields[14 - 3]) / tick);
    }
}
