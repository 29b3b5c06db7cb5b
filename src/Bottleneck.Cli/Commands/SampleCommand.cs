using System.CommandLine;
using System.Globalization;
using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using static TorchSharp.torch;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck sample`: new images from a VAE's prior N(0, I), or from a Gaussian fitted to a plain autoencoder's codes.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var model = SharedOptions.Model("A trained model folder: a VAE (its prior is N(0, I)), or any autoencoder with --fit-gaussian");
        var rows = new Option<int>("--rows") { Description = "Rows of the grid", DefaultValueFactory = _ => 8 };
        var columns = new Option<int>("--columns") { Description = "Images a row", DefaultValueFactory = _ => 10 };
        var seed = SharedOptions.Seed();
        seed.Description = "Seed of the draws: the same seed draws the same codes, so the same picture";
        var temperature = new Option<double>("--temperature", "-t") { Description = "Scale of the spread: z = m + T·Lε (T = 1: the distribution itself; below 1: closer to its mean)", DefaultValueFactory = _ => 1.0 };
        var output = new Option<string>("--out", "-o") { Description = "PNG file for the grid", DefaultValueFactory = _ => "samples.png" };
        var npy = new Option<string?>("--npy") { Description = "Also write the decoded samples, [rows·columns, ...input shape], to this .npy (or .csv) file" };
        var fitGaussian = new Option<string?>("--fit-gaussian")
        {
            Description = "Sample from N(m, Σ) fitted to the model's codes of this dataset's training split instead of the prior: the classic " +
                          "way to make a plain autoencoder generate",
        };
        var classifier = new Option<string?>("--classifier")
        {
            Description = "Also judge the samples with softmax regression fitted to this dataset's labelled training images: its mean confidence " +
                          "on the samples beside that on real held-out images, and the classes it sees",
        };
        var classifierSize = new Option<int>("--classifier-size") { Description = "Labelled training images the classifier is fitted to", DefaultValueFactory = _ => 10_000 };
        var json = SharedOptions.Json();
        var threads = SharedOptions.Threads();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();
        var command = new Command("sample", """
            Draw new images from a generative model (§8.6, §13.1): codes z ~ N(0, I) from a VAE's prior, decoded. A plain
            autoencoder has no prior; --fit-gaussian fits N(m, Σ) to its codes of real data and samples from that instead.
            --classifier asks a classifier fitted to real labelled images how recognisable the samples are.

            Examples:
              bottleneck sample --model runs/vae --out vae-samples.png
              bottleneck sample --model runs/vae --temperature 0.7 --seed 1 --npy samples.npy
              bottleneck sample --model runs/ae-256-32 --fit-gaussian mnist --classifier mnist --out ae-samples.png
            """) { model, rows, columns, seed, temperature, output, npy, fitGaussian, classifier, classifierSize, json, threads, fashion, header, label };
        command.SetAction(CommandRunner.Guard("sample", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            int r = parsed.GetValue(rows), c = parsed.GetValue(columns);
            if (r < 1 || c < 1 || r * c > 10_000) throw new BadInputException($"--rows, --columns: expected 1 or more each and at most 10,000 images, got {r} × {c}");
            double t = parsed.GetValue(temperature);
            if (!(double.IsFinite(t) && t >= 0)) throw new BadInputException($"--temperature: expected a finite value ≥ 0, got {t}");
            var modelPath = parsed.GetRequiredValue(model);
            using var m = ModelSource.Trained(modelPath);
            var dataOptions = SharedOptions.DataOptions(parsed, fashion, header, label);
            using var fitData = parsed.GetValue(fitGaussian) is { } fitPath ? DataSource.Load(fitPath, dataOptions) : null;
            using var labelled = parsed.GetValue(classifier) is { } labelledPath ? DataSource.Load(labelledPath, dataOptions) : null;
            using var distribution = ConsoleProgress.Run(progress => Sampling.Distribution(m, modelPath, fitData?.Train, progress));
            using var scope = NewDisposeScope();
            var decoded = LatentGrid.Samples(m, distribution, r * c, parsed.GetValue(seed), t);

            var picture = parsed.GetValue(output)!;
            OutputPath.CheckFile(picture);
            var npyPath = parsed.GetValue(npy);
            bool drawn = Sampling.Write(decoded, m.Spec.Name, distribution, t, r, c, picture, npyPath);
            var judged = labelled is null ? null
                : ConsoleProgress.Run(progress => Sampling.Judge(m, decoded, labelled.Train, labelled.Test, parsed.GetValue(classifierSize), progress));
            var report = new SampleReport(m.Spec.Name, m.Spec.Family, distribution.Description, t, parsed.GetValue(seed), r * c, drawn ? picture : null, npyPath, judged);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(report.ToJson().ToJsonString());
                return CommandRunner.Success;
            }
            Console.WriteLine($"drew {r * c} samples of {m.Spec.Name} from z ~ {distribution.Description} at temperature {t.ToString("G3", CultureInfo.InvariantCulture)}");
            Console.WriteLine(drawn ? $"wrote {picture}" : "(the samples are not images, so no picture was drawn)");
            if (npyPath is not null) Console.WriteLine($"wrote {npyPath}");
            if (judged is not null)
            {
                string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
                Console.WriteLine($"{judged.Classifier}: mean confidence {F(judged.Samples)} on the samples, {F(judged.Reconstructions)} on the " +
                                  $"model's reconstructions of real held-out images, {F(judged.Real)} on those images themselves");
                Console.WriteLine($"classes it sees in the samples: {string.Join(", ", judged.ClassCounts.Select((n, i) => $"{ClassCaption.Name(i, judged.ClassNames)}: {n}"))}");
            }
            return CommandRunner.Success;
        }));
        return command;
    }
}
