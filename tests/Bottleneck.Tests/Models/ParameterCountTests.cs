using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Xunit;

namespace Bottleneck.Tests.Models;

/// <summary>Every dense parameter count the chapter gives, with its wrong figures corrected (hand counts: in·out + out per layer).</summary>
public class ParameterCountTests
{
    static long Count(ModelSpec spec, out long frozen)
    {
        using var model = ModelFactory.Create(spec.WithInputShape([784]));
        frozen = model.NonTrainableParameterCount;
        return model.TrainableParameterCount + frozen;
    }

    [Theory]
    [InlineData("basic", 50_992, 0)]          // §10.1; the chapter's §2.3 says 51,072
    [InlineData("deep", 222_384, 0)]          // §10.5
    [InlineData("deep-bn", 1_148_464, 3_584)] // §10.2: 1,141,296 dense + 7,168 BatchNorm, of which 3,584 moving statistics
    [InlineData("viz2d", 469_010, 0)]         // §8.1
    [InlineData("ae-256-32", 419_120, 0)]     // §9's 784-256-32-256-784 (§9.3 says 227,360): 200,960 + 8,224 + 8,448 + 201,488
    public void Presets_have_the_chapters_exact_counts(string preset, long total, long nonTrainable)
    {
        Assert.Equal(total, Count(Presets.Get(preset), out var frozen));
        Assert.Equal(nonTrainable, frozen);
    }

    [Theory]
    [InlineData(new[] { 128 }, 32, 209_968)]            // "~222K" at §3.4 is wrong for 784-128-32-128-784
    [InlineData(new[] { 256, 128 }, 32, 476_720)]       // §4.3, correct
    [InlineData(new[] { 256 }, 32, 419_120)]            // §9.3 says 227,360
    [InlineData(new[] { 512, 256 }, 32, 1_083_696)]     // §9.3 says 476,720
    [InlineData(new int[0], 1000, 1_569_784)]           // overcomplete 784-1000-784
    public void Corrected_counts_for_the_chapters_other_784_networks(int[] hidden, int code, long expected) =>
        Assert.Equal(expected, Count(new ModelSpec { Encoder = hidden, Bottleneck = code }, out _));

    [Theory]
    [InlineData(new int[0], 10, 2_110)]                 // Practice Problem 2: 1,010 + 1,100
    [InlineData(new[] { 50, 25 }, 10, 13_260)]
    [InlineData(new[] { 30 }, 10, 6_770)]
    public void Practice_problem_counts_for_100_inputs(int[] hidden, int code, long expected)
    {
        using var model = ModelFactory.Create(new ModelSpec { InputShape = [100], Encoder = hidden, Bottleneck = code });
        Assert.Equal(expected, model.TrainableParameterCount);
    }

    [Fact]
    public void Encoder_and_decoder_of_the_basic_model_split_as_in_keras_summary()
    {
        using var model = (DenseAutoencoder)ModelFactory.Create(Presets.Get("basic").WithInputShape([784]));
        var rows = ModelSummary.Of(model);
        Assert.Equal(25_120, rows.Single(r => r.Name == "encoder.0").TrainableParams);
        Assert.Equal(25_872, rows.Single(r => r.Name == "decoder.0").TrainableParams);
        Assert.Equal([32L], rows.Single(r => r.IsBottleneck).OutputShape);
        Assert.Equal([784L], rows.Last().OutputShape);
    }

    [Fact]
    public void Summary_rows_count_every_parameter_so_they_sum_to_the_total()
    {
        using var model = ModelFactory.Create(Presets.Get("deep-bn").WithInputShape([784]));
        var rows = ModelSummary.Of(model);
        // BatchNorm over 512 units: γ and β (2 × 512 trainable) and the moving mean and variance (2 × 512 not).
        var firstNorm = rows.Single(r => r.Name == "encoder.1");
        Assert.Equal((1_024L, 1_024L, 2_048L), (firstNorm.TrainableParams, firstNorm.NonTrainableParams, firstNorm.Params));
        Assert.Equal(1_148_464, rows.Sum(r => r.Params));
        Assert.Equal(3_584, rows.Sum(r => r.NonTrainableParams));
    }

    [Fact]
    public void Deep_bn_places_batchnorm_before_activation_and_none_at_the_bottleneck()
    {
        using var model = ModelFactory.Create(Presets.Get("deep-bn").WithInputShape([784]));
        var types = ModelSummary.Of(model).Select(r => r.Type).ToArray();
        // input, [Dense, BN, ReLU, Dropout] × 3, Dense(128→32), ReLU (bottleneck), [Dense, BN, ReLU, Dropout] × 3, Dense(512→784), Sigmoid
        Assert.Equal("Dense(784→512)", types[1]);
        Assert.Equal("BatchNorm", types[2]);
        Assert.Equal("ReLU", types[3]);
        Assert.Equal("Dropout", types[4]);
        Assert.Equal("Dense(128→32)", types[13]);
        Assert.Equal("ReLU", types[14]);
        Assert.Equal("Dense(32→128)", types[15]);
        Assert.Equal(1 + 12 + 2 + 12 + 1 + 1, types.Length);
    }
}
