using Bottleneck.Applications.Inspection;
using Bottleneck.Models;
using Bottleneck.Models.Conv;
using Bottleneck.Models.Dense;
using Bottleneck.Tests.Reporting;
using SkiaSharp;
using Xunit;
using static Bottleneck.Models.Conv.ConvLayerSpec;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>First-layer filters: the tiles are the weight rows or kernels, normalised as documented, and drawn in those colours.</summary>
public class FilterBankTests
{
    /// <summary>A 4×4-input dense model whose first weight row i holds (i + 1)·(j − 7.5)/10 for input j.</summary>
    static DenseAutoencoder Dense(int units = 5)
    {
        var model = new DenseAutoencoder(new ModelSpec { Name = "tiny", InputShape = [4, 4], Encoder = [], Bottleneck = units });
        using var noGrad = no_grad();
        var weight = model.state_dict()["encoder.0.weight"];
        for (int i = 0; i < units; i++)
            for (int j = 0; j < 16; j++) weight[i, j] = (i + 1) * (j - 7.5f) / 10;
        return model;
    }

    [Fact]
    public void Dense_tiles_are_the_weight_rows_shaped_as_the_input_image()
    {
        using var model = Dense();
        var bank = FilterBank.Of(model, count: 3);
        Assert.Equal(("encoder.0", "dense", 4, 4, 1), (bank.Layer, bank.Kind, bank.Width, bank.Height, bank.Channels));
        Assert.Equal(5, bank.Total);
        Assert.Equal(3, bank.Weights.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Enumerable.Range(0, 16).Select(j => (i + 1) * (j - 7.5f) / 10), bank.Weights[i]);
            // w / max|w|: the row's largest |w| is (i + 1)·7.5/10, at both ends.
            var normalised = FilterBank.Normalise(bank.Weights[i]);
            Assert.Equal(Enumerable.Range(0, 16).Select(j => (j - 7.5f) / 7.5f), normalised, (a, b) => Math.Abs(a - b) < 1e-6f);
            Assert.Equal((i + 1) * 0.75f, bank.Scales[i], 6);
        }
        Assert.Equal(new float[3], FilterBank.Normalise(new float[3]));   // an all-zero tile stays zero
    }

    [Fact]
    public void Conv_tiles_are_the_first_kernels()
    {
        random.manual_seed(2);
        using var model = ModelFactory.Create(new ModelSpec { Family = "conv", Name = "small-conv", InputShape = [8, 8],
            Conv = new ConvSpec { Encoder = [Conv(6), MaxPool()], Decoder = [Conv(6), Upsample(), Conv(1)] } });
        var bank = FilterBank.Of(model);
        var weight = model.parameters().First();   // encoder.0.weight [6, 1, 3, 3]
        Assert.Equal(new long[] { 6, 1, 3, 3 }, weight.shape);
        Assert.Equal(("conv", 3, 3, 1, 6), (bank.Kind, bank.Width, bank.Height, bank.Channels, bank.Total));
        for (int o = 0; o < 6; o++) Assert.Equal(weight[o, 0].contiguous().data<float>().ToArray(), bank.Weights[o]);
    }

    [Fact]
    public void A_first_layer_that_does_not_see_an_image_is_refused()
    {
        using var model = new DenseAutoencoder(new ModelSpec { Name = "rows", InputShape = [30], Encoder = [], Bottleneck = 4 });
        var e = Assert.Throws<OptionException>(() => FilterBank.Of(model));
        Assert.Contains("takes 30 values, which do not form an image", e.Message);
        using var image = Dense();
        Assert.Contains("count: expected at least 1", Assert.Throws<OptionException>(() => FilterBank.Of(image, 0)).Message);
    }

    [Fact]
    public void Diverging_colours_are_white_at_zero_and_the_end_colours_at_plus_and_minus_one()
    {
        Assert.Equal((1f, 1f, 1f), FilterGrid.Diverging(0));
        Assert.Equal(FilterGrid.Positive, FilterGrid.Diverging(1));
        Assert.Equal(FilterGrid.Negative, FilterGrid.Diverging(-1));
        Assert.Equal(FilterGrid.Positive, FilterGrid.Diverging(3));   // clamped
        var half = FilterGrid.Diverging(-0.5f);
        Assert.Equal((1 + FilterGrid.Negative.R) / 2, half.R, 6);
        Assert.Equal((1 + FilterGrid.Negative.B) / 2, half.B, 6);
    }

    [Fact]
    public void Each_drawn_tile_shows_its_normalised_weights_in_the_diverging_colours()
    {
        using var model = Dense(units: 2);
        var bank = FilterBank.Of(model);
        using var folder = new TempFolder();
        var path = folder.File("filters.png");
        FilterGrid.SavePng(path, bank, "tiny filters", scale: 10);
        using var image = RenderedImage.Load(path);
        // Both rows normalise to (j − 7.5)/7.5, so every one of the 16 values appears as a 10×10 square in each of the two tiles.
        for (int j = 0; j < 16; j++)
        {
            var (r, g, b) = FilterGrid.Diverging((j - 7.5f) / 7.5f);
            var expected = new SKColor(Byte(r), Byte(g), Byte(b));
            Assert.True(image.Count(SKRectI.Create(0, 0, image.Width, image.Height), c => c == expected) >= 2 * 100,
                $"value {(j - 7.5f) / 7.5f:F3}: colour {expected} not drawn over two 10×10 squares");
        }
    }

    static byte Byte(float v) => (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);
}
