using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Models.Vae;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck manifold`: the decoder over an even grid of two latent dimensions (Kingma and Welling's figure).</summary>
internal static class ManifoldCommand
{
    /// <summary>Training samples whose codes give the quantiles with --data, unless --limit says otherwise.</summary>
    public const int DefaultCodeSamples = 10_000;

    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder with a 2-D latent space (or any, with --dims)");
        var grid = new Option<int>("--grid", "-n") { Description = "Images a side: the grid is n × n", DefaultValueFactory = _ => 20 };
        var dims = new Option<string?>("--dims") { Description = "Two code dimensions to walk, 0-based, such as 0,1 (required when the latent space is not 2-D); the others stay at 0 (or their median with --data)" };
        var data = SharedOptions.Data(required: false, "Lay the grid over the quantiles of the model's codes of this dataset's training split instead of the prior's (required for a plain autoencoder)");
        var limit = SharedOptions.Limit($"With --data, take the codes of the first N training samples (default {DefaultCodeSamples:N0})");
        var output = new Option<string>("--out", "-o") { Description = "PNG file to write", DefaultValueFactory = _ => "manifold.png" };
        var json = SharedOptions.Json();
        var reading = new DataOptionSet();
        var command = new Command("manifold", """
            Draw the decoder over its latent space (§13.1): an n × n grid of codes, the first dimension growing to the
            right and the second upwards, at the quantiles u = 0.05 .. 0.95 of the VAE's prior N(0, I) (z = Φ⁻¹(u)), so
            equal steps hold equal prior mass. A plain autoencoder has no prior: with --data the grid takes the
            quantiles of its codes of real data instead. Latent spaces of more than 2 dimensions need --dims.

            Examples:
              bottleneck manifold --model runs/vae-2d --grid 20 --out manifold.png
              bottleneck manifold --model runs/vae --dims 0,1 --out vae-dims-0-1.png
              bottleneck manifold --model runs/viz2d --data mnist --out viz2d-manifold.png
            """) { model, grid, dims, data, limit, output, json };
        reading.AddTo(command);
        CommandAction.Set(command, "manifold", parsed =>
        {
            int n = parsed.GetValue(grid);
            ManifoldAxes.Levels(n);   // validates --grid before loading anything
            var modelPath = parsed.GetRequiredValue(model);
            using var trained = ModelSource.TrainedWithInput(modelPath);
            var m = trained.Model;
            LatentGaussian.CheckContinuous(m);
            var shape = ImageShape.Of(m.InputShape) ?? throw new BadInputException($"--model: the model's samples ([{string.Join(", ", m.InputShape)}]) are not images");
            int k = checked((int)m.CodeShape.Aggregate(1L, (a, b) => a * b));
            var (first, second) = parsed.GetValue(dims) is { } text ? ParseDims(text)
                : k == 2 ? (0, 1)
                : throw new BadInputException($"--model: '{modelPath}' has a {k}-dimensional latent space and the grid walks 2: pass --dims i,j to walk two of them " +
                                              "with the others held at 0 (the prior's mean)");

            ManifoldAxes axes;
            if (parsed.GetValue(data) is { } dataName)
            {
                using var loaded = DataSource.Load(dataName, reading.Read(parsed));
                DataFit.Check(m, loaded.Train);
                int count = parsed.GetValue(limit) ?? DefaultCodeSamples;
                if (count < 2) throw new BadInputException($"--limit: the quantiles need at least 2 samples, got {count}");
                using var samples = loaded.Train.Slice(0, Math.Min(count, loaded.Train.Count));
                using var codes = trained.Prepare(samples);   // as the model was trained: its training range enforced
                axes = ManifoldAxes.FromCodes(m, codes, n, first, second);
            }
            else if (m is VariationalAutoencoder) axes = ManifoldAxes.Prior(k, n, first, second);
            else throw new BadInputException($"--model: '{modelPath}' is a plain autoencoder (family {m.Spec.Family}) with no prior to lay the grid over: " +
                                             "pass --data DATA to take the quantiles of its codes of real data");

            var path = parsed.GetValue(output)!;
            OutputPath.CheckFile(path);
            LatentGrid.SaveManifold(path, m, shape, $"{m.Spec.Name}: the decoder over z{Subscript(first)} (→) and z{Subscript(second)} (↑) " +
                                                    $"at quantiles 0.05 … 0.95 of {axes.Source}", axes);
            if (parsed.GetValue(json))
            {
                static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
                Console.WriteLine(new JsonObject
                {
                    ["model"] = m.Spec.Name, ["picture"] = path, ["grid"] = n, ["dims"] = new JsonArray(first, second), ["source"] = axes.Source,
                    ["levels"] = Numbers(ManifoldAxes.Levels(n)), ["first_values"] = Numbers(axes.FirstValues), ["second_values"] = Numbers(axes.SecondValues),
                }.ToJsonString());
            }
            else Console.WriteLine($"wrote the {n} × {n} manifold of {m.Spec.Name} (dimensions {first} and {second}, quantiles of {axes.Source}) to {path}");
            return CommandRunner.Success;
        });
        return command;
    }

    static (int First, int Second) ParseDims(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var a)
                              || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var b))
            throw new BadInputException($"--dims: expected two dimensions such as 0,1, got '{text}'");
        return (a, b);
    }

    /// <summary>The digits of <paramref name="dimension"/> as Unicode subscripts: 12 → ₁₂.</summary>
    static string Subscript(int dimension) => string.Concat(dimension.ToString(CultureInfo.InvariantCulture).Select(d => (char)('₀' + (d - '0'))));
}
