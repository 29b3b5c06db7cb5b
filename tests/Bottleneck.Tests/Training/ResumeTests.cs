using Bottleneck.Data;
using Bottleneck.Export;
using Bottleneck.Models;
using Bottleneck.Training;
using Xunit;

namespace Bottleneck.Tests.Training;

/// <summary>A run stopped after some epochs and resumed from its folder ends exactly where the uninterrupted run ends.</summary>
public class ResumeTests
{
    static readonly ModelSpec Spec = new() { Name = "small", InputShape = [64], Encoder = [32], Bottleneck = 8, Dropout = 0.1 };

    static TrainingJobResult Run(string output, int epochs, bool resume)
    {
        using var data = TestData.LowRank();
        var (fit, validation) = data.SplitLast(0.25);
        using (fit) using (validation)
            return new TrainingJob
            {
                Spec = Spec, Train = fit, Validation = validation, DataName = "low-rank", OutputDirectory = output, Resume = resume,
                Options = new TrainingOptions { Epochs = epochs, BatchSize = 32, Seed = 9, EarlyStopping = new EarlyStopping(3),
                    ReduceLr = new ReduceLrOnPlateau(0.5, 1) },
            }.Run();
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
    public void A_resume_folder_caught_mid_write_is_refused()
    {
        using var folder = new TempFolder();
        Run(folder["run"], 2, resume: false).Model.Dispose();
        File.AppendAllText(Path.Combine(folder["run"], TrainingJob.ResumeFolder, ResumeState.OptimizerFile), "x");
        var e = Assert.Throws<BadInputException>(() => Run(folder["run"], 4, resume: true));
        Assert.Contains("does not match state.json", e.Message);
    }
}
