using System.CommandLine;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck datasets`: the built-in datasets, where each was found, and its sizes.</summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var fashion = SharedOptions.FashionMnist();
        var json = SharedOptions.Json();
        var command = new Command("datasets", """
            List the built-in datasets, where each was found on this machine, and their sizes.

            Example:
              bottleneck datasets
            """) { fashion, json };
        command.SetAction(CommandRunner.Guard("datasets", parsed =>
        {
            var options = new DataOptions { FashionMnistPath = parsed.GetValue(fashion) };
            var rows = new List<(BuiltInDataset Set, string? Folder, string Sizes)>();
            foreach (var set in BuiltInDatasets.All)
            {
                var folder = BuiltInDatasets.Locate(set, options);
                var sizes = "";
                if (folder is not null)
                {
                    using var loaded = DataSource.Load(set.Name, options);
                    sizes = $"train {loaded.Train.Count:N0} × [{string.Join("×", loaded.Train.SampleShape)}], test {loaded.Test?.Count ?? 0:N0}";
                }
                rows.Add((set, folder, sizes));
            }
            if (parsed.GetValue(json))
            {
                Console.WriteLine(new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Set.Name, ["description"] = r.Set.Description, ["licence"] = r.Set.Licence,
                    ["found"] = r.Folder is not null, ["folder"] = r.Folder is null ? null : Path.GetFullPath(r.Folder),
                    ["sizes"] = r.Sizes, ["how_to_get"] = r.Set.HowToGet,
                }).ToArray()).ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("name").AddColumn("what").AddColumn("where").AddColumn("sizes");
            foreach (var r in rows)
                table.AddRow(r.Set.Name, Markup.Escape($"{r.Set.Description} ({r.Set.Licence})"),
                    r.Folder is null ? $"[yellow]not found[/]: {Markup.Escape(r.Set.HowToGet)}" : Markup.Escape(Path.GetFullPath(r.Folder)),
                    Markup.Escape(r.Sizes));
            AnsiConsole.Write(table);
            return CommandRunner.Success;
        }));
        return command;
    }
}
