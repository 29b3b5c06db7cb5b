using System.CommandLine;
using System.Text.RegularExpressions;
using Bottleneck.Cli;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>The command line prints the library's field names as its own flags, from one table that covers them all.</summary>
public partial class OptionFlagsTests
{
    [Fact]
    public void The_cli_prints_the_flag_where_the_library_names_the_field()
    {
        var e = new OptionException("batch_size", "expected a positive batch size, got 0");
        Assert.Equal("--batch-size: expected a positive batch size, got 0", OptionFlags.Describe(e));
        Assert.Equal("mnist: values span [0, 2], but --loss bce needs data in [0, 1] (use --loss mse)",
            OptionFlags.Describe(new BadInputException("mnist: values span [0, 2], but `loss` bce needs data in [0, 1] (use `loss` mse)")));
        Assert.Equal("--min-lr and --max-lr: the sweep must rise",
            OptionFlags.Describe(new OptionException(["min_learning_rate", "max_learning_rate"], "the sweep must rise")));
    }

    [Fact]
    public void Train_with_a_bad_batch_size_prints_one_line_naming_the_flag()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run(folder.Path, "train", "--data", "mnist", "--model", "basic", "--batch-size", "0", "--out", "out");
        CliRunner.AssertBadInput(result, "--batch-size");
        Assert.Equal("bottleneck train: --batch-size: expected a positive batch size, got 0", result.Stderr.Trim());
    }

    [Fact]
    public void Every_field_the_library_names_has_a_flag_and_every_flag_is_an_option_of_a_command()
    {
        var source = Path.Combine(TestData.RepositoryRoot, "src", "Bottleneck");
        var fields = new SortedSet<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            // Comments may use backquotes for any name; messages use them for options only.
            var text = string.Join('\n', File.ReadLines(file).Where(line => !line.TrimStart().StartsWith("//")));
            foreach (Match m in FieldLiteral().Matches(text)) fields.UnionWith(Literals().Matches(m.Groups[1].Value).Select(l => l.Groups[1].Value));
            foreach (Match m in FieldDefault().Matches(text)) fields.Add(m.Groups[1].Value);
            foreach (Match m in Mention().Matches(text)) fields.Add(m.Groups[1].Value);
        }
        // Fields the command line passes to the library's parsers and checks.
        var cli = Path.Combine(TestData.RepositoryRoot, "src", "Bottleneck.Cli");
        foreach (var file in Directory.EnumerateFiles(cli, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
            foreach (Match m in CliFieldArgument().Matches(File.ReadAllText(file))) fields.Add(m.Groups[1].Value);
        Assert.True(fields.Count > 40, $"found only {fields.Count} fields: the scan is broken");
        Assert.Equal([], fields.Where(f => !OptionFlags.All.ContainsKey(f)).ToArray());

        var flags = new HashSet<string>();
        void Walk(Command command)
        {
            foreach (var option in command.Options) flags.Add(option.Name);
            foreach (var sub in command.Subcommands) Walk(sub);
        }
        Walk(BottleneckCommand.Create());
        Assert.Equal([], OptionFlags.All.Values.Where(flag => !flags.Contains(flag)).ToArray());
    }

    /// <summary>The fields of <c>new OptionException("field", ...)</c> or <c>new OptionException(["a", "b"], ...)</c>.</summary>
    [GeneratedRegex("""new OptionException\((\[[^\]]*\]|"[a-z0-9_]+")""")]
    private static partial Regex FieldLiteral();

    [GeneratedRegex("\"([a-z0-9_]+)\"")]
    private static partial Regex Literals();

    /// <summary>A parameter that names the option in errors, with its default field.</summary>
    [GeneratedRegex("string field = \"([a-z0-9_]+)\"")]
    private static partial Regex FieldDefault();

    /// <summary>An option mentioned in a message: `loss`.</summary>
    [GeneratedRegex("`([a-z][a-z0-9_]*)`")]
    private static partial Regex Mention();

    /// <summary>The field argument of the library calls that take one.</summary>
    [GeneratedRegex("""(?:Corruption\.Parse|OutputPath\.Check(?:File|Folder)|FeatureScaler\.ParseKind|OnnxGraphKinds\.Parse|SampleErrors\.Parse|ArrayFiles\.CheckOutput)\([^;]*?"([a-z0-9_]+)"\)""")]
    private static partial Regex CliFieldArgument();
}
