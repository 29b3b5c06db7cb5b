using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Models.Vae;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck sample`: new images from a VAE's prior N(0, I), or from a Gaussian fitted to a plain autoencoder's codes.</summary>
public static class SampleCommand
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
            using var distribution = Distribution(m, modelPath, parsed.GetValue(fitGaussian), dataOptions);
            using var scope = NewDisposeScope();
            var decoded = LatentGrid.Samples(m, distribution, r * c, parsed.GetValue(seed), t);

            var picture = parsed.GetValue(output)!;
            OutputPath.CheckFile(picture);
            var shape = ImageShape.Of(m.InputShape);
            if (shape is { } s)
                LatentGrid.SaveSamples(picture, decoded, s, $"{m.Spec.Name}: decodes of z ~ {distribution.Description}, T = {t.ToString("G3", CultureInfo.InvariantCulture)}", r, c);
            if (parsed.GetValue(npy) is { } npyPath)
                ArrayFiles.Write(npyPath, NumericArray.FromFloats(decoded.shape.Select(d => (int)d).ToArray(), decoded.contiguous().data<float>().ToArray()));

            Judgement? judged = parsed.GetValue(classifier) is { } labelled ? Judge(m, decoded, labelled, dataOptions, parsed.GetValue(classifierSize)) : null;
            if (parsed.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["model"] = m.Spec.Name, ["family"] = m.Spec.Family, ["distribution"] = distribution.Description,
                    ["temperature"] = t, ["seed"] = parsed.GetValue(seed), ["samples"] = r * c,
                    ["picture"] = shape is null ? null : picture, ["npy"] = parsed.GetValue(npy),
                    ["confidence"] = judged?.Samples, ["reconstruction_confidence"] = judged?.Reconstructions, ["real_confidence"] = judged?.Real,
                    ["classifier"] = judged?.Classifier,
                    ["classes_seen"] = judged is null ? null : new JsonArray(judged.ClassCounts.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
                    ["units"] = new JsonObject
                    {
                        ["confidence"] = "mean over the samples of the classifier's largest class probability; real_confidence: the same for as many " +
                                         "real held-out images; reconstruction_confidence: for the model's reconstructions of those images",
                        ["classes_seen"] = "how many samples the classifier assigns to each class, by class index",
                    },
                }.ToJsonString());
                return CommandRunner.Success;
            }
            Console.WriteLine($"drew {r * c} samples of {m.Spec.Name} from z ~ {distribution.Description} at temperature {t.ToString("G3", CultureInfo.InvariantCulture)}");
            if (shape is not null) Console.WriteLine($"wrote {picture}");
            else Console.WriteLine("(the samples are not images, so no picture was drawn)");
            if (parsed.GetValue(npy) is { } written) Console.WriteLine($"wrote {written}");
            if (judged is not null)
            {
                string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
                Console.WriteLine($"{judged.Classifier}: mean confidence {F(judged.Samples)} on the samples, {F(judged.Reconstructions)} on the " +
                                  $"model's reconstructions of real held-out images, {F(judged.Real)} on those images themselves");
                string Name(int i) => judged.ClassNames is { } names && i < names.Count ? names[i] : i.ToString(CultureInfo.InvariantCulture);
                Console.WriteLine($"classes it sees in the samples: {string.Join(", ", judged.ClassCounts.Select((n, i) => $"{Name(i)}: {n}"))}");
            }
            return CommandRunner.Success;
        }));
        return command;
    }

    /// <summary>What a classifier fitted to real labelled images makes of the samples.</summary>
    sealed record Judgement(double Samples, double Reconstructions, double Real, int[] ClassCounts, IReadOnlyList<string>? ClassNames, string Classifier);

    /// <summary>
    /// Fits softmax regression to the first <paramref name="count"/> labelled training images of <paramref name="data"/> and returns its
    /// mean confidence on <paramref name="samples"/>, on as many real held-out images (the test split, else the training images after those
    /// it was fitted to) and on the model's reconstructions of them (the level the model's own blur allows), and how many samples it
    /// puts in each class.
    /// </summary>
    static Judgement Judge(Autoencoder model, Tensor samples, string data, DataOptions options, int count)
    {
        using var loaded = DataSource.Load(data, options);
        DataFit.Check(model, loaded.Train);
        using var judge = new ClassifierConfidence(loaded.Train, count);
        var (classes, confidence) = judge.Measure(samples);
        int n = (int)samples.shape[0];
        using var heldOut = loaded.Test is null ? loaded.Train.Slice(judge.Count, Math.Min(n, loaded.Train.Count - judge.Count)) : null;
        var real = loaded.Test ?? heldOut!;
        if (real.Count == 0) throw new BadInputException($"--classifier: {data} has no images left over to compare the samples with (lower --classifier-size)");
        using var scope = NewDisposeScope();
        var realImages = real.Batch(0, Math.Min(n, real.Count));
        var (_, realConfidence) = judge.Measure(realImages);
        model.eval();
        using var noGrad = no_grad();
        var (_, reconstructedConfidence) = judge.Measure(model.Reconstruct(realImages.reshape([realImages.shape[0], .. model.InputShape])));
        var counts = new int[judge.Classes];
        foreach (var c in classes) counts[c]++;
        return new Judgement(confidence.Average(), reconstructedConfidence.Average(), realConfidence.Average(), counts, loaded.Train.ClassNames, $"softmax regression fitted to {judge.Count:N0} images of {judge.Source}");
    }

    /// <summary>The prior of a VAE, or the Gaussian fitted to the codes of <paramref name="fitData"/>; a plain model without it is refused.</summary>
    static LatentGaussian Distribution(Autoencoder model, string modelPath, string? fitData, DataOptions options)
    {
        LatentInterpolation.CheckContinuous(model);
        if (fitData is not null)
        {
            using var loaded = DataSource.Load(fitData, options);
            DataFit.Check(model, loaded.Train);
            return LatentGaussian.Fit(model, loaded.Train);
        }
        if (model is VariationalAutoencoder vae) return LatentGaussian.StandardNormal(vae.LatentSize);
        throw new BadInputException($"--model: '{modelPath}' is a plain autoencoder (family {model.Spec.Family}) with no prior to sample from: " +
                                    "pass --fit-gaussian DATA to sample from a Gaussian fitted to its codes, or walk between real inputs with 'bottleneck interpolate'");
    }
}
