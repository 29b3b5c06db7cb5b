using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Persistence;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// A training run killed (SIGKILL) between any two of its writes resumes with `train --resume` and ends exactly where
/// the uninterrupted run ends: same weights, same history, same metrics, and no temporary files left behind.
/// </summary>
public class CrashSafetyTests
{
    static readonly string[] Train = ["train", "--data", "data.npy", "--model", "spec.json", "--epochs", "3", "--batch-size", "32",
        "--seed", "5", "--out", "run"];

    static TempFolder Prepare()
    {
        var folder = new TempFolder();
        using var data = TestData.LowRank(count: 160, size: 16);
        NpyFile.Write(folder["data.npy"], NumericArray.FromFloats([160, 16], data.Batch(0, 160).data<float>().ToArray()));
        File.WriteAllText(folder["spec.json"], """{ "name": "tiny", "encoder": [8], "bottleneck": 3, "dropout": 0.1 }""");
        return folder;
    }

    /// <summary>What must come out the same: the weights' bytes, history without timings, metrics without timings.</summary>
    static (byte[] Weights, string[] History, string Metrics) Outputs(string run)
    {
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")))!.AsObject();
        metrics.Remove("train_seconds");
        metrics.Remove("samples_per_second");
        // history.csv's fifth column (epoch, loss, val_loss, lr, seconds) is the epoch's duration.
        var history = File.ReadAllLines(Path.Combine(run, "history.csv")).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 4))).ToArray();
        return (File.ReadAllBytes(Path.Combine(run, ModelFolder.WeightsFile)), history, metrics.ToJsonString());
    }

    [Fact]
    public void A_run_killed_between_any_two_writes_resumes_to_the_uninterrupted_result()
    {
        using var straight = Prepare();
        var uninterrupted = CliRunner.Run(straight.Path, Train);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Stderr);
        var expected = Outputs(straight["run"]);
        Assert.Equal(File.ReadAllBytes(straight["run/checkpoint/weights.safetensors"]), File.ReadAllBytes(straight["run/weights.safetensors"]));

        int kills = 0;
        for (int write = 1; ; write++)
        {
            using var folder = Prepare();
            var killed = CliRunner.Run(folder.Path, new Dictionary<string, string> { [AtomicFile.KillAtWriteVariable] = $"{write}" }, Train);
            if (killed.ExitCode == 0) break;   // the run makes fewer writes than this: every point has been tried
            Assert.True(killed.ExitCode == 137, $"write {write}: exit code {killed.ExitCode}, expected 137 (SIGKILL): {killed.Stderr}");
            kills++;
            Assert.NotEmpty(folder.TemporaryFiles());   // the write the kill caught

            var resumed = CliRunner.Run(folder.Path, "train", "--resume", "run");
            if (write == 1)
            {
                // Killed before its first write (the recipe) the run saved nothing to go on from: it says so, and starts again.
                CliRunner.AssertBadInput(resumed, "holds no resume state");
                resumed = CliRunner.Run(folder.Path, Train);
            }
            Assert.True(resumed.ExitCode == 0, $"killed at write {write}, resume failed: {resumed.Stderr}");
            var actual = Outputs(folder["run"]);
            Assert.True(expected.Weights.SequenceEqual(actual.Weights), $"killed at write {write}: the weights differ from the uninterrupted run's");
            Assert.Equal(expected.History, actual.History);
            Assert.Equal(expected.Metrics, actual.Metrics);
            Assert.Equal(File.ReadAllBytes(straight["run/checkpoint/weights.safetensors"]), File.ReadAllBytes(folder["run/checkpoint/weights.safetensors"]));
            Assert.Empty(folder.TemporaryFiles());
            Assert.Single(Directory.GetDirectories(folder["run/resume"], "epoch-*"));
        }
        // Every write was a kill point: the recipe, 3 epochs of (checkpoint 2 when improved, resume point 7: model 2, best 2,
        // optimizer, state, pointer) and the final 6 (model 2, history.csv, two figures, metrics.json): 34 when each epoch improves.
        Assert.InRange(kills, 28, 34);
    }
}
