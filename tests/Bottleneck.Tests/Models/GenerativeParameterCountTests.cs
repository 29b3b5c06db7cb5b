using Bottleneck.Models;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Models;

/// <summary>Parameter counts and PyTorch state_dict names of the VAE and VQ-VAE presets, with the arithmetic beside each.</summary>
public class GenerativeParameterCountTests
{
    [Theory]
    // vae (§13.1's Keras code, GUIDE §4.7): 784·256+256 = 200,960; μ and log σ² 2 × (256·32+32) = 16,448;
    // 32·256+256 = 8,448; 256·784+784 = 201,488; total 427,344.
    [InlineData("vae", 427_344)]
    // β only reweights the loss: the same 427,344.
    [InlineData("beta-vae", 427_344)]
    // vae-2d: 784·256+256 = 200,960; μ and log σ² 2 × (256·2+2) = 1,028; 2·256+256 = 768; 256·784+784 = 201,488;
    // total 404,244.
    [InlineData("vae-2d", 404_244)]
    // vae-400-20 (PyTorch's example): 784·400+400 = 314,000; 2 × (400·20+20) = 16,040; 20·400+400 = 8,400;
    // 400·784+784 = 314,384; total 652,824.
    [InlineData("vae-400-20", 652_824)]
    // conv-vae: Conv(1→32, 3×3) 1·32·9+32 = 320; Conv(32→64) 32·64·9+64 = 18,496; 64·7·7 = 3,136 features;
    // μ, log σ² 2 × (3,136·16+16) = 100,384; Dense(16→3,136) 16·3,136+3,136 = 53,312; ConvT(64→32) 64·32·9+32 = 18,464;
    // ConvT(32→1) 32·1·9+1 = 289; total 191,265.
    [InlineData("conv-vae", 191_265)]
    // vq-vae: Conv(1→32) 320; Conv(32→64) 18,496; Conv 1×1 (64→16) 64·16+16 = 1,040; codebook 64·16 = 1,024;
    // Conv 3×3 (16→64) 16·64·9+64 = 9,280; ConvT(64→32) 18,464; ConvT(32→1) 289; total 48,913 (the int64 usage
    // counters are buffers, not parameters).
    [InlineData("vq-vae", 48_913)]
    public void Presets_have_the_hand_computed_counts(string preset, long expected)
    {
        using var model = ModelFactory.Create(Presets.Get(preset).WithInputShape([28, 28]));
        Assert.Equal(expected, model.TrainableParameterCount);
        Assert.Equal(0, model.NonTrainableParameterCount);
        Assert.Equal(expected, ModelSummary.Of(model).Sum(r => r.TrainableParams));   // every parameter shows in one row of `info`
    }

    [Fact]
    public void The_vae_names_its_tensors_as_a_pytorch_module_would()
    {
        using var model = ModelFactory.Create(Presets.Get("vae").WithInputShape([784]));
        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(["decoder.0.bias", "decoder.0.weight", "decoder.2.bias", "decoder.2.weight", "encoder.0.bias", "encoder.0.weight",
            "log_var.bias", "log_var.weight", "mu.bias", "mu.weight"], shapes.Keys.Order());
        Assert.Equal([32L, 256L], shapes["mu.weight"]);
        Assert.Equal([32L, 256L], shapes["log_var.weight"]);
        Assert.Equal([784L, 256L], shapes["decoder.2.weight"]);
    }

    [Fact]
    public void The_vq_vae_keeps_its_codebook_and_counters_under_quantizer()
    {
        using var model = ModelFactory.Create(Presets.Get("vq-vae").WithInputShape([28, 28]));
        var state = model.state_dict();
        Assert.Equal([64L, 16L], state["quantizer.codebook"].shape);
        Assert.Equal(ScalarType.Int64, state["quantizer.usage"].dtype);
        Assert.Equal([64L], state["quantizer.usage"].shape);
        Assert.Equal([1L], state["quantizer.batches_seen"].shape);
        Assert.Equal([1L], state["quantizer.codes_revived"].shape);
        Assert.Equal([16L, 64L, 1L, 1L], state["encoder.4.weight"].shape);   // the 1×1 conv to D = 16
        Assert.Equal([7L, 7L], model.CodeShape);
    }

    [Theory]
    [InlineData(new[] { 784 })]
    [InlineData(new[] { 28, 28 })]
    [InlineData(new[] { 1, 28, 28 })]
    [InlineData(new[] { 28, 28, 1 })]
    public void Convolutional_models_take_any_greyscale_layout(int[] shape)
    {
        using var model = ModelFactory.Create(Presets.Get("conv-vae") with { InputShape = shape });
        Assert.Equal([1L, 28L, 28L], model.InputShape);
        using var x = rand([2, .. shape.Select(d => (long)d)]);
        using var code = model.Encode(x);
        Assert.Equal([2L, 16L], code.shape);
    }
}
