using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Analysis;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Render;
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
        var reference = new Option<string?>("--reference") { Description = "Also measure the samples' per-pixel MSE to the nearest of --reference-size training images of this dataset" };
        var referenceSize = new Option<int>("--reference-size") { Description = "Training images the nearest-image distance searches", DefaultValueFactory = _ => 10_000 };
        var json = SharedOptions.Json();
        var threads = SharedOptions.Threads();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();
        var command = new Command("sample", """
            Draw new images from a generative model (§8.6, §13.1): codes z ~ N(0, I) from a VAE's prior, decoded. A plain
            autoencoder has no prior; --fit-gaussian fits N(m, Σ) to its codes of real data and samples from that instead.
            --reference measures how far the samples lie from real images (per-pixel MSE to the nearest training image).

            Examples:
              bottleneck sample --model runs/vae --out vae-samples.png
              bottleneck sample --model runs/vae --temperature 0.7 --seed 1 --npy samples.npy
              bottleneck sample --model runs/ae-256-32 --fit-gaussian mnist --out ae-samples.png --reference mnist
            """) { model, rows, columns, seed, temperature, output, npy, fitGaussian, reference, referenceSize, json, threads, fashion, header, label };
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
            var shape = ImageShape.Of(m.InputShape);
            if (shape is { } s)
                LatentGrid.SaveSamples(picture, decoded, s, $"{m.Spec.Name}: decodes of z ~ {distribution.Description}, T = {t.ToString("G3", CultureInfo.InvariantCulture)}", r, c);
            if (parsed.GetValue(npy) is { } npyPath)
                ArrayFiles.Write(npyPath, NumericArray.FromFloats(decoded.shape.Select(d => (int)d).ToArray(), decoded.contiguous().data<float>().ToArray()));

            double? samplesDistance = null, realDistance = null;
            string? referenceName = null;
            if (parsed.GetValue(reference) is { } referenceData)
            {
                using var loaded = DataSource.Load(referenceData, dataOptions);
                DataFit.Check(m, loaded.Train);
                using var nearest = new NearestImageDistance(loaded.Train, parsed.GetValue(referenceSize));
                referenceName = $"{nearest.Count:N0} images of {nearest.Source}";
                samplesDistance = nearest.Measure(decoded).Average();
                // The floor: real images the reference set does not contain, as many as there are samples.
                using var heldOut = loaded.Test is null ? loaded.Train.Slice(nearest.Count, Math.Min(r * c, loaded.Train.Count - nearest.Count)) : null;
                var real = loaded.Test ?? heldOut!;
                if (real.Count > 0) realDistance = nearest.Measure(real.Batch(0, Math.Min(r * c, real.Count))).Average();
            }

            if (parsed.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["model"] = m.Spec.Name, ["family"] = m.Spec.Family, ["distribution"] = distribution.Description,
                    ["temperature"] = t, ["seed"] = parsed.GetValue(seed), ["samples"] = r * c,
                    ["picture"] = shape is null ? null : picture, ["npy"] = parsed.GetValue(npy),
                    ["nearest_mse"] = samplesDistance, ["real_nearest_mse"] = realDistance, ["reference"] = referenceName,
                    ["units"] = new JsonObject { ["nearest_mse"] = "mean over samples of min over reference images of the per-pixel MSE; real_nearest_mse: the same for real held-out images" },
                }.ToJsonString());
                return CommandRunner.Success;
            }
            Console.WriteLine($"drew {r * c} samples of {m.Spec.Name} from z ~ {distribution.Description} at temperature {t.ToString("G3", CultureInfo.InvariantCulture)}");
            if (shape is not null) Console.WriteLine($"wrote {picture}");
            else Console.WriteLine("(the samples are not images, so no picture was drawn)");
            if (parsed.GetValue(npy) is { } written) Console.WriteLine($"wrote {written}");
            if (samplesDistance is { } d)
                Console.WriteLine($"per-pixel MSE to the nearest of {referenceName}: samples {d.ToString("F4", CultureInfo.InvariantCulture)}" +
                                  (realDistance is { } f ? $", real held-out images {f.ToString("F4", CultureInfo.InvariantCulture)}" : ""));
            return CommandRunner.Success;
        }));
        return command;
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
