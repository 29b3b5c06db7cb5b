using Bottleneck.Models;
using Bottleneck.Models.Conv;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Xunit;
using static Bottleneck.Models.Conv.ConvLayerSpec;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Models;

/// <summary>The convolutional family (§3.4, §10.3): the chapter's exact models, their shapes, layouts, specs and weights.</summary>
public class ConvolutionalAutoencoderTests
{
    static Autoencoder Build(string preset, params int[] inputShape)
    {
        random.manual_seed(1);
        var spec = Presets.Get(preset);
        return ModelFactory.Create(inputShape.Length == 0 ? spec.WithInputShape([28, 28]) : spec with { InputShape = inputShape });
    }

    [Theory]
    [InlineData("conv", 28_353)]            // §10.3 summary: 320 + 9,248 × 3 + 289 (§10.3)
    [InlineData("conv-transpose", 74_497)]  // 320 + 18,496 + 36,928 + 18,464 + 289
    [InlineData("conv-blog", 4_385)]        // Keras blog: 160 + 1,160 + 584 × 3 + 1,168 + 145
    [InlineData("conv-denoise", 28_353)]
    [InlineData("conv-color", 604_099)]     // Practice Problem 1: 896 + 18,496 + 262,208 + 266,240 + 36,928 + 18,464 + 867
    public void Presets_have_exact_parameter_counts(string preset, long expected)
    {
        using var model = preset == "conv-color" ? Build(preset, 32, 32, 3) : Build(preset);
        Assert.Equal(expected, model.TrainableParameterCount);
        Assert.Equal(0, model.NonTrainableParameterCount);
    }

    /// <summary>Every layer but the activations, as "type: C×H×W params", in forward order.</summary>
    static string[] Rows(Autoencoder model) => ModelSummary.Of(model)
        .Where(r => r.Type is not ("ReLU" or "Input") && !r.Type.Contains("output activation"))
        .Select(r => $"{r.Type.Split('(')[0].Trim()}: {string.Join("×", r.OutputShape)} {r.TrainableParams}{(r.IsBottleneck ? " bottleneck" : "")}")
        .ToArray();

    [Fact]
    public void Conv_layers_have_the_keras_summarys_shapes_and_counts()
    {
        using var model = Build("conv");
        Assert.Equal(new[]
        {
            "Reshape: 1×28×28 0",
            "Conv2D: 32×28×28 320", "MaxPool2D: 32×14×14 0", "Conv2D: 32×14×14 9248", "MaxPool2D: 32×7×7 0 bottleneck",
            "Conv2D: 32×7×7 9248", "UpSampling2D: 32×14×14 0", "Conv2D: 32×14×14 9248", "UpSampling2D: 32×28×28 0", "Conv2D: 1×28×28 289",
            "Reshape: 28×28 0",
        }, Rows(model));
        Assert.Equal([32L, 7, 7], model.CodeShape);   // 1,568 values for 784 pixels: twice the input (§11.1)
    }

    [Fact]
    public void Conv_transpose_layers_go_28_14_7_and_back_with_keras_padding()
    {
        using var model = Build("conv-transpose");
        Assert.Equal(new[]
        {
            "Reshape: 1×28×28 0",
            "ZeroPad2D: 1×29×29 0", "Conv2D: 32×14×14 320", "ZeroPad2D: 32×15×15 0", "Conv2D: 64×7×7 18496",
            "Conv2DTranspose: 64×15×15 36928", "Crop: 64×14×14 0", "Conv2DTranspose: 32×29×29 18464", "Crop: 32×28×28 0", "Conv2D: 1×28×28 289",
            "Reshape: 28×28 0",
        }, Rows(model));
        // The bottleneck is the ReLU after the second strided convolution (Conv2D(..., name='bottleneck') in §10.3).
        var bottleneck = ModelSummary.Of(model).Single(r => r.IsBottleneck);
        Assert.Equal("ReLU", bottleneck.Type);
        Assert.Equal([64L, 7, 7], bottleneck.OutputShape);
        Assert.Equal([64L, 7, 7], model.CodeShape);
    }

    [Fact]
    public void Conv_blog_pools_7_to_4_for_a_128_value_code()
    {
        using var model = Build("conv-blog");
        Assert.Equal(new[]
        {
            "Reshape: 1×28×28 0",
            "Conv2D: 16×28×28 160", "MaxPool2D: 16×14×14 0", "Conv2D: 8×14×14 1160", "MaxPool2D: 8×7×7 0", "Conv2D: 8×7×7 584",
            "MaxPool2D: 8×4×4 0 bottleneck",
            "Conv2D: 8×4×4 584", "UpSampling2D: 8×8×8 0", "Conv2D: 8×8×8 584", "UpSampling2D: 8×16×16 0",
            "Conv2D: 16×14×14 1168", "UpSampling2D: 16×28×28 0", "Conv2D: 1×28×28 145",
            "Reshape: 28×28 0",
        }, Rows(model));
        Assert.Equal(128, model.CodeShape.Aggregate(1L, (a, b) => a * b));
    }

    [Fact]
    public void Colour_model_has_a_dense_64_value_code()
    {
        using var model = Build("conv-color", 32, 32, 3);
        Assert.Equal(new[]
        {
            "Reshape: 3×32×32 0",
            "ZeroPad2D: 3×33×33 0", "Conv2D: 32×16×16 896", "ZeroPad2D: 32×17×17 0", "Conv2D: 64×8×8 18496", "Flatten: 4096 0",
            "Dense: 64 262208",
            "Dense: 4096 266240", "Reshape: 64×8×8 0", "Conv2DTranspose: 64×17×17 36928", "Crop: 64×16×16 0",
            "Conv2DTranspose: 32×33×33 18464", "Crop: 32×32×32 0", "Conv2D: 3×32×32 867",
            "Reshape: 32×32×3 0",
        }, Rows(model));
        Assert.Equal([64L], model.CodeShape);
    }

    [Fact]
    public void A_sample_may_be_flat_square_or_channels_first_and_the_output_keeps_its_layout()
    {
        using var model = Build("conv-blog");
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = rand(3, 28, 28, generator: new TorchSharp.torch.Generator(5));
        var fromImages = model.Reconstruct(images);
        Assert.Equal([3L, 28, 28], fromImages.shape);
        Assert.True(fromImages.allclose(model.Reconstruct(images.reshape(3, 784)).reshape(3, 28, 28)));
        Assert.True(fromImages.allclose(model.Reconstruct(images.reshape(3, 1, 28, 28)).reshape(3, 28, 28)));
        Assert.Equal([3L, 8, 4, 4], model.Encode(images).shape);
        // Codes may come flattened (e.g. from a .npy of 128-value rows).
        Assert.True(fromImages.allclose(model.Decode(model.Encode(images).reshape(3, 128))));
    }

    [Fact]
    public void Channels_last_samples_are_permuted_not_reshaped()
    {
        // A model for [H, W, C] = [4, 4, 3] samples and the same weights for [C, H, W] = [3, 4, 4] samples must agree
        // once the data is permuted: a reshape would scramble the colours.
        var layers = new ConvSpec { Encoder = [Conv(5), MaxPool()], Decoder = [Upsample(), Conv(3)] };
        random.manual_seed(2);
        using var channelsLast = ModelFactory.Create(new ModelSpec { Family = "conv", InputShape = [4, 4, 3], Conv = layers });
        using var channelsFirst = ModelFactory.Create(new ModelSpec { Family = "conv", InputShape = [3, 4, 4], Conv = layers });
        using (no_grad())
            foreach (var (name, tensor) in channelsFirst.state_dict()) tensor.copy_(channelsLast.state_dict()[name]);
        using var scope = NewDisposeScope();
        var hwc = rand(2, 4, 4, 3, generator: new TorchSharp.torch.Generator(9));
        var fromLast = channelsLast.Reconstruct(hwc);
        var fromFirst = channelsFirst.Reconstruct(hwc.permute(0, 3, 1, 2));
        Assert.Equal([2L, 4, 4, 3], fromLast.shape);
        Assert.True(fromLast.permute(0, 3, 1, 2).allclose(fromFirst, 1e-6, 1e-6));
    }

    [Fact]
    public void A_spec_file_builds_the_same_model_as_the_preset()
    {
        const string json = """
            {
              "family": "conv", "name": "conv",
              "conv": {
                "encoder": [ { "type": "conv", "filters": 32 }, { "type": "max_pool" }, { "type": "conv", "filters": 32 }, { "type": "max_pool" } ],
                "decoder": [ { "type": "conv", "filters": 32 }, { "type": "upsample" }, { "type": "conv", "filters": 32 }, { "type": "upsample" },
                             { "type": "conv", "filters": 1 } ]
              }
            }
            """;
        var spec = ModelSpec.Parse(json, "spec.json");
        using var fromFile = ModelFactory.Create(spec.WithInputShape([28, 28]));
        using var preset = Build("conv");
        Assert.Equal(Rows(preset), Rows(fromFile));
        // model.json keeps the spec: it must read back to an equal model.
        var again = ModelSpec.Parse(Presets.Get("conv").ToJson(), "model.json");
        Assert.Equal(Presets.Get("conv").Conv!.Encoder, again.Conv!.Encoder);
        Assert.Equal(Presets.Get("conv").Conv!.Decoder, again.Conv!.Decoder);
    }

    [Theory]
    [InlineData("""{ "family": "conv" }""", "field 'conv': required for family 'conv'")]
    [InlineData("""{ "family": "conv", "conv": { "encoder": [ { "type": "convolution", "filters": 4 } ], "decoder": [ { "type": "conv", "filters": 1 } ] } }""",
        "field 'conv.encoder[0].type': unknown layer type 'convolution'")]
    [InlineData("""{ "family": "conv", "conv": { "encoder": [ { "type": "conv" } ], "decoder": [ { "type": "conv", "filters": 1 } ] } }""",
        "field 'conv.encoder[0].filters': required for a conv layer")]
    [InlineData("""{ "family": "conv", "conv": { "encoder": [ { "type": "max_pool", "stride": 2 } ], "decoder": [ { "type": "conv", "filters": 1 } ] } }""",
        "field 'conv.encoder[0].stride': a max_pool layer has no 'stride'")]
    [InlineData("""{ "family": "conv", "conv": { "encoder": [ { "type": "conv", "filters": 4, "padding": "full" } ], "decoder": [ { "type": "conv", "filters": 1 } ] } }""",
        "field 'conv.encoder[0].padding': expected \"same\" or \"valid\"")]
    [InlineData("""{ "family": "conv", "conv": { "encoder": [ { "type": "conv", "filters": 4 } ], "decoder": [ { "type": "conv", "filters": 1, "activation": "tanh" } ] } }""",
        "field 'conv.decoder[0].activation': the last layer's activation is the model's output_activation ('sigmoid')")]
    public void Bad_specs_name_the_field(string json, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => ModelSpec.Parse(json, "spec.json"));
        Assert.Contains("spec.json: " + expected, e.Message);
    }

    [Theory]
    [InlineData(new[] { 28, 28 }, "the decoder produces [1, 32, 32] but the input is [1, 28, 28]")]
    [InlineData(new[] { 30 }, "[30] is not a square image")]
    public void Shapes_that_do_not_fit_are_refused_when_the_model_is_built(int[] inputShape, string expected)
    {
        // 28 → 14, then ×2 and a 5×5 'valid' transposed convolution: 28 + 4 = 32.
        var spec = new ModelSpec { Family = "conv", InputShape = inputShape,
            Conv = new ConvSpec { Encoder = [Conv(4), MaxPool()], Decoder = [Upsample(), ConvTranspose(1, kernel: 5, stride: 1, padding: "valid")] } };
        var e = Assert.Throws<BadInputException>(() => ModelFactory.Create(spec));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_dense_layer_after_a_convolution_needs_a_flatten()
    {
        var spec = new ModelSpec { Family = "conv", InputShape = [8, 8], Conv = new ConvSpec { Encoder = [Conv(4), Dense(16)], Decoder = [Dense(64)] } };
        var e = Assert.Throws<BadInputException>(() => ModelFactory.Create(spec));
        Assert.Contains("field 'conv.encoder[1]': a dense layer takes a vector, got [4, 8, 8] (add a flatten layer before it)", e.Message);
    }

    [Fact]
    public void Weights_are_saved_under_pytorch_sequential_names_and_load_back()
    {
        using var folder = new TempFolder();
        using var model = Build("conv");
        ModelFolder.Save(model, folder.Path);
        var (tensors, _) = SafeTensorsFile.Read(folder[ModelFolder.WeightsFile]);
        // nn.Sequential(Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d) and (Conv2d, ReLU, Upsample, Conv2d, ReLU, Upsample, Conv2d)
        Assert.Equal(new[] { "decoder.0.bias", "decoder.0.weight", "decoder.3.bias", "decoder.3.weight", "decoder.6.bias", "decoder.6.weight",
                             "encoder.0.bias", "encoder.0.weight", "encoder.3.bias", "encoder.3.weight" },
            tensors.Select(t => t.Name).Order().ToArray());
        Assert.Equal([32L, 1, 3, 3], tensors.Single(t => t.Name == "encoder.0.weight").Shape);
        Assert.Equal([1L, 32, 3, 3], tensors.Single(t => t.Name == "decoder.6.weight").Shape);
        using var loaded = ModelFolder.Load(folder.Path);
        model.eval();
        using var scope = NewDisposeScope();
        var x = rand(2, 28, 28);
        Assert.Equal(model.Reconstruct(x).data<float>().ToArray(), loaded.Reconstruct(x).data<float>().ToArray());
    }

    [Fact]
    public void Training_a_small_conv_model_lowers_the_loss()
    {
        using var data = TestData.LowRank(count: 256, size: 64);   // 64 values: 8×8 images
        var spec = new ModelSpec { Family = "conv", Name = "small-conv", Conv = new ConvSpec { Encoder = [Conv(8), MaxPool()], Decoder = [Conv(8), Upsample(), Conv(1)] } };
        random.manual_seed(3);
        using var model = ModelFactory.Create(spec.WithInputShape(data.SampleShape));
        var result = new Trainer().Fit(model, data, null, new TrainingOptions { Epochs = 8, BatchSize = 32, LearningRate = 3e-3, Loss = new ReconstructionLoss(LossKind.Bce) });
        var losses = result.History.Epochs.Select(e => e.Loss).ToArray();
        Assert.True(losses[^1] < losses[0] * 0.97, $"loss {losses[0]} → {losses[^1]}");
    }
}
