using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>Ctrl-C (SIGINT) stops training after the current batch, saves what was trained, exits 130, and the run resumes.</summary>
public class InterruptTests
{
    [Fact]
    public void Sigint_saves_the_model_and_resume_finishes_the_run()
    {
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.Path, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Bottleneck.Cli.dll"), "train", "--data", "mnist", "--model", "basic",
                     "--epochs", "1000", "--no-early-stopping", "--limit", "20000", "--out", "run" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        // Wait for the first finished epoch, so a resume point exists, then interrupt as Ctrl-C would. An epoch takes a
        // tenth of a second, so the run is long enough (1,000 epochs) that the signal lands before it ends on a busy machine.
        string? line;
        while ((line = process.StandardError.ReadLine()) is not null && !line.StartsWith("epoch 2/1000")) { }
        Assert.NotNull(line);
        Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
        var rest = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}, expected 130 (interrupted): {rest}");
        Assert.Contains("stopping after this batch", rest);

        var metrics = JsonNode.Parse(File.ReadAllText(folder["run/metrics.json"]))!;
        Assert.Equal("interrupted", (string)metrics["stop_reason"]!);
        var current = File.ReadAllText(folder["run/resume/current"]);
        int completed = (int)JsonNode.Parse(File.ReadAllText(folder[$"run/resume/{current}/state.json"]))!["epochs_completed"]!;
        Assert.InRange(completed, 2, 999);

        var resumed = CliRunner.Run(folder.Path, "train", "--resume", "run", "--epochs", $"{completed + 1}");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains($"epoch {completed + 1}/{completed + 1}", resumed.Stderr);
        var after = JsonNode.Parse(File.ReadAllText(folder["run/metrics.json"]))!;
        Assert.Equal(completed + 1, (int)after["epochs_run"]!);
        Assert.Equal(completed + 2, File.ReadAllLines(folder["run/history.csv"]).Length);   // header + every epoch, old and new
    }
}
