using System.Text.Json.Nodes;
using Xunit;

namespace Bottleneck.Tests.Cli;

public class InfoTests
{
    [Theory]
    [InlineData("basic", 50_992, 50_992)]
    [InlineData("deep", 222_384, 222_384)]
    [InlineData("deep-bn", 1_148_464, 1_144_880)]
    [InlineData("viz2d", 469_010, 469_010)]
    public void Info_json_gives_exact_parameter_counts_without_training(string preset, long total, long trainable)
    {
        using var folder = new TestData.TempFolder();
        var result = CliRunner.Run(folder.Path, "info", "--model", preset, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(total, (long)json["params"]!);
        Assert.Equal(trainable, (long)json["trainable_params"]!);
        Assert.True(json["layers"]!.AsArray().Count > 2);
    }

    [Fact]
    public void Info_table_names_the_bottleneck()
    {
        using var folder = new TestData.TempFolder();
        var result = CliRunner.Run(folder.Path, "info", "--model", "deep");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("bottleneck", result.Stdout);
        Assert.Contains("Total params: 222,384", result.Stdout);
    }
}
