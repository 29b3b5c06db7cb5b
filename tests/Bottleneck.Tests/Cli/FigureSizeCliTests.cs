using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Tests.Reporting;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// Figures of many images wrap into lines at most <see cref="ImageGrid.MaxWrappedWidth"/> pixels wide, and a --count
/// larger than what is drawn is said on stderr (before, 200 images made one row 17,733 pixels wide and 100,000 were
/// silently cut to the data's size in a row 880,133 pixels wide).
/// </summary>
public class FigureSizeCliTests : IClassFixture<FigureSizeCliTests.TrainedModel>
{
    /// <summary>A 784-8 model trained briefly on 300 digits, and their codes.</summary>
    public sealed class TrainedModel : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public CliRunner.Result[] Runs { get; }

        public TrainedModel()
        {
            File.WriteAllText(Folder["tiny8.json"], """{ "name": "tiny8", "bottleneck": 8 }""");
            Runs =
            [
                CliRunner.Run(Folder.Path, "train", "--data", "mnist", "--model", "tiny8.json", "--limit", "300", "--epochs", "1", "--no-checkpoint", "--out", "tiny8"),
                CliRunner.Run(Folder.Path, "encode", "--model", "tiny8", "--data", "mnist", "--limit", "100", "--out", "codes.npy"),
            ];
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly TempFolder folder;

    public FigureSizeCliTests(TrainedModel trained)
    {
        foreach (var run in trained.Runs) Assert.True(run.ExitCode == 0, run.Stderr);
        folder = trained.Folder;
    }

    (int Width, int Height) Drawn(string png, params string[] args)
    {
        var result = CliRunner.Run(folder.Path, args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        // Nothing cut down: stderr holds at most the stage lines of commands that report progress ("restoring the images: 64…").
        Assert.All(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.EndsWith("…", line));
        using var image = RenderedImage.Load(folder[png]);
        Assert.True(image.Width <= ImageGrid.MaxWrappedWidth, $"{png} is {image.Width} pixels wide");
        return (image.Width, image.Height);
    }

    [Fact]
    public void Reconstruct_200_wraps_into_lines()
    {
        var (width, height) = Drawn("r200.png", "reconstruct", "--model", "tiny8", "--data", "mnist", "--limit", "300", "--count", "200", "--out", "r200.png");
        // 84-pixel digits with "MSE: 0.0123" captions: at least 15 a line, so no more than 14 lines of two rows each.
        Assert.True(width > 15 * 84, $"{width} pixels wide");
        Assert.InRange(height, 2 * 12 * 84, 2 * 14 * (84 + ImageGrid.CaptionBand + ImageGrid.RowGap) + 100);
    }

    [Fact]
    public void A_count_beyond_what_a_figure_holds_is_capped_and_said()
    {
        var result = CliRunner.Run(folder.Path, "reconstruct", "--model", "tiny8", "--data", "mnist", "--limit", "300", "--count", "100000", "--out", "capped.png");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("bottleneck reconstruct: --count 100,000: drawing 256 (there are 300 samples and a figure holds at most 256)", result.Stderr.Trim());
        Assert.Contains("wrote 256 originals and reconstructions", result.Stdout);
        using var image = RenderedImage.Load(folder["capped.png"]);
        Assert.True(image.Width <= ImageGrid.MaxWrappedWidth);
    }

    [Fact]
    public void A_count_beyond_the_data_is_said_too()
    {
        var result = CliRunner.Run(folder.Path, "reconstruct", "--model", "tiny8", "--data", "mnist", "--limit", "12", "--count", "20", "--out", "twelve.png");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("bottleneck reconstruct: --count 20: drawing 12 (there are 12 samples)", result.Stderr.Trim());
    }

    [Fact]
    public void Worst_and_best_64_wrap_band_by_band() =>
        Drawn(Path.Combine("worst", "worst.png"), "worst", "--model", "tiny8", "--data", "mnist", "--limit", "300", "--count", "64", "--best", "--out", "worst");

    [Fact]
    public void Decode_png_of_64_wraps() =>
        Drawn("decoded.png", "decode", "--model", "tiny8", "--codes", "codes.npy", "--out", "decoded.npy", "--png", "decoded.png", "--count", "64");

    [Fact]
    public void Denoise_64_wraps() =>
        Drawn(Path.Combine("restored", "restoration.png"), "denoise", "--model", "tiny8", "--data", "mnist", "--limit", "64", "--noise", "gaussian:0.3", "--count", "64", "--out", "restored");

    [Fact]
    public void Compare_64_wraps() =>
        Drawn("compare.png", "compare", "--model", "tiny8", "--data", "mnist", "--count", "64", "--out", "compare.png");
}
