using Bottleneck.Cli;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>Tables on redirected stdout keep every cell on one line; COLUMNS sets the width when given.</summary>
public class ConsoleWidthTests
{
    // deep-bn's table at 80 columns split "Sigmoid (output activation)" and "encoder.13 (bottleneck)" over two lines.
    static string[] InfoTable(IReadOnlyDictionary<string, string> environment)
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run(folder.Path, environment, "info", "--model", "deep-bn");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Split('\n').Select(l => l.TrimEnd()).ToArray();
    }

    [Fact]
    public void Redirected_stdout_keeps_every_cell_of_a_table_on_one_line()
    {
        var lines = InfoTable(new Dictionary<string, string> { ["COLUMNS"] = "" });   // set but empty: as if unset
        Assert.Contains(lines, l => l.Contains("encoder.13 (bottleneck)") && l.Contains("ReLU") && l.Contains("(32)"));
        Assert.Contains(lines, l => l.Contains("Sigmoid (output activation)") && l.Contains("(784)"));
        // Every row between the header rule and the totals starts with a layer name: no continuation lines.
        var rows = lines.SkipWhile(l => !l.Contains('─')).Skip(1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(29, rows.Length);   // input, 14 encoder and 13 decoder layers, output
        Assert.All(rows, r => Assert.Matches(@"^  (input|output|(en|de)coder\.\d+) ", r));
    }

    [Fact]
    public void Columns_sets_the_width()
    {
        var lines = InfoTable(new Dictionary<string, string> { ["COLUMNS"] = "60" });
        Assert.All(lines, l => Assert.True(l.Length <= 60, $"{l.Length} columns: {l}"));
        Assert.Contains(lines, l => l.Length > 50);
    }

    [Theory]
    [InlineData(null, true, ConsoleWidth.Redirected)]
    [InlineData(null, false, null)]
    [InlineData("132", false, 132)]
    [InlineData("132", true, 132)]
    [InlineData("0", true, ConsoleWidth.Redirected)]
    [InlineData("wide", false, null)]
    [InlineData("", true, ConsoleWidth.Redirected)]
    public void Width_follows_columns_then_redirection(string? columns, bool redirected, int? expected) =>
        Assert.Equal(expected, ConsoleWidth.For(columns, redirected));
}
