using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Spectre.Console;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck interpolate`: walks between two inputs in each model's latent space, beside the pixel cross-fade, and measures the gaps.</summary>
internal static class InterpolateCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model", "-m") { Description = "A trained model folder; repeat for several models (one row each)", Required = true };
        var selection = new DataSelection();
        var from = new Option<int?>("--from") { Description = "Index of the first input in the chosen split (default 0)" };
        var to = new Option<int?>("--to") { Description = "Index of the second input (default 1)" };
        var fromLabel = new Option<string?>("--from-label") { Description = "Start at the first sample of this label (a number, or a class name such as Sneaker) instead of --from" };
        var toLabel = new Option<string?>("--to-label") { Description = "End at the first sample of this label instead of --to" };
        var steps = new Option<int>("--steps") { Description = "Images along the path, both ends included", DefaultValueFactory = _ => 10 };
        var slerp = new Option<bool>("--slerp") { Description = "Walk along the great circle between the codes (spherical interpolation) instead of the straight line" };
        var output = new Option<string>("--out", "-o") { Description = "PNG file for the picture", DefaultValueFactory = _ => "interpolation.png" };
        var npy = new Option<string?>("--npy") { Description = "Also write the pictured paths, [rows, steps, ...input shape] (cross-fade first), to this .npy file" };
        var pairs = new Option<int>("--pairs") { Description = "Random pairs of the split over which the gap measure is averaged (0: picture only)", DefaultValueFactory = _ => 100 };
        var classifierSize = new Option<int>("--classifier-size") { Description = "Labelled training images the judging classifier (softmax regression on pixels) is fitted to", DefaultValueFactory = _ => 10_000 };
        var seed = SharedOptions.Seed();
        seed.Description = "Seed of the random pairs";
        var json = SharedOptions.Json();
        var threads = SharedOptions.Threads();
        var command = new Command("interpolate", """
            Walk in latent space between two inputs (§8.6, §13): encode both (a VAE's code is its mean μ), step from one
            code to the other, decode every step; one row per model, under the pixel cross-fade (1 − t)·x₀ + t·x₁ as a
            reference. A classifier fitted to labelled training images (softmax regression on pixels) judges every
            image: the captions give the class it sees and its confidence. The gap measure averages that confidence
            along the path over random pairs: a path through a "gap in the latent space" decodes to broken, faded or
            doubled strokes that look like no class, so the middle is less recognisable than the ends (ratio below 1).

            Examples:
              bottleneck interpolate --model runs/vae --model runs/ae-256-32 --data mnist --from-label 1 --to-label 7
              bottleneck interpolate --model runs/vae --data mnist --from 3 --to 42 --steps 12 --slerp --json
            """) { models, from, to, fromLabel, toLabel, steps, slerp, output, npy, pairs, classifierSize, seed, json, threads };
        selection.AddTo(command);
        command.SetAction(CommandRunner.Guard("interpolate", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            int n = parsed.GetValue(steps);
            LatentInterpolation.Times(n);   // validates --steps before any loading
            int pairCount = parsed.GetValue(pairs);
            if (pairCount < 0) throw new BadInputException($"--pairs: expected 0 or more, got {pairCount}");
            var picture = parsed.GetValue(output)!;
            OutputPath.CheckFile(picture);
            var npyPath = parsed.GetValue(npy);
            if (npyPath is not null) ArrayFiles.CheckOutput(npyPath);
            var loadedModels = new List<(string Name, Autoencoder Model)>();
            var inputs = new List<TrainedModel>();
            try
            {
                foreach (var path in parsed.GetRequiredValue(models))
                {
                    var trained = ModelSource.TrainedWithInput(path);
                    inputs.Add(trained);
                    loadedModels.Add((RowName(path, loadedModels), trained.Model));   // disposed below, with the others
                    if (trained.Scaler is not null)
                        throw new BadInputException($"--model: {path} was trained on tabular data scaled per column; its samples are not images");
                    LatentGaussian.CheckContinuous(trained.Model);
                }
                var data = selection.Load(parsed, out var loaded);
                using var owned = loaded;
                // Each model's training range is checked (0..255 floats are refused); image models have no scaler to apply.
                foreach (var trained in inputs) trained.Prepare(data).Dispose();
                var settings = new InterpolationSettings(
                    InterpolationEnds.Pick(data, parsed.GetValue(from), parsed.GetValue(fromLabel), "--from", 0),
                    InterpolationEnds.Pick(data, parsed.GetValue(to), parsed.GetValue(toLabel), "--to", 1),
                    n, parsed.GetValue(slerp), pairCount, parsed.GetValue(seed), parsed.GetValue(classifierSize));
                using var result = ConsoleProgress.Run(progress => InterpolationStudy.Run(loadedModels, data, loaded.Train, settings, progress));
                InterpolationWriter.Write(result, picture, npyPath, data.SampleShape);
                if (parsed.GetValue(json)) Console.WriteLine(InterpolationWriter.ToJson(result, picture, npyPath).ToJsonString());
                else Print(result, picture);
                return CommandRunner.Success;
            }
            finally
            {
                foreach (var (_, m) in loadedModels) m.Dispose();
            }
        }));
        return command;
    }

    /// <summary>A row's title: the model folder's name, numbered when two folders share a name.</summary>
    static string RowName(string path, IReadOnlyList<(string Name, Autoencoder Model)> earlier)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        if (name.Length == 0) name = path;
        return earlier.Any(e => e.Name == name) ? $"{name} ({earlier.Count + 1})" : name;
    }

    static void Print(InterpolationResult result, string picture)
    {
        Console.WriteLine($"wrote {picture}");
        if (!result.Judged)
        {
            Console.WriteLine("The training data have no labels, so no classifier judges the images: the gap measure was skipped.");
            return;
        }
        var profiles = result.Gaps;
        if (profiles.Count == 0) return;
        int pairCount = result.Settings.Pairs;
        string F(double v, string format = "F3") => v.ToString(format, CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Gap measure: confidence of a classifier fitted to {result.ClassifierImages:N0} {Markup.Escape(result.ClassifierSource!)} images, mean over {pairCount} random pairs, {result.Settings.Steps} steps")
            .AddColumn("path").AddColumn(new TableColumn("ends (t = 0, 1)").RightAligned()).AddColumn(new TableColumn("interior (± s.e.)").RightAligned())
            .AddColumn(new TableColumn("lowest (at t)").RightAligned()).AddColumn(new TableColumn("interior / ends").RightAligned());
        foreach (var p in profiles)
            table.AddRow(Markup.Escape(p.Name), F(p.Ends), $"{F(p.Interior)} ± {F(p.InteriorStandardError)}", $"{F(p.Lowest.Confidence)} ({F(p.Lowest.T, "F2")})", F(p.Ratio));
        AnsiConsole.Write(table);
        if (result.ClassifierAccuracy is { } acc) Console.WriteLine($"The classifier labels {F(100 * acc, "F1")} % of {result.Data} right.");
        foreach (var p in profiles.Skip(1))
            Console.WriteLine($"{p.Name}: the middle of its paths is {F(p.Ratio, "F2")}× as recognisable as its ends" +
                              $" (pixel cross-fade: {F(profiles[0].Ratio, "F2")}×).");
        foreach (var d in result.PairedDifferences.Where(d => d.A != profiles[0]))
            Console.WriteLine($"interior confidence, {d.A.Name} − {d.B.Name}: {(d.Difference >= 0 ? "+" : "−")}{F(Math.Abs(d.Difference))} ± {F(d.StandardError)} (paired over the same {pairCount} pairs)");
    }
}
