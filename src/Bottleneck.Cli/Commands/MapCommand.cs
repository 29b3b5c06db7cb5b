using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Inspection;
using Bottleneck.Applications.Pca;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck map`: the chapter's 2-D latent scatter coloured by class (§8.1), optionally beside PCA's own 2-D map.</summary>
internal static class MapCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder");
        var selection = new DataSelection();
        var output = new Option<string>("--out", "-o") { Description = "PNG file to write", DefaultValueFactory = _ => "map.png" };
        var pca = new Option<bool>("--pca") { Description = "Draw PCA's own 2-D map of the pixels beside the autoencoder's (PCA fitted on the training part)" };
        var neighbours = new Option<int>("--k") { Description = "Neighbours that vote in the separation measure (leave-one-out k-NN accuracy in the map)", DefaultValueFactory = _ => 5 };
        var points = new Option<string?>("--points") { Description = "Also write the map's coordinates to this CSV (index, label, x, y[, pca_x, pca_y])" };
        var json = SharedOptions.Json();
        var command = new Command("map", """
            Draw the test set as a 2-D map, one dot per sample coloured by its class (chapter §8.1: "digits cluster by
            class"). A model with a 2-value code (the viz2d preset) is drawn as it learned it; a larger code is projected
            on the first two principal components of the codes, and the axes say how much of the codes' variance each
            keeps. How well the map separates the classes is measured twice: the leave-one-out k-NN accuracy among the
            map's own points (k = 5) and the silhouette. With --pca, PCA's 2-D map of the raw pixels is drawn beside it
            and measured the same way: what the nonlinear encoder buys over a linear projection (§8.1).

            Examples:
              bottleneck train --data mnist --model viz2d --out runs/viz2d
              bottleneck map --model runs/viz2d --data mnist --pca --out viz2d-map.png
              bottleneck map --model runs/deep --data fashion-mnist --out deep-map.png --json
            """) { model, output, pca, neighbours, points, json };
        selection.AddTo(command);
        CommandAction.Set(command, "map", parsed =>
        {
            int k = parsed.GetValue(neighbours);
            if (k < 1) throw new BadInputException($"--k: expected at least 1 neighbour, got {k}");
            using var trained = ModelSource.TrainedWithInput(parsed.GetRequiredValue(model));
            var m = trained.Model;
            var raw = selection.Load(parsed, out var loaded);
            using var owned = loaded;
            DataFit.CheckValues(raw, new Objectives.ReconstructionLoss(Objectives.LossKind.Mse));
            using var data = trained.Prepare(raw);   // as the model was trained: the folder's scaler, its training range
            if (data.Labels is not null && k >= data.Count)
                throw new BadInputException($"--k: {k} neighbours need more than {k} samples, {data.Name} has {data.Count}");

            var maps = new List<LatentMap> { LatentMap.OfCodes(m, data) };
            if (parsed.GetValue(pca))
            {
                // Fitted on the training part, as the autoencoder was: both maps then place test samples they never saw.
                using var pixels = PrincipalComponents.FitCovariance(loaded.Train, 2);
                maps.Add(LatentMap.OfPixels(pixels, data));
            }
            // Separation needs labels of at least two classes; a map of one class (normal data only, say) is drawn without it.
            bool measurable = data.Labels is { } labels && labels.Distinct().Skip(1).Any();
            var panels = maps.Select(map => new MapPanel(map, measurable ? MapSeparation.Measure(map.Points(), data.Labels!, k) : null)).ToList();
            var outPath = parsed.GetValue(output)!;
            OutputPath.CheckFile(outPath);
            string title = $"{m.Spec.Name} on {data.Name}: {data.Count:N0} samples in 2-D" + (maps.Count > 1 ? ", beside PCA of the pixels" : "");
            LatentScatterPlot.SavePng(outPath, title, panels, data.Labels, data.ClassNames);
            if (parsed.GetValue(points) is { } pointsPath) WritePoints(pointsPath, maps, data.Labels);

            var report = Json(panels, m, data.Name, outPath, parsed.GetValue(points));
            if (parsed.GetValue(json)) Console.WriteLine(report.ToJsonString());
            else Print(panels, data.Name, data.Count, outPath);
            return CommandRunner.Success;
        });
        return command;
    }

    static JsonObject Json(IReadOnlyList<MapPanel> panels, Autoencoder model, string data, string picture, string? points)
    {
        JsonObject Panel(MapPanel p, string projection) => new()
        {
            ["source"] = p.Map.Source,
            ["dimension"] = p.Map.Dimension,
            ["projection"] = p.Map.IsProjected ? projection : "none",
            ["explained_variance_ratio"] = p.Map.ExplainedVarianceRatio is { } r ? new JsonArray(r[0], r[1]) : null,
            ["knn_accuracy"] = p.Separation?.KnnAccuracy,
            ["knn_k"] = p.Separation?.K,
            ["silhouette"] = p.Separation?.Silhouette,
        };
        return new JsonObject
        {
            ["model"] = model.Spec.Name,
            ["data"] = data,
            ["samples"] = panels[0].Map.X.Length,
            ["autoencoder"] = Panel(panels[0], "pca-2 fitted on the mapped codes themselves"),
            ["pca"] = panels.Count > 1 ? Panel(panels[1], "pca-2 fitted on the training part's pixels") : null,
            ["picture"] = picture,
            ["points"] = points,
            ["units"] = new JsonObject
            {
                ["knn_accuracy"] = "share of samples whose k nearest other samples in the 2-D map vote for their own label, 0..1",
                ["silhouette"] = "mean silhouette with Euclidean distance in the 2-D map, −1..1",
                ["explained_variance_ratio"] = "share of the total variance of the vectors the PCA was fitted on, along each of the two axes",
            },
        };
    }

    static void Print(IReadOnlyList<MapPanel> panels, string data, int count, string picture)
    {
        string F(double? v, string format) => v is double d ? d.ToString(format, CultureInfo.InvariantCulture) : "n/a";
        var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(data)}, {count:N0} samples")
            .AddColumn("map of").AddColumn(new TableColumn("values").RightAligned()).AddColumn("variance on the axes")
            .AddColumn(new TableColumn($"{panels[0].Separation?.K ?? 5}-NN accuracy").RightAligned()).AddColumn(new TableColumn("silhouette").RightAligned());
        foreach (var p in panels)
        {
            var axes = p.Map.ExplainedVarianceRatio is { } r
                ? $"{F(100 * r[0], "F1")} + {F(100 * r[1], "F1")} = {F(100 * (r[0] + r[1]), "F1")} %"
                : "all (2-D code)";
            table.AddRow(Markup.Escape(p.Map.Source), p.Map.Dimension.ToString(CultureInfo.InvariantCulture), Markup.Escape(axes),
                p.Separation is { } s ? F(100 * s.KnnAccuracy, "F1") + " %" : "not measured", F(p.Separation?.Silhouette, "F3"));
        }
        AnsiConsole.Write(table);
        Console.WriteLine("k-NN accuracy: leave-one-out vote of each sample's nearest other samples in the map; silhouette: −1..1, higher is better separated.");
        Console.WriteLine($"wrote {picture}");
    }

    static void WritePoints(string path, IReadOnlyList<LatentMap> maps, int[]? labels)
    {
        var text = new StringBuilder(maps.Count > 1 ? "index,label,x,y,pca_x,pca_y\n" : "index,label,x,y\n");
        for (int i = 0; i < maps[0].X.Length; i++)
        {
            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',').Append(labels?[i].ToString(CultureInfo.InvariantCulture) ?? "");
            foreach (var map in maps)
                text.Append(',').Append(map.X[i].ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(map.Y[i].ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
        Console.Error.WriteLine($"wrote {path}");
    }
}
