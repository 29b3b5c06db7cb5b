using System.CommandLine;
using System.Text.Json;
using Bottleneck.Applications.Inspection;
using Bottleneck.Kernels;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck doctor`: this machine's CPU, libtorch and threads, and every convolution path checked against float64.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var json = SharedOptions.Json();
        var command = new Command("doctor", """
            Check this machine's float32 kernels against float64: every convolution the presets use (and common 4×4 and
            5×5 transposed kernels), through every path (channels_last, standard, zero_stuffed, float64), and a dense
            matrix product. Prints the CPU, libtorch version and threads, then one row per convolution with each path's
            largest relative error and the path a model uses. Paste the output into a bug report.

            Example:
              bottleneck doctor
              bottleneck doctor --json > doctor.json
            """) { json };
        CommandAction.Set(command, "doctor", parsed =>
        {
            var check = MachineCheck.Run();
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(ToJson(check)));
                return CommandRunner.Success;
            }
            Console.WriteLine($"CPU        {check.Cpu} ({check.Cores} cores)");
            Console.WriteLine($"flags      {string.Join(" ", check.CpuFlags)}");
            Console.WriteLine($"libtorch   {check.LibTorch} (TorchSharp {check.TorchSharp}), {check.Threads} intra-op thread{(check.Threads == 1 ? "" : "s")}");
            if (check.SimulatedFaults.Count > 0)
                Console.WriteLine($"simulated  kernels declared wrong by {SimulatedKernelFaults.Variable}: {string.Join(", ", check.SimulatedFaults)}");
            Console.WriteLine($"tolerance  largest |float32 − float64| ÷ largest |float64| ≤ {KernelError.Tolerance:0e+0} for the output, input gradient and weight gradient");
            // Plain aligned rows (no table wrapping): a bug report is read in a terminal, a log or an issue tracker.
            Console.WriteLine("each path's cell is the largest of its three errors; * marks the path models use, WRONG one over the tolerance");
            string[] paths = ["channels_last", "standard", "zero_stuffed", "float64"];
            var lines = new List<string[]> { new[] { "op", "shape (in→out, kernel, stride, padding, input)" }.Concat(paths).Append("used by").ToArray() };
            foreach (var row in check.Convolutions)
            {
                var s = row.Shape;
                var shape = $"{s.InChannels}→{s.OutChannels} k{s.Kernel} s{s.Stride} p{s.Padding.Rows}{(s.Padding.Columns != s.Padding.Rows ? $"×{s.Padding.Columns}" : "")}" +
                    $"{(s.OutputPadding > 0 ? $" op{s.OutputPadding}" : "")} {s.Height}×{s.Width}";
                var cells = paths.Select(name => row.Paths.FirstOrDefault(p => p.Path.Name() == name) is { } p
                    ? $"{Error(p.Max)}{(p.IsRight ? "" : " WRONG")}{(row.Chosen == p.Path ? "*" : "")}" : "-");
                lines.Add(new[] { s.Op, shape }.Concat(cells).Append(string.Join(", ", row.UsedBy)).ToArray());
            }
            var widths = Enumerable.Range(0, lines[0].Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
            foreach (var line in lines)
                Console.WriteLine(string.Join("  ", line.Select((cell, i) => i == line.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
            Console.WriteLine($"guard      the checks models run before first use: {check.GuardChecks} shapes in {check.GuardTime.TotalMilliseconds:N0} ms " +
                $"({(check.GuardChecks == 0 ? 0 : check.GuardTime.TotalMilliseconds / check.GuardChecks):N1} ms each, once per process)");
            var d = check.Dense;
            Console.WriteLine($"dense      linear {d.Batch}×{d.Inputs} → {d.Outputs}: output {Error(d.Forward)}, input grad {Error(d.InputGradient)}, weight grad {Error(d.WeightGradient)}: {(d.IsRight ? "right" : "WRONG")}");
            int wrong = check.Convolutions.Count(r => r.Chosen is null || r.Paths.Any(p => p.Path == r.Chosen && !p.IsRight));
            int fallbacks = check.Convolutions.Count(r => !r.Paths[0].IsRight);
            Console.WriteLine(wrong > 0 ? $"verdict    {wrong} convolution shape(s) have no right path on this CPU: conv models that use them are refused"
                : fallbacks > 0 ? $"verdict    {fallbacks} convolution shape(s) have a wrong fast kernel on this CPU; models use a checked path instead (right, maybe slower)"
                : "verdict    every kernel checked is right on this CPU");
            return CommandRunner.Success;
        });
        return command;
    }

    static string Error(double e) => double.IsPositiveInfinity(e) ? "NaN/∞" : e.ToString("0.0e+0");

    static object ToJson(MachineCheck c) => new
    {
        cpu = c.Cpu, cpu_flags = c.CpuFlags, cores = c.Cores, libtorch = c.LibTorch, torchsharp = c.TorchSharp, threads = c.Threads,
        tolerance = KernelError.Tolerance, simulated_wrong_kernels = c.SimulatedFaults,
        guard_checks = c.GuardChecks, guard_ms = Math.Round(c.GuardTime.TotalMilliseconds, 1),
        convolutions = c.Convolutions.Select(r => new
        {
            op = r.Shape.Op, in_channels = r.Shape.InChannels, out_channels = r.Shape.OutChannels, kernel = r.Shape.Kernel, stride = r.Shape.Stride,
            padding = new[] { r.Shape.Padding.Rows, r.Shape.Padding.Columns }, output_padding = r.Shape.OutputPadding,
            input = new[] { r.Shape.Height, r.Shape.Width }, chosen = r.Chosen?.Name(), used_by = r.UsedBy,
            paths = r.Paths.Select(p => new
            {
                path = p.Path.Name(), output = Finite(p.Forward), input_grad = Finite(p.InputGradient), weight_grad = Finite(p.WeightGradient), right = p.IsRight,
            }),
        }),
        dense = new { batch = c.Dense.Batch, inputs = c.Dense.Inputs, outputs = c.Dense.Outputs, output = Finite(c.Dense.Forward),
            input_grad = Finite(c.Dense.InputGradient), weight_grad = Finite(c.Dense.WeightGradient), right = c.Dense.IsRight },
    };

    // JSON has no NaN or ∞: a non-finite error is written as null (and is "right": false beside it).
    static double? Finite(double e) => double.IsFinite(e) ? e : null;
}
