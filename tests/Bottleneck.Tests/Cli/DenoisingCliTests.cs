using System.Text.Json.Nodes;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>
/// `--noise` and `--fixed-noise` on the command line: each bad value is one line on stderr and exit code 2, before any
/// data is read; a good one trains a denoiser and reports §10.4's figures.
/// </summary>
public class DenoisingCliTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    void Fails(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);

    [Theory]
    [InlineData("blur:3", "--noise: unknown noise kind 'blur' (expected gaussian:σ, mask:q, salt-pepper:p or jpeg:quality)")]
    [InlineData("mask:1.5", "--noise: mask needs q in [0, 1], got 1.5")]
    [InlineData("mask:-0.1", "--noise: mask needs q in [0, 1], got -0.1")]
    [InlineData("salt-pepper:2", "--noise: salt-pepper needs p in [0, 1], got 2")]
    [InlineData("gaussian:-0.5", "--noise: gaussian needs σ ≥ 0, got -0.5")]
    [InlineData("jpeg:0", "--noise: jpeg needs a quality from 1 to 100, got 0")]
    [InlineData("jpeg:101", "--noise: jpeg needs a quality from 1 to 100, got 101")]
    [InlineData("gaussian", "--noise: expected kind:value")]
    public void Bad_noise_for_train(string noise, string expected) =>
        Fails(expected, "train", "--data", "mnist", "--model", "basic", "--noise", noise, "--out", "out");

    [Fact]
    public void Fixed_noise_without_noise() =>
        Fails("--fixed-noise: needs a corruption to fix", "train", "--data", "mnist", "--model", "basic", "--fixed-noise", "--out", "out");

    [Fact]
    public void Bad_noise_for_evaluate() =>
        Fails("--noise: mask needs q in [0, 1], got 7", "evaluate", "--model", "no-such-folder", "--data", "mnist", "--noise", "mask:7");

    [Fact]
    public void Noise_on_data_outside_0_1_is_refused()
    {
        File.WriteAllText(folder["wide.csv"], "a,b,c,d\n0,1,2,3\n4,5,6,7\n1,1,1,1\n2,2,2,2\n");
        Fails("--noise gaussian:0.1: ", "train", "--data", "wide.csv", "--model", "basic", "--loss", "mse", "--noise", "gaussian:0.1", "--no-validation", "--out", "out");
    }

    [Fact]
    public void Denoise_preset_defaults_to_gaussian_0_5_and_evaluate_scores_the_same_noisy_test_images()
    {
        var train = CliRunner.Run(folder.Path, "train", "--data", "mnist", "--model", "denoise", "--limit", "300", "--epochs", "1",
            "--no-checkpoint", "--out", "dae", "--json");
        Assert.True(train.ExitCode == 0, train.Stderr);
        var denoising = JsonNode.Parse(train.Stdout)!["denoising"]!;
        Assert.Equal("gaussian:0.5", (string)denoising["corruption"]!);
        Assert.True(File.Exists(folder["dae/denoising.png"]));
        var evaluate = CliRunner.Run(folder.Path, "evaluate", "--model", "dae", "--data", "mnist", "--noise", "gaussian:0.5", "--seed", "42", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var scored = JsonNode.Parse(evaluate.Stdout)!["denoising"]!;
        // Same seed, same corruption: the very noisy test set training was scored on.
        Assert.Equal((double)denoising["mse_noisy"]!, (double)scored["mse_noisy"]!, 9);
        Assert.Equal((double)denoising["mse_denoised"]!, (double)scored["mse_denoised"]!, 6);
    }
}
