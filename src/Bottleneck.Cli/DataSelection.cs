using System.CommandLine;
using Bottleneck.Data;

namespace Bottleneck.Cli;

/// <summary>
/// The --data, --split and --limit options of commands that run a model over a dataset, with the data options that say
/// how it is read: the test/train choice is made here, the same way for every command.
/// </summary>
internal sealed class DataSelection
{
    readonly Option<string> data;
    readonly DataOptionSet reading = new();
    readonly Option<string> split = SharedOptions.Split();
    readonly Option<int?>? limit;

    /// <summary>
    /// The options; <paramref name="required"/> false lets a command take its samples from elsewhere (image files, or
    /// none); <paramref name="withLimit"/> false leaves out --limit (a command that streams files of any size).
    /// </summary>
    public DataSelection(bool required = true, string? description = null, bool withLimit = true)
    {
        data = description is null ? SharedOptions.Data(required) : SharedOptions.Data(required, description);
        limit = withLimit ? SharedOptions.Limit() : null;
    }

    /// <summary>The --data argument as given, or null.</summary>
    public string? Argument(ParseResult parsed) => parsed.GetValue(data);

    /// <summary>The CSV reading options (--header, --label-column), for a command that streams a CSV itself.</summary>
    public CsvReadOptions Csv(ParseResult parsed, char delimiter = ',') => reading.Csv(parsed, delimiter);

    public void AddTo(Command command)
    {
        command.Options.Add(data);
        command.Options.Add(split);
        if (limit is not null) command.Options.Add(limit);
        reading.AddTo(command);
    }

    /// <summary>The first <paramref name="limit"/> samples of <paramref name="data"/> (a --limit), or all of them when null.</summary>
    /// <exception cref="BadInputException">The limit is below 1.</exception>
    public static Dataset First(Dataset data, int? limit)
    {
        if (limit is not int n) return data;
        if (n < 1) throw new BadInputException($"--limit: expected a positive number of samples, got {n}");
        return n < data.Count ? data.Slice(0, n) : data;
    }

    /// <summary>Loads the dataset and returns the chosen split (first --limit samples); the caller disposes <paramref name="loaded"/>.</summary>
    public Dataset Load(ParseResult parsed, out LoadedData loaded)
    {
        loaded = DataSource.Load(parsed.GetRequiredValue(data), reading.Read(parsed));
        try
        {
            var chosen = loaded.Part(parsed.GetValue(split)!, SharedOptions.IsGiven(parsed, split));
            return limit is null ? chosen : First(chosen, parsed.GetValue(limit));
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }
}
