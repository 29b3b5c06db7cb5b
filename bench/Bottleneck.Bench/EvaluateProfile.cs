using System.Globalization;
using System.Runtime.InteropServices;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>
/// Where `bottleneck evaluate`'s time goes, batch by batch, on one thread, in the thread's CPU time: filling the batch
/// (bytes → x / 255), the encoder, the decoder; the metrics as ReconstructionMetrics computed them before (BCE from the
/// logits in ten libtorch passes, the sigmoid, then x̂ − x, |·|, a sum, its square, a sum, the per-sample mean and the
/// targets' range) and as it computes them now (e^−|z| and its log1p in libtorch, everything else in one pass of
/// <see cref="ReconstructionSums.AddLogits"/>), on the same outputs, with their sums side by side; and the model
/// family's own figures (a one-layer encoder's Jacobian norm). For a model with a sigmoid output.
///
///   dotnet run --project bench/Bottleneck.Bench -c Release -- evaluate-profile --model FOLDER [--data mnist] [--batch 1000] [--repeats 3]
/// </summary>
static class EvaluateProfile
{
    public static int Run(string[] args)
    {
        string? folder = null, source = "mnist";
        int batchSize = 1000, repeats = 3;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--model": folder = Next(); break;
                case "--data": source = Next(); break;
                case "--batch": batchSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]} (expected --model, --data, --batch, --repeats)");
            }
        }
        if (folder is null) throw new ArgumentException("--model FOLDER is needed");
        set_num_threads(1);
        using var trained = TrainedModel.Load(folder);
        using var loaded = DataSource.Load(source);
        using var data = trained.Prepare(loaded.Test ?? loaded.Train);
        var model = trained.Model;
        model.eval();
        bool logits = model.Output.Kind == ActivationKind.Sigmoid;
        int width = checked((int)data.SampleSize);
        string[] phases = ["fill batch", "encode", "decode", "before: BCE from logits (libtorch)", "before: output activation (libtorch)",
            "before: rest as libtorch ops", "now: all metrics (e^−|z| and log1p in libtorch, one pass)", "family figures"];
        var seconds = new double[phases.Length];
        double torchSquared = 0, torchBce = 0, fusedSquared = 0, fusedBce = 0;
        Console.WriteLine($"{model.Spec.Name} on {data.Name}: {data.Count:N0} samples of {width}, batches of {batchSize}, {repeats} repeats (load average {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))})");
        if (!logits) throw new ArgumentException("evaluate-profile measures a model with a sigmoid output (BCE from logits)");
        for (int r = 0; r < repeats; r++)
        {
            using var noGrad = no_grad();
            using var targets = empty([Math.Min(batchSize, data.Count), .. data.SampleShape], ScalarType.Float32);
            using var scratch = empty([Math.Min(batchSize, data.Count), width], ScalarType.Float32);
            var sums = new ReconstructionSums();
            double softplus = 0;
            var perSample = new float[data.Count];
            foreach (var (start, count) in Batches.Of(data.Count, batchSize))
            {
                using var scope = NewDisposeScope();
                var t = new double[8];
                t[0] = ThreadClock.Seconds();
                var batch = targets.narrow(0, 0, count);
                data.CopyBatch(start, count, batch);
                var clean = batch.reshape(count, -1);
                t[1] = ThreadClock.Seconds();
                var code = model.Encode(clean);
                t[2] = ThreadClock.Seconds();
                var pre = model.DecodePreActivation(code).reshape(count, -1).contiguous();
                t[3] = ThreadClock.Seconds();
                // What ReconstructionMetrics did before, on a copy (it works in place); the copy is not counted.
                var copy = pre.clone();
                double copied = ThreadClock.Seconds();
                torchBce += ReconstructionLoss.BceFromLogitsSum(copy, clean, scratch.narrow(0, 0, count));
                double b = ThreadClock.Seconds();
                var error = model.Output.ApplyInPlace(copy);
                double a = ThreadClock.Seconds();
                var (low, high) = clean.aminmax();
                _ = low.item<float>() >= 0 && high.item<float>() <= 1;
                error = error.sub_(clean).abs_();
                _ = error.sum().to_type(ScalarType.Float64).item<double>();
                var squared = error.mul_(error);
                torchSquared += squared.sum().to_type(ScalarType.Float64).item<double>();
                MemoryMarshal.Cast<byte, float>(squared.mean([1]).bytes).CopyTo(perSample.AsSpan(start, count));
                double before = ThreadClock.Seconds();
                // What it does now.
                var e = scratch.narrow(0, 0, count);
                ReconstructionSums.NegativeAbsolute(MemoryMarshal.Cast<byte, float>(pre.bytes), MemoryMarshal.Cast<byte, float>(e.bytes));
                e.exp_();
                sums.AddLogits(MemoryMarshal.Cast<byte, float>(pre.bytes), MemoryMarshal.Cast<byte, float>(e.bytes), MemoryMarshal.Cast<byte, float>(clean.bytes), count, width, perSample.AsSpan(start, count));
                softplus += e.log1p_().sum().to_type(ScalarType.Float64).item<double>();
                double now = ThreadClock.Seconds();
                seconds[0] += t[1] - t[0];
                seconds[1] += t[2] - t[1];
                seconds[2] += t[3] - t[2];
                seconds[3] += b - copied;
                seconds[4] += a - b;
                seconds[5] += before - a;
                seconds[6] += now - before;
            }
            fusedSquared += sums.Squared;
            fusedBce += sums.Linear + softplus;
            double f0 = ThreadClock.Seconds();
            model.EvaluationFigures(data);
            seconds[7] += ThreadClock.Seconds() - f0;
        }
        double rows = (double)data.Count * repeats;
        Console.WriteLine("| phase | µs a sample (CPU) | share |");
        Console.WriteLine("|---|---|---|");
        for (int p = 0; p < phases.Length; p++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {phases[p]} | {seconds[p] / rows * 1e6:F3} | {seconds[p] / seconds.Sum():P1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metrics before {(seconds[3] + seconds[4] + seconds[5]) / rows * 1e6:F3} µs a sample, now {seconds[6] / rows * 1e6:F3}; sums before / now: BCE {torchBce:R} / {fusedBce:R} (relative {Math.Abs(fusedBce / torchBce - 1):E2}), (x̂ − x)² {torchSquared:R} / {fusedSquared:R} (relative {Math.Abs(fusedSquared / torchSquared - 1):E2})"));
        return 0;
    }
}
