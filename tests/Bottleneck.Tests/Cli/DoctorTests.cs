using System.Text.Json.Nodes;
using Bottleneck.Kernels;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>`bottleneck doctor` reports every convolution path against float64 and the path models use.</summary>
public class DoctorTests
{
    static JsonObject Doctor(string? faults, out string stderr)
    {
        using var folder = new TempFolder();
        var environment = new Dictionary<string, string>();
        if (faults is not null) environment[SimulatedKernelFaults.Variable] = faults;
        var result = CliRunner.Run(folder.Path, environment, "doctor", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        stderr = result.Stderr;
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    [Fact]
    public void Every_preset_convolution_is_measured_through_every_path_against_float64()
    {
        var report = Doctor(null, out _);
        var rows = report["convolutions"]!.AsArray();
        Assert.Contains(rows, r => (string)r!["op"]! == "conv_transpose2d" && (long)r["kernel"]! == 4);
        Assert.Contains(rows, r => r!["used_by"]!.AsArray().Any(u => (string)u! == "conv"));
        foreach (var row in rows)
        {
            var paths = row!["paths"]!.AsArray();
            Assert.Equal((string)row["op"]! == "conv_transpose2d" ? 4 : 3, paths.Count);
            // float64 against float64 rounds once, to float32: a relative error near 2⁻²⁴, never more than 1e-6.
            var float64 = paths.Single(p => (string)p!["path"]! == "float64")!;
            Assert.True((double)float64["output"]! < 1e-6, row.ToJsonString());
            Assert.NotNull(row["chosen"]);
        }
        // Each distinct shape was checked once by the guard, however many presets use it (the decisions are cached).
        Assert.Equal(rows.Count, (long)report["guard_checks"]!);
        Assert.True((double)report["guard_ms"]! > 0);
        Assert.True((bool)report["dense"]!["right"]!);
        Assert.NotEmpty((string)report["cpu"]!);
    }

    [Fact]
    public void A_kernel_declared_wrong_shows_as_wrong_and_models_use_the_next_path()
    {
        var report = Doctor("conv_transpose2d/channels_last/forward", out var stderr);
        foreach (var row in report["convolutions"]!.AsArray())
        {
            var channelsLast = row!["paths"]!.AsArray().Single(p => (string)p!["path"]! == "channels_last")!;
            bool transposed = (string)row["op"]! == "conv_transpose2d";
            Assert.Equal(!transposed, (bool)channelsLast["right"]!);
            Assert.Equal(transposed ? "standard" : "channels_last", (string)row["chosen"]!);
            if (transposed) Assert.InRange((double)channelsLast["output"]!, 0.3, 0.7);
        }
        Assert.Contains("warning: conv_transpose2d", stderr);
        Assert.Contains("channels_last is wrong on this CPU", stderr);
    }
}
