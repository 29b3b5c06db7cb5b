using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>The VAE and VQ-VAE presets from the command line: info, bad options, and a short train → encode → decode.</summary>
public class GenerativeCliTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>A CSV of <paramref name="rows"/> 8×8 "images" (64 columns in [0, 1], header p0..p63).</summary>
    string ImagesCsv(int rows = 80)
    {
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, 64).Select(i => $"p{i}"))).Append('\n');
        var random = new Random(5);
        for (int r = 0; r < rows; r++)
            text.Append(string.Join(',', Enumerable.Range(0, 64).Select(i => ((i + r) % 7 < 3 ? random.NextDouble() : 0).ToString("F3", CultureInfo.InvariantCulture)))).Append('\n');
        File.WriteAllText(folder["images.csv"], text.ToString());
        return "images.csv";
    }

    void Fails(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);

    [Theory]
    [InlineData("vae", 427_344, new long[] { 784 }, new long[] { 32 })]
    [InlineData("vae-400-20", 652_824, new long[] { 784 }, new long[] { 20 })]
    [InlineData("beta-vae", 427_344, new long[] { 784 }, new long[] { 32 })]
    [InlineData("conv-vae", 191_265, new long[] { 1, 28, 28 }, new long[] { 16 })]
    [InlineData("vq-vae", 48_913, new long[] { 1, 28, 28 }, new long[] { 7, 7 })]
    public void Info_json_works_for_each_preset_without_training(string preset, long parameters, long[] input, long[] code)
    {
        var result = CliRunner.Run(folder.Path, "info", "--model", preset, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(parameters, (long)json["params"]!);
        Assert.Equal(input, json["input_shape"]!.AsArray().Select(d => (long)d!));
        Assert.Equal(code, json["code_shape"]!.AsArray().Select(d => (long)d!));
        Assert.Null(json["warning"]);   // every one of them is undercomplete
    }

    [Fact]
    public void A_vae_with_a_loss_other_than_bce_is_refused() =>
        Fails("--loss: the vae family's reconstruction term is the Bernoulli log-likelihood", "train", "--data", ImagesCsv(), "--model", "vae", "--loss", "mse", "--out", "out");

    [Fact]
    public void A_negative_beta_is_refused()
    {
        File.WriteAllText(folder["beta.json"], """{"family": "vae", "encoder": [16], "bottleneck": 2, "vae": {"beta": -1}}""");
        Fails("beta.json: field 'vae.beta': expected a finite value ≥ 0, got -1", "train", "--data", ImagesCsv(), "--model", "beta.json", "--out", "out");
    }

    [Fact]
    public void A_codebook_of_one_code_is_refused()
    {
        File.WriteAllText(folder["vq.json"], """{"family": "vq-vae", "bottleneck": 4, "vq": {"codebook_size": 1}}""");
        Fails("vq.json: field 'vq.codebook_size': expected a codebook of 2 to 65536 codes, got 1", "info", "--model", "vq.json");
    }

    [Fact]
    public void A_convolutional_vae_on_data_that_are_not_images_is_refused()
    {
        File.WriteAllText(folder["rows.csv"], "a,b,c\n0.1,0.2,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n0.1,0.1,0.1\n0.2,0.2,0.2\n0.3,0.3,0.3\n0.4,0.4,0.4\n0.5,0.5,0.5\n0.6,0.6,0.6\n0.7,0.7,0.7\n");
        Fails("field 'input_shape': the convolutional vae takes greyscale images", "train", "--data", "rows.csv", "--model", "conv-vae", "--out", "out");
    }

    [Fact]
    public void A_vq_vae_trains_then_its_codes_decode_to_its_reconstructions()
    {
        var data = ImagesCsv();
        var train = CliRunner.Run(folder.Path, "train", "--data", data, "--model", "vq-vae", "--epochs", "2", "--batch-size", "16", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("[reconstruction ", train.Stderr);   // the epoch lines show each part of the loss
        var metrics = JsonNode.Parse(File.ReadAllText(folder["run/metrics.json"]))!;
        Assert.InRange((double)metrics["perplexity"]!, 1, 64);
        Assert.InRange((double)metrics["codebook_usage"]!, 1 / 64.0, 1);
        Assert.Contains("codebook-usage.png", metrics["figures"]!.AsArray().Select(f => (string)f!));
        Assert.Contains("effective codes", train.Stdout);   // the summary table prints the family's figures with their unit

        var encode = CliRunner.Run(folder.Path, "encode", "--model", "run", "--data", data, "--split", "train", "--out", "codes.npy");
        Assert.True(encode.ExitCode == 0, encode.Stderr);
        var codes = ArrayFiles.Read(folder["codes.npy"]);
        Assert.Equal([80, 2, 2], codes.Shape);   // 8×8 images, two stride-2 layers: a 2×2 grid of codebook indices
        Assert.All(codes.ToFloats(), c => Assert.True(c == MathF.Round(c) && c >= 0 && c < 64));
        var decode = CliRunner.Run(folder.Path, "decode", "--model", "run", "--codes", "codes.npy", "--out", "decoded.npy");
        Assert.True(decode.ExitCode == 0, decode.Stderr);
        Assert.Equal([80, 1, 8, 8], ArrayFiles.Read(folder["decoded.npy"]).Shape);

        var evaluate = CliRunner.Run(folder.Path, "evaluate", "--model", "run", "--data", data, "--split", "train", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var figures = JsonNode.Parse(evaluate.Stdout)!;
        Assert.InRange((double)figures["perplexity"]!, 1, 64);
        Assert.NotNull(figures["units"]!["perplexity"]);
    }

    [Fact]
    public void A_small_vae_trains_from_a_spec_and_reports_its_bound_in_nats()
    {
        var data = ImagesCsv();
        File.WriteAllText(folder["vae.json"], """{"family": "vae", "name": "small-vae", "encoder": [16], "bottleneck": 2, "vae": {"iw_samples": 4}}""");
        var train = CliRunner.Run(folder.Path, "train", "--data", data, "--model", "vae.json", "--epochs", "2", "--batch-size", "16", "--out", "run");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("[reconstruction ", train.Stderr);
        Assert.Contains(", kl ", train.Stderr);
        var metrics = JsonNode.Parse(File.ReadAllText(folder["run/metrics.json"]))!;
        Assert.Equal(-((double)metrics["kl"]! + (double)metrics["reconstruction_nats"]!), (double)metrics["elbo"]!, 9);
        Assert.StartsWith("final_loss, final_val_loss, best_monitored_loss and history.csv: −ELBO, nats per image", (string)metrics["units"]!["loss"]!);
        Assert.True(File.Exists(folder["run/samples.png"]));
        Assert.True(File.Exists(folder["run/latent-manifold.png"]));
        Assert.Contains("elbo (nats per image)", train.Stdout);

        var evaluate = CliRunner.Run(folder.Path, "evaluate", "--model", "run", "--data", data, "--split", "train", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var figures = JsonNode.Parse(evaluate.Stdout)!;
        Assert.Equal(4, (double)figures["nll_iw_samples"]!);
        Assert.True((double)figures["elbo"]! < 0);
    }
}
