using Bottleneck.IO;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>Two runs never write one output folder at once: the second is refused before it writes anything.</summary>
public class OutputLockTests
{
    [Fact]
    public void A_folder_locked_by_another_run_is_refused_and_released_on_dispose()
    {
        using var folder = new TempFolder();
        using (OutputLock.Acquire(folder.Path))
        {
            var e = Assert.Throws<BadInputException>(() => OutputLock.Acquire(folder.Path));
            Assert.Contains("another run is writing to this folder", e.Message);
        }
        OutputLock.Acquire(folder.Path).Dispose();   // free again once the holder is done
    }

    [Fact]
    public void Train_into_a_folder_another_run_holds_exits_2_without_writing()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder["run"]);
        using var held = OutputLock.Acquire(folder["run"]);
        var result = CliRunner.Run(folder.Path, "train", "--data", "mnist", "--model", "basic", "--epochs", "1", "--limit", "100", "--out", "run");
        CliRunner.AssertBadInput(result, "run: another run is writing to this folder");
        Assert.Equal([Path.Combine(folder["run"], OutputLock.FileName)], Directory.GetFileSystemEntries(folder["run"]));
    }

    [Theory]
    [InlineData("pca", "--data", "mnist", "--limit", "100", "--components", "2", "--out", "run")]
    [InlineData("denoise", "--model", "model", "--data", "mnist", "--limit", "5", "--out", "run")]
    public void Pca_and_denoise_into_a_folder_another_run_holds_exit_2_without_writing(params string[] args)
    {
        using var folder = new TempFolder();
        using (var model = Bottleneck.Models.ModelFactory.Create(new Bottleneck.Models.ModelSpec { Name = "tiny", InputShape = [28, 28], Encoder = [], Bottleneck = 2 }))
            Bottleneck.Persistence.ModelFolder.Save(model, folder["model"]);
        Directory.CreateDirectory(folder["run"]);
        using var held = OutputLock.Acquire(folder["run"]);
        CliRunner.AssertBadInput(CliRunner.Run(folder.Path, args), "run: another run is writing to this folder");
        Assert.Equal([Path.Combine(folder["run"], OutputLock.FileName)], Directory.GetFileSystemEntries(folder["run"]));
    }
}
