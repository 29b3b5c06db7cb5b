using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Persistence;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Kernels;

/// <summary>
/// Channels-last convolution weights change the memory layout only: values and saved files are those of PyTorch's
/// layout. (That outputs and gradients are right, in whatever layout, is checked against float64 in KernelGuardTests.)
/// </summary>
public class ChannelsLastTests
{
    static Autoencoder Build(string preset)
    {
        random.manual_seed(3);
        return ModelFactory.Create(Presets.Get(preset).WithInputShape([28, 28]));
    }

    static Tensor Batch()
    {
        using var generator = new Generator(5);
        return rand([4, 28, 28], generator: generator);
    }

    [Theory]
    [InlineData("conv")]
    [InlineData("conv-transpose")]
    [InlineData("conv-vae")]
    [InlineData("vq-vae")]
    public void Every_convolution_weight_of_a_conv_family_is_stored_channels_last(string preset)
    {
        using var model = Build(preset);
        var weights = model.modules().OfType<Convolution>().Select(c => c.weight!).ToList();
        Assert.NotEmpty(weights);
        Assert.All(weights, w => Assert.True(ChannelsLast.IsChannelsLast(w), $"{string.Join("×", w.shape)} strides {string.Join(",", w.stride())}"));
        ChannelsLast.Undo(model);
        // [32, 1, 3, 3] is one of them: with one input channel both layouts pass is_contiguous(), so check the strides.
        Assert.All(model.modules().OfType<Convolution>(), c => Assert.Equal(c.weight!.shape[1] * c.weight.shape[2] * c.weight.shape[3], c.weight.stride(0)));
        Assert.All(model.modules().OfType<Convolution>(), c => Assert.Equal(1, c.weight!.stride(3)));
        Assert.All(model.modules().OfType<Convolution>(), c => Assert.Equal(c.weight!.shape[2] * c.weight.shape[3], c.weight.stride(1)));
    }

    [Fact]
    public void Saved_weights_are_the_values_and_reload_into_channels_last_parameters()
    {
        using var folder = new TempFolder();
        using var model = Build("conv");
        var path = Path.Combine(folder.Path, "m");
        ModelFolder.Save(model, path);
        using var loaded = ModelFolder.Load(path);
        foreach (var ((name, saved), (_, original)) in loaded.state_dict().Zip(model.state_dict()))
            Assert.True(saved.eq(original).all().item<bool>(), name);
        Assert.All(loaded.modules().OfType<Convolution>(), c => Assert.True(ChannelsLast.IsChannelsLast(c.weight!)));
        using var x = Batch();
        using var noGrad = no_grad();
        Assert.True(loaded.Reconstruct(x).eq(model.Reconstruct(x)).all().item<bool>());
    }
}
