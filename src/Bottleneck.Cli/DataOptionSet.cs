using System.CommandLine;
using Bottleneck.Data;

namespace Bottleneck.Cli;

/// <summary>
/// How a --data argument is read, as every command that takes one spells it: --fashion-mnist (where Fashion-MNIST is),
/// --header (whether a CSV has one) and --label-column (which CSV column holds labels).
/// </summary>
internal sealed class DataOptionSet
{
    readonly Option<string?> fashion = SharedOptions.FashionMnist();
    readonly Option<bool?> header = SharedOptions.CsvHeader();
    readonly Option<string?> label = SharedOptions.LabelColumn();

    /// <summary>Adds the three options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { fashion, header, label }) command.Options.Add(option);
    }

    /// <summary>The options as given, for <see cref="DataSource.Load"/>.</summary>
    public DataOptions Read(ParseResult parsed) => new()
    {
        FashionMnistPath = parsed.GetValue(fashion),
        CsvHeader = parsed.GetValue(header),
        LabelColumn = parsed.GetValue(label),
    };

    /// <summary>The CSV part of the options, for readers that stream a CSV file themselves.</summary>
    public CsvReadOptions Csv(ParseResult parsed, char delimiter = ',') =>
        new() { HasHeader = parsed.GetValue(header), LabelColumn = parsed.GetValue(label), Delimiter = delimiter };
}
