using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Spectre.Console;
using static TorchSharp.torch;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck interpolate`: walks between two inputs in each model's latent space, beside the pixel cross-fade, and measures the gaps.</summary>
public static class InterpolateCommand
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
            bool spherical = parsed.GetValue(slerp);
            OutputPath.CheckFile(parsed.GetValue(output));
            if (parsed.GetValue(npy) is { } npyOut) ArrayFiles.CheckOutput(npyOut);
            var loadedModels = new List<(string Name, Autoencoder Model)>();
            var inputs = new List<TrainedModel>();
            try
            {
                foreach (var path in parsed.GetRequiredValue(models))
                {
                    var trained = ModelSource.TrainedWithInput(path);
                    inputs.Add(trained);
                    var m = trained.Model;
                    loadedModels.Add((RowName(path, loadedModels), m));   // disposed below, with the others
                    if (trained.Scaler is not null)
                        throw new BadInputException($"--model: {path} was trained on tabular data scaled per column; its samples are not images");
                    LatentInterpolation.CheckContinuous(m);
                }
                var data = selection.Load(parsed, out var loaded);
                using var owned = loaded;
                // Each model's training range is checked (0..255 floats are refused); image models have no scaler to apply.
                foreach (var trained in inputs) trained.Prepare(data).Dispose();
                int a = Pick(data, parsed.GetValue(from), parsed.GetValue(fromLabel), "--from", 0);
                int b = Pick(data, parsed.GetValue(to), parsed.GetValue(toLabel), "--to", 1);
                var shape = ImageShape.Of(data.SampleShape) ?? throw new BadInputException($"{data.Name}: samples of shape [{string.Join(", ", data.SampleShape)}] are not images");
                // Without labels there is no classifier to judge the images: the picture is drawn uncaptioned, the measure skipped.
                using var judge = loaded.Train.Labels is null ? null : new ClassifierConfidence(loaded.Train, parsed.GetValue(classifierSize));
                double? accuracy = judge is null || data.Labels is null ? null : judge.Accuracy(data, 10_000);

                using var scope = NewDisposeScope();
                var x0 = data.Batch(a, 1);
                var x1 = data.Batch(b, 1);
                var rows = new List<(InterpolationRow Row, int[] Classes, double[] Confidence)> { Row("cross-fade", LatentInterpolation.CrossFade(x0, x1, n)[0], judge, data) };
                rows.AddRange(loadedModels.Select(m => Row(m.Name, LatentInterpolation.Decode(m.Model, x0, x1, n, spherical)[0], judge, data)));
                var picture = parsed.GetValue(output)!;
                InterpolationGrid.Save(picture, $"{data.Name} #{a} ({LabelText(data, a)}) → #{b} ({LabelText(data, b)}), {(spherical ? "slerp" : "lerp")}" +
                                                (judge is null ? "" : "; captions: the classifier's class: its confidence"), rows.Select(r => r.Row).ToArray(), shape);
                if (parsed.GetValue(npy) is { } npyPath)
                {
                    var paths = stack(rows.Select(r => r.Row.Steps).ToArray()).reshape([rows.Count, n, .. data.SampleShape]).contiguous();
                    ArrayFiles.Write(npyPath, NumericArray.FromFloats(paths.shape.Select(d => (int)d).ToArray(), paths.data<float>().ToArray()));
                }

                var profiles = pairCount == 0 || judge is null ? [] : InterpolationGaps.Measure(loadedModels, data, judge,
                    InterpolationGaps.RandomPairs(data.Count, pairCount, parsed.GetValue(seed)), n, spherical);
                var report = Report(data, a, b, n, spherical, pairCount, judge, accuracy, rows, profiles, picture, parsed.GetValue(npy));
                if (parsed.GetValue(json)) Console.WriteLine(report.ToJsonString());
                else Print(profiles, pairCount, n, judge, accuracy, data.Name, picture);
                return CommandRunner.Success;
            }
            finally
            {
                foreach (var (_, m) in loadedModels) m.Dispose();
            }
        }));
        return command;
    }

    /// <summary>The index --from/--to or --from-label/--to-label names, checked against the split.</summary>
    static int Pick(Dataset data, int? index, string? label, string option, int fallback)
    {
        if (index is not null && label is not null)
            throw new BadInputException($"{option} and {option}-label: give one or the other");
        if (label is not null)
        {
            if (data.Labels is not { } labels) throw new BadInputException($"{option}-label: {data.Name} has no labels");
            int wanted = int.TryParse(label, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number
                : data.ClassNames?.ToList().FindIndex(name => name.Equals(label, StringComparison.OrdinalIgnoreCase)) is int named && named >= 0 ? named
                : throw new BadInputException($"{option}-label: '{label}' is neither a number nor a class name of {data.Name}");
            int found = Array.IndexOf(labels, wanted);
            if (found < 0)
                throw new BadInputException($"{option}-label: no sample of {data.Name} has label {wanted} (found {string.Join(", ", labels.Distinct().Order())})");
            return found;
        }
        int chosen = index ?? fallback;
        if (chosen < 0 || chosen >= data.Count)
            throw new BadInputException($"{option}: index {chosen} is outside {data.Name}'s {data.Count:N0} samples (0 .. {data.Count - 1})");
        return chosen;
    }

    /// <summary>A row's title: the model folder's name, numbered when two folders share a name.</summary>
    static string RowName(string path, IReadOnlyList<(string Name, Autoencoder Model)> earlier)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        if (name.Length == 0) name = path;
        return earlier.Any(e => e.Name == name) ? $"{name} ({earlier.Count + 1})" : name;
    }

    /// <summary>A picture row captioned "7: 0.93" (the class the judge sees, by name where the classes have names, and its confidence).</summary>
    static (InterpolationRow Row, int[] Classes, double[] Confidence) Row(string title, Tensor steps, ClassifierConfidence? judge, Dataset data)
    {
        if (judge is null) return (new InterpolationRow(title, steps, null), [], []);
        var (classes, confidence) = judge.Measure(steps);
        var captions = classes.Zip(confidence, (c, p) => $"{ClassText(data, c)}: {p.ToString("0.00", CultureInfo.InvariantCulture)}").ToArray();
        return (new InterpolationRow(title, steps, captions), classes, confidence);
    }

    static string LabelText(Dataset data, int i) => data.Labels is { } labels ? ClassText(data, labels[i]) : "no label";

    static string ClassText(Dataset data, int label) =>
        data.ClassNames is { } names && label >= 0 && label < names.Count && !int.TryParse(names[label], out _) ? names[label] : label.ToString(CultureInfo.InvariantCulture);

    static JsonObject Report(Dataset data, int a, int b, int steps, bool spherical, int pairCount, ClassifierConfidence? judge, double? accuracy,
        IReadOnlyList<(InterpolationRow Row, int[] Classes, double[] Confidence)> rows, IReadOnlyList<GapProfile> profiles, string picture, string? npy)
    {
        static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        return new JsonObject
        {
            ["data"] = data.Name, ["from"] = a, ["to"] = b, ["steps"] = steps, ["interpolation"] = spherical ? "slerp" : "lerp",
            ["t"] = Numbers(LatentInterpolation.Times(steps)),
            ["picture"] = picture, ["npy"] = npy,
            ["picture_rows"] = new JsonArray(rows.Select(r => (JsonNode?)new JsonObject
            {
                ["name"] = r.Row.Title,
                ["class"] = new JsonArray(r.Classes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                ["confidence"] = Numbers(r.Confidence),
            }).ToArray()),
            ["classifier"] = judge is null ? null : $"softmax regression on the pixels of the first {judge.Count:N0} images of {judge.Source}",
            ["classifier_accuracy"] = accuracy,
            ["pairs"] = judge is null ? 0 : pairCount,
            ["gaps"] = new JsonArray(profiles.Select(p => (JsonNode?)new JsonObject
            {
                ["name"] = p.Name, ["ends"] = p.Ends, ["interior"] = p.Interior, ["interior_se"] = p.InteriorStandardError, ["ratio"] = p.Ratio,
                ["lowest"] = p.Lowest.Confidence, ["lowest_t"] = p.Lowest.T, ["profile"] = Numbers(p.Confidence),
            }).ToArray()),
            ["paired_differences"] = new JsonArray(Pairs(profiles).Select(d => (JsonNode?)new JsonObject
            {
                ["a"] = d.A.Name, ["b"] = d.B.Name, ["interior_difference"] = d.Difference, ["se"] = d.Error,
            }).ToArray()),
            ["units"] = new JsonObject
            {
                ["confidence"] = "the classifier's largest class probability for an image, in [1/classes, 1]",
                ["classifier_accuracy"] = "fraction of the chosen split (first 10,000) the classifier labels right",
                ["profile"] = "mean confidence over the pairs at each t",
                ["ends"] = "mean of the profile at t = 0 and t = 1 (reconstructions; the inputs themselves for the cross-fade)",
                ["interior"] = "mean of the profile strictly between the ends",
                ["interior_se"] = "standard error of interior over the pairs",
                ["paired_differences"] = "interior of a minus interior of b over the same pairs, with the standard error of the pair-by-pair differences",
                ["ratio"] = "interior / ends: 1 means the middle of the path is as recognisable as its ends; lower means a gap",
            },
        };
    }

    static void Print(IReadOnlyList<GapProfile> profiles, int pairCount, int steps, ClassifierConfidence? judge, double? accuracy, string dataName, string picture)
    {
        Console.WriteLine($"wrote {picture}");
        if (judge is null)
        {
            Console.WriteLine("The training data have no labels, so no classifier judges the images: the gap measure was skipped.");
            return;
        }
        if (profiles.Count == 0) return;
        string F(double v, string format = "F3") => v.ToString(format, CultureInfo.InvariantCulture);
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Gap measure: confidence of a classifier fitted to {judge.Count:N0} {Markup.Escape(judge.Source)} images, mean over {pairCount} random pairs, {steps} steps")
            .AddColumn("path").AddColumn(new TableColumn("ends (t = 0, 1)").RightAligned()).AddColumn(new TableColumn("interior (± s.e.)").RightAligned())
            .AddColumn(new TableColumn("lowest (at t)").RightAligned()).AddColumn(new TableColumn("interior / ends").RightAligned());
        foreach (var p in profiles)
            table.AddRow(Markup.Escape(p.Name), F(p.Ends), $"{F(p.Interior)} ± {F(p.InteriorStandardError)}", $"{F(p.Lowest.Confidence)} ({F(p.Lowest.T, "F2")})", F(p.Ratio));
        AnsiConsole.Write(table);
        if (accuracy is { } acc) Console.WriteLine($"The classifier labels {F(100 * acc, "F1")} % of {dataName} right.");
        foreach (var p in profiles.Skip(1))
            Console.WriteLine($"{p.Name}: the middle of its paths is {F(p.Ratio, "F2")}× as recognisable as its ends" +
                              $" (pixel cross-fade: {F(profiles[0].Ratio, "F2")}×).");
        foreach (var d in Pairs(profiles).Where(d => d.A != profiles[0]))
            Console.WriteLine($"interior confidence, {d.A.Name} − {d.B.Name}: {(d.Difference >= 0 ? "+" : "−")}{F(Math.Abs(d.Difference))} ± {F(d.Error)} (paired over the same {pairCount} pairs)");
    }

    /// <summary>Every two rows, earlier first, with the paired difference of their interior confidence.</summary>
    static IEnumerable<(GapProfile A, GapProfile B, double Difference, double Error)> Pairs(IReadOnlyList<GapProfile> profiles) =>
        from i in Enumerable.Range(0, profiles.Count)
        from j in Enumerable.Range(i + 1, profiles.Count - i - 1)
        let d = profiles[i].PairedDifference(profiles[j])
        select (profiles[i], profiles[j], d.Difference, d.StandardError);
}
