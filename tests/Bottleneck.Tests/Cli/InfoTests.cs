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
        using var folder = new TempFolder();
        var result = CliRunner.Run(folder.Path, "info", "--model", preset, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(total, (long)json["params"]!);
        Assert.Equal(trainable, (long)json["trainable_params"]!);
        Assert.True(json["layers"]!.AsArray().Count > 2);
    }

    [Fact]
    public void Info_table_params_column_sums_to_the_total()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run(folder.Path, "info", "--model", "deep-bn");
        Assert.True(result.ExitCode == 0, result.Stderr);
        // Each layer row ends in its two counts, "params" and "of which non-trainable".
        var counts = result.Stdout.Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^  (input|output|(en|de)coder\.\d+).*\s([\d,]+)\s+([\d,]+)\s*$"))
            .Where(m => m.Success)
            .Select(m => (All: long.Parse(m.Groups[3].Value.Replace(",", "")), Frozen: long.Parse(m.Groups[4].Value.Replace(",", ""))))
            .ToArray();
        Assert.Equal(29, counts.Length);
        Assert.Equal(1_148_464, counts.Sum(c => c.All));   // was 1,144,880: the moving statistics were left out
        Assert.Equal(3_584, counts.Sum(c => c.Frozen));
        Assert.Contains("Total params: 1,148,464", result.Stdout);
    }

    [Fact]
    public void Info_table_names_the_bottleneck()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run(folder.Path, "info", "--model", "deep");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("bottleneck", result.Stdout);
        Assert.Contains("Total params: 222,384", result.Stdout);
    }

    [Theory]
    [InlineData("conv", 28_353, new long[] { 32, 7, 7 }, true)]          // §10.3: a 1,568-value code for 784 pixels
    [InlineData("conv-transpose", 74_497, new long[] { 64, 7, 7 }, true)]
    [InlineData("conv-blog", 4_385, new long[] { 8, 4, 4 }, false)]       // 128 values: 6.1× smaller than the input
    public void Info_shows_conv_models_and_warns_when_the_code_is_not_smaller_than_the_input(string preset, long parameters, long[] code, bool warns)
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run(folder.Path, "info", "--model", preset, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(parameters, (long)json["params"]!);
        Assert.Equal(code, json["code_shape"]!.AsArray().Select(d => (long)d!).ToArray());
        Assert.Equal(warns, json["warning"] is not null);
        var bottleneck = json["layers"]!.AsArray().Single(l => (bool)l!["bottleneck"]!)!;
        Assert.Equal(code, bottleneck["output_shape"]!.AsArray().Select(d => (long)d!).ToArray());
    }
}
