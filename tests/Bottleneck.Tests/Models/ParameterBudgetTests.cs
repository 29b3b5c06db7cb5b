using System.Diagnostics;
using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Models.Vq;
using Bottleneck.Persistence;
using Bottleneck.Tests.Cli;
using Xunit;

namespace Bottleneck.Tests.Models;

/// <summary>A spec's size is measured from its numbers before any tensor is allocated, and one beyond 2^28 parameters is refused.</summary>
public class ParameterBudgetTests
{
    [Fact]
    public void The_estimate_of_a_dense_model_is_its_exact_count()
    {
        // 784·32 + 32 (encoder) + 32·784 + 784 (decoder), counted by hand.
        var spec = Presets.Get("basic").WithInputShape([784]);
        Assert.Equal(50_992, ParameterBudget.Estimate(spec));
        using var model = ModelFactory.Create(spec);
        Assert.Equal(50_992, model.TrainableParameterCount + model.NonTrainableParameterCount);
    }

    [Fact]
    public void Every_preset_is_within_its_estimate_and_the_estimate_within_four_times_the_model()
    {
        foreach (var (name, _) in Presets.List())
        {
            var spec = Presets.Get(name);
            spec = spec.WithInputShape(spec.Family is "conv" or VectorQuantizedAutoencoder.FamilyName ? [28, 28] : [784]);
            using var model = ModelFactory.Create(spec);
            double exact = model.TrainableParameterCount + model.NonTrainableParameterCount, estimate = ParameterBudget.Estimate(spec);
            Assert.True(estimate >= exact && estimate <= 4 * exact, $"{name}: estimate {estimate}, exact {exact}");
        }
    }

    [Theory]
    [InlineData(1_000_000_000, "about 1.57E+12 parameters")]   // 2 · 784 · 10^9 + 10^9 + 784
    [InlineData(300_000, "about 4.71E+08 parameters")]         // 2 · 784 · 300,000 + 300,000 + 784
    public void A_spec_beyond_the_budget_is_refused_before_anything_is_allocated(int units, string expected)
    {
        var spec = new ModelSpec { Name = "huge", InputShape = [784], Bottleneck = units };
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<BadInputException>(() => ModelFactory.Create(spec, "huge.json"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.StartsWith($"huge.json: the model would have {expected}, more than the limit of 2^28 = 268,435,456", e.Message);
    }

    [Fact]
    public void A_model_json_whose_spec_is_beyond_the_budget_is_refused_before_its_weights_are_read()
    {
        using var folder = new TempFolder();
        using (var model = ModelFactory.Create(new ModelSpec { Name = "tiny", InputShape = [16], Encoder = [8], Bottleneck = 3 }))
            ModelFolder.Save(model, folder.Path);
        var path = folder[ModelFolder.ModelFile];
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        manifest["spec"]!["encoder"] = new JsonArray(1_000_000_000);
        File.WriteAllText(path, manifest.ToJsonString());
        var e = Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path));
        // (16·10^9 + 10^9) + (10^9·3 + 3) + (3·10^9 + 10^9) + (10^9·16 + 16), the decoder mirroring the encoder.
        Assert.StartsWith($"{path} (spec): the model would have about 4E+10 parameters", e.Message);
    }

    [Fact]
    public void Info_on_a_huge_spec_is_one_line_and_exit_2()
    {
        using var folder = new TempFolder();
        folder.Write("huge.json", """{ "encoder": [1000000000], "bottleneck": 32 }""");
        CliRunner.AssertBadInput(CliRunner.Run(folder.Path, "info", "--model", "huge.json"), "huge.json: the model would have about 1.63E+12 parameters");
    }
}
