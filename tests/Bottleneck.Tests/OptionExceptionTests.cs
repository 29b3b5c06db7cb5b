using Bottleneck.Training;
using Xunit;

namespace Bottleneck.Tests;

/// <summary>The library names a bad option by its field, as the settings spell it, never by a command-line flag.</summary>
public class OptionExceptionTests
{
    [Fact]
    public void A_bad_batch_size_names_the_field_batch_size()
    {
        var e = Assert.Throws<OptionException>(() => new TrainingOptions { BatchSize = 0 }.Validate());
        Assert.Equal("batch_size", e.Field);
        Assert.Equal("batch_size: expected a positive batch size, got 0", e.Message);
        Assert.Equal("expected a positive batch size, got 0", e.Problem);
        Assert.IsAssignableFrom<BadInputException>(e);   // still bad input: exit code 2 on the command line
    }

    [Fact]
    public void Options_in_combination_a_given_value_and_mentions_are_all_named_by_field()
    {
        var both = Assert.Throws<OptionException>(() => new ValidationChoice(0.2, "other", false).Apply(TestData.LowRank(count: 8), new()));
        Assert.Equal(["val_split", "val_data"], both.Fields.Take(2));
        Assert.Equal("val_split, val_data and no_validation: choose one", both.Message);

        var fixedNoise = Assert.Throws<OptionException>(() => new TrainingRecipe { Data = "mnist", Spec = new() { Name = "x" }, OutputDirectory = "out", FixedNoise = true }.ToOptions());
        Assert.Equal("fixed_noise: needs a corruption to fix (give `noise`, e.g. `noise` gaussian:0.5)", fixedNoise.Message);
        // A front end names each option its own way, the leading ones and the ones the problem mentions alike.
        Assert.Equal("--fixed-noise: needs a corruption to fix (give --noise, e.g. --noise gaussian:0.5)", fixedNoise.Describe(f => "--" + f.Replace('_', '-')));

        var layerwise = new OptionException("pretrain", "model 'basic' has a single encoder layer") { Value = "layerwise" };
        Assert.Equal("pretrain layerwise: model 'basic' has a single encoder layer", layerwise.Message);
    }

    [Fact]
    public void A_mention_the_front_end_has_no_name_for_keeps_its_backquotes() =>
        Assert.Equal("use `precision` float32 or --data", OptionException.Mentions("use `precision` float32 or `data`", f => f == "data" ? "--data" : f));
}
