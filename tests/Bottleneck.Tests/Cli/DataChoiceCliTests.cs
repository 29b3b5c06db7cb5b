using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>What the user named is what is used: --split, data locations and --model names are never quietly swapped.</summary>
public class DataChoiceCliTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>An IDX folder of 8 training images (4×4) and labels, and no test files.</summary>
    string TrainOnlyIdxFolder()
    {
        var data = Directory.CreateDirectory(folder["idx"]).FullName;
        var pixels = Enumerable.Range(0, 8 * 16).Select(i => (byte)(i * 37 % 256)).ToArray();
        File.WriteAllBytes(Path.Combine(data, "train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 8, 0, 0, 0, 4, 0, 0, 0, 4, .. pixels]);
        File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 8, 0, 1, 2, 3, 0, 1, 2, 3]);
        return data;
    }

    [Fact]
    public void Split_test_on_a_folder_without_test_files_is_refused()
    {
        TrainOnlyIdxFolder();
        // PCA makes a model folder without training.
        var pca = CliRunner.Run(folder.Path, "pca", "--data", "idx", "--components", "2", "--out", "pca");
        Assert.True(pca.ExitCode == 0, pca.Stderr);

        var asked = CliRunner.Run(folder.Path, "evaluate", "--model", "pca", "--data", "idx", "--split", "test", "--json");
        CliRunner.AssertBadInput(asked, "--split test: idx has no test part");
        Assert.Equal("", asked.Stdout);

        // Left out, --split still falls back to the training part, as the help says.
        var implied = CliRunner.Run(folder.Path, "evaluate", "--model", "pca", "--data", "idx", "--json");
        Assert.True(implied.ExitCode == 0, implied.Stderr);
    }

    [Fact]
    public void An_mnist_variable_naming_no_folder_is_refused_not_replaced_by_the_shipped_copy()
    {
        var result = CliRunner.Run(folder.Path, new Dictionary<string, string> { ["BOTTLENECK_MNIST"] = "/nonexistent" },
            "train", "--data", "mnist", "--model", "basic", "--out", "out");

        CliRunner.AssertBadInput(result, "$BOTTLENECK_MNIST: /nonexistent: no such folder, expected a folder with mnist's IDX files");
        Assert.False(Directory.Exists(folder["out"]));
    }

    [Fact]
    public void A_fashion_mnist_folder_without_the_files_is_refused_even_where_another_copy_exists()
    {
        Directory.CreateDirectory(folder["empty"]);
        // The variable names a real copy (a train-only IDX folder): the option still wins, and fails.
        var result = CliRunner.Run(folder.Path, new Dictionary<string, string> { ["BOTTLENECK_FASHION_MNIST"] = TrainOnlyIdxFolder() },
            "train", "--data", "fashion-mnist", "--fashion-mnist", "empty", "--model", "basic", "--out", "out");

        CliRunner.AssertBadInput(result, "--fashion-mnist: empty does not hold fashion-mnist's IDX files");
        Assert.False(Directory.Exists(folder["out"]));
    }

    [Fact]
    public void A_folder_named_like_a_preset_does_not_shadow_the_preset()
    {
        // ./basic holds a broken model.json; before, --model basic read it instead of building the preset.
        Directory.CreateDirectory(folder["basic"]);
        File.WriteAllText(folder["basic/model.json"], "not json");

        var preset = CliRunner.Run(folder.Path, "info", "--model", "basic", "--json");
        Assert.True(preset.ExitCode == 0, preset.Stderr);
        Assert.Contains("\"basic\"", preset.Stdout);

        // A path with a separator is the folder.
        CliRunner.AssertBadInput(CliRunner.Run(folder.Path, "info", "--model", "./basic", "--json"), "model.json");
    }
}
