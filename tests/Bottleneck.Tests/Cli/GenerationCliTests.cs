using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>`sample`, `interpolate` and `manifold` as a user runs them, on tiny models trained once for the class.</summary>
public class GenerationCliTests : IClassFixture<GenerationCliTests.TinyModels>
{
    /// <summary>80 labelled 8×8 "images" in a CSV and three models trained on them for one epoch.</summary>
    public sealed class TinyModels : IDisposable
    {
        public TempFolder Folder { get; } = new();
        public float[][] Images { get; }

        public TinyModels()
        {
            var random = new Random(5);
            Images = Enumerable.Range(0, 80).Select(r => Enumerable.Range(0, 64)
                .Select(i => (i + r) % 7 < 3 ? (float)Math.Round(random.NextDouble(), 3) : 0f).ToArray()).ToArray();
            var text = new StringBuilder(string.Join(',', Enumerable.Range(0, 64).Select(i => $"p{i}"))).Append(",label\n");
            for (int r = 0; r < Images.Length; r++)
                text.Append(string.Join(',', Images[r].Select(v => v.ToString("F3", CultureInfo.InvariantCulture)))).Append(',').Append(r % 3).Append('\n');
            Folder.Write("images.csv", text.ToString());
            Folder.Write("vae2.json", """{"family": "vae", "name": "tiny-vae", "encoder": [16], "bottleneck": 2, "vae": {"iw_samples": 2}}""");
            Folder.Write("vae3.json", """{"family": "vae", "name": "tiny-vae-3", "encoder": [16], "bottleneck": 3, "vae": {"iw_samples": 2}}""");
            Folder.Write("ae.json", """{"name": "tiny-ae", "encoder": [16], "bottleneck": 4}""");
            foreach (var name in new[] { "vae2", "vae3", "ae" })
            {
                var train = CliRunner.Run(Folder.Path, "train", "--data", "images.csv", "--label-column", "label", "--model", $"{name}.json",
                    "--epochs", "1", "--batch-size", "16", "--seed", "3", "--out", name);
                if (train.ExitCode != 0) throw new InvalidOperationException($"training {name} failed: {train.Stderr}");
            }
        }

        public void Dispose() => Folder.Dispose();
    }

    readonly TinyModels models;
    readonly TempFolder folder;

    public GenerationCliTests(TinyModels models)
    {
        this.models = models;
        folder = models.Folder;
    }

    CliRunner.Result Run(params string[] args)
    {
        var result = CliRunner.Run(folder.Path, args);
        Assert.True(result.ExitCode == 0, $"bottleneck {string.Join(' ', args)}: exit {result.ExitCode}, {result.Stderr}");
        return result;
    }

    void Fails(string expected, params string[] args) => CliRunner.AssertBadInput(CliRunner.Run(folder.Path, args), expected);

    static string[] Data => ["--data", "images.csv", "--label-column", "label"];

    [Fact]
    public void The_same_seed_draws_the_same_picture_and_samples_and_another_seed_does_not()
    {
        Run("sample", "--model", "vae2", "--rows", "2", "--columns", "3", "--seed", "5", "--out", "a.png", "--npy", "a.npy");
        Run("sample", "--model", "vae2", "--rows", "2", "--columns", "3", "--seed", "5", "--out", "b.png", "--npy", "b.npy");
        Run("sample", "--model", "vae2", "--rows", "2", "--columns", "3", "--seed", "6", "--out", "c.png", "--npy", "c.npy");
        Assert.Equal(File.ReadAllBytes(folder["a.png"]), File.ReadAllBytes(folder["b.png"]));
        Assert.Equal(File.ReadAllBytes(folder["a.npy"]), File.ReadAllBytes(folder["b.npy"]));
        Assert.NotEqual(File.ReadAllBytes(folder["a.npy"]), File.ReadAllBytes(folder["c.npy"]));
        var samples = ArrayFiles.Read(folder["a.npy"]);
        Assert.Equal([6, 64], samples.Shape);
        Assert.All(samples.ToFloats(), v => Assert.InRange(v, 0f, 1f));   // Bernoulli means from a sigmoid
    }

    [Fact]
    public void At_temperature_zero_every_sample_is_the_decode_of_the_priors_mean()
    {
        Run("sample", "--model", "vae2", "--rows", "1", "--columns", "4", "--temperature", "0", "--npy", "cold.npy", "--out", "cold.png");
        var values = ArrayFiles.Read(folder["cold.npy"]).ToFloats();
        for (int i = 1; i < 4; i++) Assert.Equal(values[..64], values[(64 * i)..(64 * (i + 1))]);
        Assert.NotEqual(values[0], values[5]);   // an image, not a constant
    }

    [Fact]
    public void A_plain_autoencoder_has_no_prior_to_sample_from() =>
        Fails("is a plain autoencoder (family dense) with no prior to sample from: pass --fit-gaussian DATA", "sample", "--model", "ae");

    [Fact]
    public void A_gaussian_fitted_to_its_codes_lets_a_plain_autoencoder_sample_and_measures_the_samples()
    {
        var result = Run("sample", "--model", "ae", "--fit-gaussian", "images.csv", "--label-column", "label", "--classifier", "images.csv",
            "--classifier-size", "60", "--rows", "2", "--columns", "5", "--json", "--out", "ae.png");
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.StartsWith("N(m, Σ) fitted to the codes of images.csv", (string)json["distribution"]!);
        Assert.Equal(10, (int)json["samples"]!);
        foreach (var key in new[] { "confidence", "reconstruction_confidence", "real_confidence" })
            Assert.InRange((double)json[key]!, 1 / 3.0, 1);   // three classes: the largest probability is at least 1/3
        Assert.Equal(10, json["classes_seen"]!.AsArray().Sum(n => (int)n!));
        Assert.Equal(3, json["classes_seen"]!.AsArray().Count);
        Assert.True(File.Exists(folder["ae.png"]));
    }

    [Fact]
    public void A_negative_temperature_is_refused() =>
        Fails("--temperature: expected a finite value ≥ 0, got -1", "sample", "--model", "vae2", "--temperature", "-1");

    [Fact]
    public void The_ends_of_each_path_are_the_inputs_and_the_models_reconstructions()
    {
        var result = Run(["interpolate", "--model", "vae2", "--model", "ae", .. Data, "--split", "train", "--from", "3", "--to", "10",
            "--steps", "5", "--pairs", "20", "--npy", "paths.npy", "--out", "paths.png", "--json"]);
        // stderr is redirected: one line per stage, each once, with its count.
        Assert.Equal(["fitting the judging classifier: 80…", "walking between random pairs: 20…"], result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var paths = ArrayFiles.Read(folder["paths.npy"]);
        Assert.Equal([3, 5, 64], paths.Shape);
        var values = paths.ToFloats();
        float[] Image(int row, int step) => values[((row * 5 + step) * 64)..((row * 5 + step + 1) * 64)];
        Assert.Equal(models.Images[3], Image(0, 0), new Tolerance(1e-6f));    // the cross-fade starts at the input itself
        Assert.Equal(models.Images[10], Image(0, 4), new Tolerance(1e-6f));

        foreach (var (name, row) in new[] { ("vae2", 1), ("ae", 2) })
        {
            // Reconstructions the other way round: encode the split, decode the codes.
            Run(["encode", "--model", name, .. Data, "--split", "train", "--out", $"{name}-codes.npy"]);
            Run("decode", "--model", name, "--codes", $"{name}-codes.npy", "--out", $"{name}-reconstructions.npy");
            var reconstructions = ArrayFiles.Read(folder[$"{name}-reconstructions.npy"]).ToFloats();
            Assert.Equal(reconstructions[(3 * 64)..(4 * 64)], Image(row, 0), new Tolerance(1e-5f));
            Assert.Equal(reconstructions[(10 * 64)..(11 * 64)], Image(row, 4), new Tolerance(1e-5f));
        }

        var json = JsonNode.Parse(result.Stdout)!;
        var gaps = json["gaps"]!.AsArray();
        Assert.Equal(["pixel cross-fade", "vae2", "ae"], gaps.Select(g => (string)g!["name"]!));
        foreach (var gap in gaps)
        {
            var profile = gap!["profile"]!.AsArray().Select(v => (double)v!).ToArray();
            Assert.Equal(5, profile.Length);
            Assert.Equal((profile[0] + profile[4]) / 2, (double)gap["ends"]!, 12);
            Assert.Equal((double)gap["interior"]! / (double)gap["ends"]!, (double)gap["ratio"]!, 12);
        }
        Assert.Equal(3, json["paired_differences"]!.AsArray().Count);   // cross-fade−vae2, cross-fade−ae, vae2−ae
        var first = json["paired_differences"]![0]!;
        Assert.Equal((double)gaps[0]!["interior"]! - (double)gaps[1]!["interior"]!, (double)first["interior_difference"]!, 12);
        var rows = json["picture_rows"]!.AsArray();
        Assert.Equal(["cross-fade", "vae2", "ae"], rows.Select(r => (string)r!["name"]!));
        Assert.All(rows, r => Assert.Equal(5, r!["confidence"]!.AsArray().Count));
        Assert.InRange((double)json["classifier_accuracy"]!, 0, 1);
        Assert.True(File.Exists(folder["paths.png"]));
    }

    [Fact]
    public void Labels_pick_the_first_sample_of_each()
    {
        var result = Run(["interpolate", "--model", "vae2", .. Data, "--split", "train", "--from-label", "2", "--to-label", "1", "--pairs", "0", "--json", "--out", "labels.png"]);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(2, (int)json["from"]!);   // labels are row % 3
        Assert.Equal(1, (int)json["to"]!);
        Assert.Empty(json["gaps"]!.AsArray());
    }

    [Fact]
    public void An_index_outside_the_split_is_refused_in_one_line_before_any_stage() =>
        Fails("--from: index 500 is outside images.csv", ["interpolate", "--model", "vae2", .. Data, "--from", "500", "--out", "never.png"]);

    [Fact]
    public void Fewer_than_three_steps_are_refused() =>
        Fails("--steps: expected at least 3", ["interpolate", "--model", "vae2", .. Data, "--steps", "2", "--out", "never.png"]);

    [Fact]
    public void The_manifold_of_a_2d_vae_is_drawn_at_the_priors_quantiles_and_repeats_exactly()
    {
        var result = Run("manifold", "--model", "vae2", "--grid", "5", "--out", "m1.png", "--json");
        Run("manifold", "--model", "vae2", "--grid", "5", "--out", "m2.png");
        Assert.Equal(File.ReadAllBytes(folder["m1.png"]), File.ReadAllBytes(folder["m2.png"]));
        var json = JsonNode.Parse(result.Stdout)!;
        var values = json["first_values"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(-1.6448536, values[0], 6);   // Φ⁻¹(0.05)
        Assert.Equal(0, values[2], 9);
        Assert.Equal("the prior N(0, I)", (string)json["source"]!);
    }

    [Fact]
    public void A_latent_space_of_other_than_two_dimensions_needs_dims() =>
        Fails("has a 3-dimensional latent space and the grid walks 2: pass --dims i,j", "manifold", "--model", "vae3", "--out", "never.png");

    [Fact]
    public void Two_dimensions_of_a_bigger_latent_space_can_be_walked()
    {
        var result = Run("manifold", "--model", "vae3", "--dims", "0,2", "--grid", "4", "--out", "dims.png", "--json");
        Assert.Equal([0, 2], JsonNode.Parse(result.Stdout)!["dims"]!.AsArray().Select(d => (int)d!));
        Fails("--dims: expected two different dimensions in 0 .. 2, got 1,1", "manifold", "--model", "vae3", "--dims", "1,1", "--out", "never.png");
    }

    [Fact]
    public void A_plain_autoencoders_manifold_needs_data_for_its_quantiles()
    {
        Fails("is a plain autoencoder (family dense) with no prior to lay the grid over: pass --data DATA", "manifold", "--model", "ae", "--dims", "0,1", "--out", "never.png");
        var result = Run(["manifold", "--model", "ae", "--dims", "0,1", .. Data, "--grid", "4", "--out", "ae-manifold.png", "--json"]);
        Assert.StartsWith("the codes of", (string)JsonNode.Parse(result.Stdout)!["source"]!);
    }

    sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
