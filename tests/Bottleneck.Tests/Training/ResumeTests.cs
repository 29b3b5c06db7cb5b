using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Xunit;

namespace Bottleneck.Tests.Training;

/// <summary>A run stopped after some epochs and resumed from its folder ends exactly where the uninterrupted run ends.</summary>
public class ResumeTests
{
    static readonly ModelSpec Spec = new() { Name = "small", InputShape = [64], Encoder = [32], Bottleneck = 8, Dropout = 0.1 };

    static SessionResult Run(string output, int epochs, bool resume)
    {
        using var data = TestData.LowRank();
        var (fit, validation) = data.SplitLast(0.25);
        using (fit) using (validation)
            return SessionRuns.Into(output, new TrainingSession
            {
                Spec = Spec, Train = fit, Validation = validation, DataName = "low-rank",
                Options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 9, EarlyStopping = new EarlyStopping(3),
                    ReduceLr = new ReduceLrOnPlateau(0.5, 1) },
            }, resume);
    }

    [Fact]
    public void Resumed_run_matches_the_uninterrupted_run_exactly()
    {
        using var folder = new TempFolder();
        var straight = Run(folder["straight"], 5, resume: false);
        Run(folder["split"], 2, resume: false);
        var resumed = Run(folder["split"], 5, resume: true);

        Assert.Equal(straight.Training.History.Epochs.Select(e => (e.Loss, e.ValLoss, e.LearningRate)),
                     resumed.Training.History.Epochs.Select(e => (e.Loss, e.ValLoss, e.LearningRate)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder["straight"], ModelFolder.WeightsFile)),
                     File.ReadAllBytes(Path.Combine(folder["split"], ModelFolder.WeightsFile)));
        straight.Model.Dispose();
        resumed.Model.Dispose();
    }

    [Fact]
    public void A_finished_run_cannot_be_resumed_without_more_epochs()
    {
        using var folder = new TempFolder();
        Run(folder["run"], 2, resume: false).Model.Dispose();
        var e = Assert.Throws<BadInputException>(() => Run(folder["run"], 2, resume: true));
        Assert.Contains("already finished 2 of 2 epochs", e.Message);
    }

    [Fact]
    public void An_altered_resume_folder_is_refused()
    {
        using var folder = new TempFolder();
        Run(folder["run"], 2, resume: false).Model.Dispose();
        var resume = Path.Combine(folder["run"], ResumeState.Folder);
        File.AppendAllText(Path.Combine(resume, File.ReadAllText(Path.Combine(resume, ResumeState.PointerFile)), ResumeState.OptimizerFile), "x");
        var e = Assert.Throws<BadInputException>(() => Run(folder["run"], 4, resume: true));
        Assert.Contains("does not match state.json", e.Message);
    }

    [Fact]
    public void An_early_stopped_run_killed_before_its_outputs_resumes_without_another_epoch()
    {
        // min_delta 10: no epoch after the first counts as an improvement, so patience 1 stops the run after epoch 2.
        SessionResult Stopping(string output, bool resume)
        {
            using var data = TestData.LowRank();
            var (fit, validation) = data.SplitLast(0.25);
            using (fit) using (validation)
                return SessionRuns.Into(output, new TrainingSession
                {
                    Spec = Spec, Train = fit, Validation = validation, DataName = "low-rank",
                    Options = new TrainingOptions { Epochs = 10, BatchSize = 32, Seed = 9, EarlyStopping = new EarlyStopping(1, minDelta: 10) },
                }, resume);
        }
        using var folder = new TempFolder();
        using var straight = Stopping(folder["straight"], resume: false).Model;
        Stopping(folder["killed"], resume: false).Model.Dispose();
        // As a kill during the final writes leaves it: the resume point holds every epoch, metrics.json is not written yet.
        File.Delete(Path.Combine(folder["killed"], "metrics.json"));

        var resumed = Stopping(folder["killed"], resume: true);
        resumed.Model.Dispose();
        Assert.Equal(StopReason.EarlyStopped, resumed.Training.StopReason);
        Assert.Equal(2, resumed.Training.EpochsRun);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder["straight"], ModelFolder.WeightsFile)),
                     File.ReadAllBytes(Path.Combine(folder["killed"], ModelFolder.WeightsFile)));
        Assert.True(File.Exists(Path.Combine(folder["killed"], "metrics.json")));
    }

    [Fact]
    public void A_diverged_epoch_and_a_run_without_validation_survive_the_resume_state()
    {
        using var folder = new TempFolder();
        using var model = ModelFactory.Create(Spec);
        using var optimizer = Optimizers.Create(OptimizerKind.Adam, model.parameters(), 1e-3);
        var manifest = new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["training"] = new System.Text.Json.Nodes.JsonObject { ["epochs_run"] = 2 } };
        EpochRecord[] epochs =
        [
            new(1, 0.5, 0.25, 1e-3, 1.5) { Parts = new Dictionary<string, double> { ["kl"] = 0.125 } },
            new(2, double.NaN, double.NaN, 1e-3, 1.5) { Parts = new Dictionary<string, double> { ["kl"] = double.PositiveInfinity } },
        ];
        ResumeState.Save(folder.Path, model, optimizer, null, epochs, manifest, null);
        var (loaded, resume) = ResumeState.Load(folder.Path, folder["checkpoint"]);
        loaded.Dispose();
        // JSON has no NaN: state.json stores null, and null reads back as NaN (a NaN loss, not a missing one).
        Assert.Equal([(0.5, (double?)0.25, 0.125), (double.NaN, double.NaN, double.NaN)], resume.Epochs.Select(e => (e.Loss, e.ValLoss, e.Parts["kl"])));

        EpochRecord[] unvalidated = [new(1, 0.5, null, 1e-3, 1.5)];
        manifest["training"] = new System.Text.Json.Nodes.JsonObject { ["epochs_run"] = 1 };
        ResumeState.Save(folder.Path, model, optimizer, null, unvalidated, manifest, null);
        (loaded, resume) = ResumeState.Load(folder.Path, folder["checkpoint"]);
        loaded.Dispose();
        Assert.Null(Assert.Single(resume.Epochs).ValLoss);
        Assert.Single(Directory.GetDirectories(folder.Path, "epoch-*"));   // epoch-0002 went once epoch-0001 became current
    }
}
