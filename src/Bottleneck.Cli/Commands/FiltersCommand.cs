using System.CommandLine;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Inspection;
using Bottleneck.IO;
using Bottleneck.Persistence;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck filters`: the encoder's first-layer filters as image tiles (§3.5's "edge detectors", §3.5).</summary>
internal static class FiltersCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder (a PCA folder from 'bottleneck pca' works too: its filters are the principal components)");
        var output = new Option<string>("--out", "-o") { Description = "PNG file to write", DefaultValueFactory = _ => "filters.png" };
        var count = new Option<int>("--count", "-n") { Description = "Draw the first N filters (units or kernels)", DefaultValueFactory = _ => 64 };
        var columns = new Option<int?>("--columns") { Description = "Tiles per row (default: about √(2·N), a landscape grid)" };
        var json = SharedOptions.Json();
        var command = new Command("filters", """
            Draw what the encoder's first layer learned, as image tiles: for a Dense first layer, each unit's weight row
            reshaped to the input image (the pattern that excites it most); for a Conv2D first layer, each kernel,
            enlarged. Each tile is scaled by its own largest |w| and coloured blue (negative) - white (0) - red
            (positive), so what a unit ignores is white in every tile; the caption gives the unit and that max|w|.
            The chapter (§3.5) expects localised strokes and edges from an autoencoder and global, Fourier-like
            patterns from PCA: draw both and compare.

            Examples:
              bottleneck filters --model runs/basic --out basic-filters.png
              bottleneck pca --data mnist --components 32 --out runs/pca32
              bottleneck filters --model runs/pca32 --count 32 --out pca-filters.png
            """) { model, output, count, columns, json };
        command.SetAction(CommandRunner.Guard("filters", parsed =>
        {
            int n = parsed.GetValue(count);
            if (n < 1) throw new BadInputException($"--count: expected at least 1 filter, got {n}");
            if (parsed.GetValue(columns) is < 1) throw new BadInputException($"--columns: expected at least 1, got {parsed.GetValue(columns)}");
            using var m = ModelSource.Trained(parsed.GetRequiredValue(model));
            var bank = FilterBank.Of(m, n);
            var path = parsed.GetValue(output)!;
            OutputPath.CheckFile(path);
            string what = bank.Kind == "dense" ? "weight rows" : "kernels";
            string title = $"{m.Spec.Name}: {bank.Weights.Count} of {bank.Total} {what} of '{bank.Layer}' ({bank.Width}×{bank.Height}{(bank.Channels == 3 ? "×3" : "")})";
            FilterGrid.SavePng(path, bank, title, parsed.GetValue(columns));
            if (parsed.GetValue(json))
            {
                var scales = bank.Scales;
                Console.WriteLine(new JsonObject
                {
                    ["model"] = m.Spec.Name, ["layer"] = bank.Layer, ["kind"] = bank.Kind,
                    ["tiles"] = bank.Weights.Count, ["total"] = bank.Total,
                    ["tile_shape"] = new JsonArray(bank.Height, bank.Width, bank.Channels),
                    ["max_abs_weight"] = new JsonArray(scales.Select(s => (JsonNode)(double)s).ToArray()),
                    ["normalisation"] = "per tile: w / max|w| over the tile; diverging colours blue (−1) – white (0) – red (+1); colour kernels 0.5 + 0.5·w/max|w| per channel",
                    ["picture"] = path,
                }.ToJsonString());
            }
            else Console.WriteLine($"wrote {bank.Weights.Count} of {bank.Total} {what} of layer '{bank.Layer}' ({bank.Width}×{bank.Height}) to {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
