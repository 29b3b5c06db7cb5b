using Bottleneck.Cli;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>What a new user meets first: the program's name in the help, a mistyped command, a bare `bottleneck`.</summary>
public class CommandLineTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Usage_lines_name_the_command_users_type()
    {
        var result = CliRunner.Run(folder.Path, "train", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  bottleneck train [options]", result.Stdout);
        Assert.DoesNotContain("Bottleneck.Cli", result.Stdout);
    }

    [Fact]
    public void A_mistyped_command_is_called_unknown_and_the_nearest_is_suggested()
    {
        var result = CliRunner.Run(folder.Path, "traim", "--data", "mnist");
        CliRunner.AssertBadInput(result, "bottleneck: unknown command 'traim'; did you mean 'train'?");
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void A_mistyped_subcommand_of_a_group_is_called_unknown_too()
    {
        var result = CliRunner.Run(folder.Path, "anomaly", "fitt");
        CliRunner.AssertBadInput(result, "bottleneck anomaly: unknown command 'fitt'; did you mean 'fit'?");
    }

    [Fact]
    public void A_word_far_from_every_command_gets_no_suggestion()
    {
        var result = CliRunner.Run(folder.Path, "xyzzy");
        CliRunner.AssertBadInput(result, "bottleneck: unknown command 'xyzzy' (see 'bottleneck --help')");
    }

    [Fact]
    public void Bare_bottleneck_prints_the_help_and_exits_0()
    {
        var result = CliRunner.Run(folder.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Contains("  bottleneck [command] [options]", result.Stdout);
        Assert.Contains("train", result.Stdout);
    }

    [Theory]
    [InlineData("traim", "train", 1)]
    [InlineData("trian", "train", 1)]      // two neighbours swapped: one edit, not two
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]    // the textbook example: k→s, e→i, +g
    [InlineData("denoise", "denoise", 0)]
    public void Edit_distance_counts_single_character_edits_and_swaps(string a, string b, int expected) =>
        Assert.Equal(expected, NearestCommand.EditDistance(a, b));

    [Theory]
    [InlineData("Trian", "train")]
    [InlineData("decod", "decode")]
    [InlineData("sampel", "sample")]
    [InlineData("zzz", null)]
    public void Nearest_command_is_within_a_third_of_the_typed_length(string typed, string? expected) =>
        Assert.Equal(expected, NearestCommand.To(typed, ["train", "decode", "decompress", "sample", "sweep"]));
}
