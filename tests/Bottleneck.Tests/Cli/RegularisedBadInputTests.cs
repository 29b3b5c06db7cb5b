using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>Bad penalty, tying and diagnose options: one line on stderr, exit code 2, no output folder.</summary>
public class RegularisedBadInputTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    void Fails(string expected, params string[] args) => CliRunner.Fails(folder, expected, args);

    void SpecFails(string spec, string expected)
    {
        File.WriteAllText(folder["spec.json"], spec);
        Fails(expected, "train", "--data", "mnist", "--model", "spec.json", "--limit", "100", "--out", "out");
    }

    [Fact]
    public void Kl_sparsity_on_a_relu_code() => SpecFails("""{ "penalties": { "kl_sparsity": { "rho": 0.05, "beta": 0.1 } } }""",
        "spec.json: field 'penalties.kl_sparsity': needs a sigmoid code (ρ̂ must lie in (0, 1)), but the code activation is relu");

    [Theory]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("-0.1")]
    public void Kl_target_outside_zero_one(string rho) =>
        SpecFails($$"""{ "bottleneck_activation": "sigmoid", "penalties": { "kl_sparsity": { "rho": {{rho}}, "beta": 0.1 } } }""",
            $"spec.json: field 'penalties.kl_sparsity.rho': expected a value in (0, 1), got {rho}");

    [Fact]
    public void Negative_l2() => SpecFails("""{ "penalties": { "l2": -0.01 } }""", "spec.json: field 'penalties.l2': expected a finite weight ≥ 0, got -0.01");

    [Fact]
    public void Negative_contractive_weight() => SpecFails("""{ "penalties": { "contractive": -1 } }""", "field 'penalties.contractive': expected a finite weight ≥ 0, got -1");

    [Fact]
    public void Negative_kl_beta() => SpecFails("""{ "bottleneck_activation": "sigmoid", "penalties": { "kl_sparsity": { "rho": 0.05, "beta": -2 } } }""",
        "field 'penalties.kl_sparsity.beta': expected a finite weight ≥ 0, got -2");

    [Fact]
    public void L2_on_a_layer_that_does_not_exist() => SpecFails("""{ "penalties": { "l2_layers": { "decoder.7": 0.01 } } }""",
        "field 'penalties.l2_layers': no Dense layer named 'decoder.7' (expected one of encoder.0, decoder.0)");

    [Fact]
    public void L2_on_a_tied_decoder_which_has_no_kernel_of_its_own() => SpecFails("""{ "family": "tied", "penalties": { "l2_layers": { "decoder.0": 0.01 } } }""",
        "no Dense layer named 'decoder.0' (expected one of encoder.0)");

    [Fact]
    public void Unknown_penalty() => SpecFails("""{ "penalties": { "l3": 0.01 } }""", "l3");

    [Fact]
    public void Tied_model_with_an_asymmetric_decoder() => SpecFails("""{ "family": "tied", "encoder": [256, 128], "decoder": [128] }""",
        "spec.json: field 'decoder': a tied model's decoder mirrors its encoder (expected [128, 256] or no decoder), got [128]");

    [Fact]
    public void Diagnose_needs_trained_weights() =>
        Fails("--model: 'overcomplete' has no trained weights", "diagnose", "--model", "overcomplete", "--data", "mnist");

    [Theory]
    [InlineData("--noise", "-0.3", "--noise: expected a positive σ, got -0.3")]
    [InlineData("--noise", "0", "--noise: expected a positive σ, got 0")]
    [InlineData("--samples", "1", "--samples: expected at least 2, got 1")]
    [InlineData("--samples", "lots", "lots")]
    public void Diagnose_options_out_of_range(string option, string value, string expected) =>
        Fails(expected, "diagnose", "--model", "missing-folder", "--data", "mnist", option, value);

    [Fact]
    public void Diagnose_of_a_missing_folder() => Fails("missing-folder: model folder not found", "diagnose", "--model", "missing-folder", "--data", "mnist");
}
