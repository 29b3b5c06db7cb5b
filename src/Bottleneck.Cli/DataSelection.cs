using System.CommandLine;
using Bottleneck.Data;

namespace Bottleneck.Cli;

/// <summary>The --data, --split and --limit options of commands that run a model over a dataset.</summary>
public sealed class DataSelection
{
    readonly Option<string> data;
    readonly Option<string?> fashion = SharedOptions.FashionMnist();
    readonly Option<bool?> header = SharedOptions.CsvHeader();
    readonly Option<string?> label = SharedOptions.LabelColumn();
    readonly Option<string> split = SharedOptions.Split();
    readonly Option<int?> limit = SharedOptions.Limit();

    /// <summary>The options; <paramref name="required"/> false lets a command take its samples from elsewhere (image files).</summary>
    public DataSelection(bool required = true) => data = SharedOptions.Data(required);

    /// <summary>The --data argument as given, or null.</summary>
    public string? Argument(ParseResult parsed) => parsed.GetValue(data);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { data, split, limit, fashion, header, label }) command.Options.Add(option);
    }

    /// <summary>Loads the dataset and returns the chosen split (first --limit samples); the caller disposes <paramref name="loaded"/>.</summary>
    public Dataset Load(ParseResult parsed, out LoadedData loaded)
    {
        loaded = DataSource.Load(parsed.GetRequiredValue(data), SharedOptions.DataOptions(parsed, fashion, header, label));
        var chosen = loaded.Part(parsed.GetValue(split)!, SharedOptions.IsGiven(parsed, split));
        if (parsed.GetValue(limit) is int n)
        {
            if (n < 1) throw new BadInputException($"--limit: expected a positive number of samples, got {n}");
            if (n < chosen.Count) chosen = chosen.Slice(0, n);
        }
        return chosen;
    }
}
