using Bottleneck.Models;
using Xunit;

namespace Bottleneck.Tests.Models;

/// <summary>The overcomplete, regularised, tied and contractive presets: counts, families, and specs that survive JSON.</summary>
public class RegularisedPresetTests
{
    [Theory]
    [InlineData("overcomplete", "dense", 1_569_784)]        // 784·1000 + 1000 + 1000·784 + 784
    [InlineData("overcomplete-1024", "dense", 3_272_480)]   // 803,840 + 1,049,600 + 803,600 + 615,440
    [InlineData("l2", "dense", 50_992)]
    [InlineData("sparse-l1", "dense", 50_992)]
    [InlineData("sparse-kl", "dense", 50_992)]
    [InlineData("tied", "tied", 25_904)]                    // 784·32 + 32 + 784, against 50,992 untied
    [InlineData("contractive", "tied", 25_904)]
    public void Presets_have_their_exact_counts(string preset, string family, long total)
    {
        using var model = ModelFactory.Create(Presets.Get(preset).WithInputShape([28, 28]));
        Assert.Equal(family, model.Spec.Family);
        Assert.Equal(total, model.TrainableParameterCount);
        Assert.Equal(0, model.NonTrainableParameterCount);
    }

    [Fact]
    public void The_overcomplete_1024_layout_follows_the_chapters_diagram()
    {
        using var model = ModelFactory.Create(Presets.Get("overcomplete-1024").WithInputShape([784]));
        var types = ModelSummary.Of(model).Select(r => r.Type).ToArray();
        Assert.Equal(["Input", "Dense(784→1024)", "ReLU", "Dense(1024→1024)", "ReLU", "Dense(1024→784)", "ReLU", "Dense(784→784)",
            "Sigmoid (output activation)"], types);
        Assert.Equal([1024L], model.CodeShape);
    }

    [Theory]
    [InlineData("l2")]
    [InlineData("sparse-l1")]
    [InlineData("sparse-kl")]
    [InlineData("contractive")]
    public void A_penalised_spec_survives_a_round_trip_through_json(string preset)
    {
        var spec = Presets.Get(preset).WithInputShape([784]);
        var again = ModelSpec.Parse(spec.ToJson(), "model.json");
        Assert.Equal(spec.ToJson(), again.ToJson());
        Assert.NotNull(again.Penalties);
        Assert.False(again.Penalties!.IsEmpty);
    }

    [Fact]
    public void Spec_json_uses_snake_case_names_for_penalties()
    {
        var spec = ModelSpec.Parse("""
            { "bottleneck": 8, "bottleneck_activation": "sigmoid",
              "penalties": { "l2": 0.001, "l2_layers": { "decoder.0": 0.02 }, "l1_activity": 0.5, "kl_sparsity": { "rho": 0.1, "beta": 3 }, "contractive": 0.05 } }
            """, "spec.json");
        var p = spec.Penalties!;
        Assert.Equal((0.001, 0.02, 0.5, 0.1, 3.0, 0.05), (p.L2, p.L2Layers!["decoder.0"], p.L1Activity, p.KlSparsity!.Rho, p.KlSparsity.Beta, p.Contractive));
    }

    [Theory]
    [InlineData("basic", "bce, mean per element")]
    [InlineData("sparse-l1", "bce + penalties, mean per element")]
    [InlineData("contractive", "bce + penalties, mean per element")]
    public void The_loss_unit_says_when_penalties_are_part_of_the_training_loss(string preset, string unit)
    {
        using var model = ModelFactory.Create(Presets.Get(preset).WithInputShape([784]));
        Assert.Equal(unit, model.LossUnit(new Bottleneck.Objectives.ReconstructionLoss(Bottleneck.Objectives.LossKind.Bce)));
    }
}
