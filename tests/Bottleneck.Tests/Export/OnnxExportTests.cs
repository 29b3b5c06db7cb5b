using Bottleneck.Applications.Anomaly;
using Bottleneck.Applications.Pca;
using Bottleneck.Export.Onnx;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Export;

/// <summary>
/// Every preset's four exported graphs run in ONNX Runtime, the independent reference, and compute what the model
/// computes in TorchSharp (eval mode) on a few hundred samples: within 1e-5 for values, equal for VQ-VAE indices.
/// </summary>
public sealed class OnnxExportTests
{
    const int Samples = 200;
    const double Tolerance = 1e-5;

    public static TheoryData<string> PresetNames => new(Presets.List().Select(p => p.Name));

    [Theory, MemberData(nameof(PresetNames))]
    public void EveryGraphOfAPresetMatchesTorchSharpInOnnxRuntime(string preset)
    {
        using var scope = NewDisposeScope();
        using var model = Build(preset);
        using var noGrad = no_grad();
        using var generator = new Generator(5);
        var input = rand([Samples, .. model.InputShape], generator: generator);

        // encode
        var encoded = Run(model, OnnxGraphKind.Encode, "input", input);
        switch (model)
        {
            case VariationalAutoencoder vae:
                var (mu, logVar) = vae.Posterior(input);
                AssertClose(mu, encoded["mu"]);
                AssertClose(logVar, encoded["log_var"]);
                break;
            case VectorQuantizedAutoencoder vq:
                var indices = vq.Assign(input);
                Assert.Equal(indices.shape, encoded["indices"].shape);
                Assert.Equal(ScalarType.Int64, encoded["indices"].dtype);
                Assert.Equal(indices.data<long>().ToArray(), encoded["indices"].data<long>().ToArray());
                Assert.True(indices.unique().output.shape[0] > 10, "the codebook should be in use, or equal indices prove little");
                break;
            default:
                AssertClose(model.Encode(input), encoded["code"]);
                break;
        }

        // decode, from codes the encoder did not produce
        var (codeName, code) = model switch
        {
            VariationalAutoencoder => ("z", randn([Samples, .. model.CodeShape], generator: generator)),
            VectorQuantizedAutoencoder vq => ("indices", randint(0, vq.CodebookSize, [Samples, .. model.CodeShape], dtype: ScalarType.Int64, generator: generator)),
            _ => ("code", randn([Samples, .. model.CodeShape], generator: generator)),
        };
        AssertClose(model.Decode(code), Run(model, OnnxGraphKind.Decode, codeName, code)["reconstruction"]);

        // reconstruct and score
        AssertClose(model.Reconstruct(input), Run(model, OnnxGraphKind.Reconstruct, "input", input)["reconstruction"]);
        AssertClose(AnomalyDetector.ErrorsOf(model, null, input), Run(model, OnnxGraphKind.Score, "input", input)["score"]);
    }

    /// <summary>
    /// Specs beyond the presets: every activation, BatchNorm and Dropout under other activations, [C, H, W] and flat
    /// square inputs, odd image sizes, an even kernel (uneven 'same' padding), stride 2 on an odd size, 'same' pooling
    /// with a ragged last window, a transposed convolution with K &lt; S (output padding), 'valid' convolutions.
    /// </summary>
    public static TheoryData<string> CustomSpecs => new(
        """
            { "family": "dense", "input_shape": [36], "encoder": [16], "bottleneck": 4, "activation": "leaky_relu", "leaky_relu_slope": 0.1,
              "bottleneck_activation": "elu", "output_activation": "tanh", "batch_norm": true, "dropout": 0.3 }
        """,
        """
            { "family": "tied", "input_shape": [6, 6], "encoder": [12], "bottleneck": 3, "activation": "tanh", "output_activation": "leaky_relu", "dropout": 0.1 }
        """,
        """
            { "family": "conv", "input_shape": [2, 9, 9], "output_activation": "linear", "conv": {
              "encoder": [ { "type": "conv", "filters": 4, "kernel": 4, "activation": "elu" },
              { "type": "conv", "filters": 4, "kernel": 3, "stride": 2, "activation": "leaky_relu" },
              { "type": "max_pool", "size": 2 } ],
              "decoder": [ { "type": "conv_transpose", "filters": 4, "kernel": 3, "stride": 2, "activation": "tanh" },
              { "type": "upsample", "size": 2 },
              { "type": "conv", "filters": 2, "kernel": 4, "padding": "valid" } ] } }
        """,
        """
            { "family": "conv", "input_shape": [49], "output_activation": "sigmoid", "conv": {
              "encoder": [ { "type": "conv", "filters": 3, "kernel": 3, "stride": 2 }, { "type": "flatten" }, { "type": "dense", "units": 5, "activation": "tanh" } ],
              "decoder": [ { "type": "dense", "units": 27 }, { "type": "reshape", "shape": [3, 3, 3] },
              { "type": "conv_transpose", "filters": 2, "kernel": 2, "stride": 3, "activation": "sigmoid" },
              { "type": "conv", "filters": 1, "kernel": 3, "padding": "valid" } ] } }
        """);

    [Theory, MemberData(nameof(CustomSpecs))]
    public void CustomSpecsExportToo(string json)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(13);
        using var model = Prepare(ModelFactory.Create(ModelSpec.Parse(json, "test spec")));
        using var noGrad = no_grad();
        using var generator = new Generator(7);
        var input = rand([Samples, .. model.InputShape], generator: generator);
        var code = randn([Samples, .. model.CodeShape], generator: generator);
        AssertClose(model.Encode(input), Run(model, OnnxGraphKind.Encode, "input", input)["code"]);
        AssertClose(model.Decode(code), Run(model, OnnxGraphKind.Decode, "code", code)["reconstruction"]);
        AssertClose(model.Reconstruct(input), Run(model, OnnxGraphKind.Reconstruct, "input", input)["reconstruction"]);
    }

    [Fact]
    public void APcaFolderExportsAsItsLinearAutoencoderAndMatchesTheFloat64Pca()
    {
        using var scope = NewDisposeScope();
        using var folder = new TempFolder();
        var data = TestData.LowRank(count: 300, size: 64, rank: 4);
        using var pca = PrincipalComponents.Fit(data, 6, PcaMethod.Svd);
        PcaFolder.Save(pca, folder.Path);
        using var model = ModelFolder.Load(folder.Path);
        var input = data.Batch(0, Samples);
        // The reference is the PCA's own float64 arithmetic, z = (x − μ)Vᵀ and x̂ = (x − μ)VᵀV + μ, rounded once to float32.
        AssertClose(pca.Encode(input.to_type(ScalarType.Float64)), Run(model, OnnxGraphKind.Encode, "input", input)["code"]);
        AssertClose(pca.Reconstruct(input.to_type(ScalarType.Float64)), Run(model, OnnxGraphKind.Reconstruct, "input", input)["reconstruction"]);
    }

    [Theory]
    [InlineData(18)]
    [InlineData(21)]
    public void LaterOpsetsGiveTheSameScores(int opset)
    {
        using var scope = NewDisposeScope();
        using var model = Build("deep-bn");
        using var noGrad = no_grad();
        using var generator = new Generator(6);
        var input = rand([Samples, .. model.InputShape], generator: generator);
        AssertClose(AnomalyDetector.ErrorsOf(model, null, input), Run(model, OnnxGraphKind.Score, "input", input, opset)["score"]);
    }

    [Fact]
    public void MetadataDescribesTheModelAndTheGraph()
    {
        using var model = Build("conv-color");
        using var session = new InferenceSession(OnnxExport.ToBytes(model, OnnxGraphKind.Reconstruct, scaling: "x / 255"));
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("conv", metadata["family"]);
        Assert.Equal("reconstruct", metadata["graph"]);
        Assert.Equal("[32,32,3]", metadata["input_shape"]);
        Assert.Equal("x / 255", metadata["scaling"]);
        Assert.Equal(LibraryInfo.Version, metadata["library_version"]);
        Assert.Equal(model.Spec, ModelSpec.Parse(metadata["spec"], "metadata"), SpecComparer.Instance);
        // The batch dimension is symbolic: any number of samples.
        Assert.Equal([-1, 32, 32, 3], session.InputMetadata["input"].Dimensions);
        Assert.Equal("batch", session.InputMetadata["input"].SymbolicDimensions[0]);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(22)]
    public void AnOpsetOutsideTheSupportedRangeIsRefusedAndNothingIsWritten(int opset)
    {
        using var folder = new TempFolder();
        using var model = Build("basic");
        var error = Assert.Throws<OptionException>(() => OnnxExport.Save(model, folder["model.onnx"], OnnxGraphKind.Encode, opset));
        Assert.Equal($"opset: expected an opset from 17 to 21, got {opset}", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void ALayerWithNoOnnxFormIsRefusedByNameAndNothingIsWritten()
    {
        using var folder = new TempFolder();
        var path = folder["model.onnx"];
        using var model = new SoftplusAutoencoder();
        var error = Assert.Throws<BadInputException>(() => OnnxExport.Save(model, path, OnnxGraphKind.Reconstruct));
        Assert.Equal("layer 'encoder.1' (Softplus): this layer type has no ONNX form in this exporter; nothing was written", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void AModelTypeWithNoOnnxFormIsRefusedByName()
    {
        using var deep = (DenseAutoencoder)Build("deep");
        using var pair = new LayerPair(deep, 0);
        var error = Assert.Throws<BadInputException>(() => OnnxExport.ToBytes(pair, OnnxGraphKind.Encode));
        Assert.Equal("model family 'dense' (LayerPair) has no ONNX form in this exporter; nothing was written", error.Message);
    }

    /// <summary>A preset built with a fixed seed (see <see cref="Prepare"/>).</summary>
    internal static Autoencoder Build(string preset)
    {
        random.manual_seed(11);
        var spec = Presets.Get(preset);
        return Prepare(ModelFactory.Create(spec.InputShape is null ? spec.WithInputShape([28, 28]) : spec));
    }

    /// <summary>A model with its zero biases and BatchNorm statistics made random so the graph has to carry them, in eval mode.</summary>
    static Autoencoder Prepare(Autoencoder model)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(12);
        foreach (var (name, parameter) in model.named_parameters())
            if (name.EndsWith("bias")) parameter.add_(0.1 * randn(parameter.shape, generator: generator));
        foreach (var norm in model.modules().OfType<BatchNorm>())
        {
            norm.weight!.add_(0.1 * randn(norm.weight.shape, generator: generator));
            norm.running_mean!.copy_(0.1 * randn(norm.running_mean.shape, generator: generator));
            norm.running_var!.copy_(0.5 + rand(norm.running_var.shape, generator: generator));
        }
        if (model is VectorQuantizedAutoencoder vq)
        {
            // The first training-mode quantisation places the codebook on encoder outputs, as training does.
            vq.train();
            vq.Quantizer.Quantize(vq.EncodeContinuous(rand([64, .. vq.InputShape], generator: generator)));
        }
        model.eval();
        return model;
    }

    /// <summary>Runs <paramref name="model"/>'s exported <paramref name="kind"/> graph in ONNX Runtime on one input; returns every output by name.</summary>
    internal static Dictionary<string, Tensor> Run(Autoencoder model, OnnxGraphKind kind, string inputName, Tensor input, int opset = OnnxExport.DefaultOpset)
    {
        using var session = new InferenceSession(OnnxExport.ToBytes(model, kind, opset));
        using var value = input.dtype == ScalarType.Int64
            ? OrtValue.CreateTensorValueFromMemory(input.contiguous().data<long>().ToArray(), input.shape)
            : OrtValue.CreateTensorValueFromMemory(input.contiguous().data<float>().ToArray(), input.shape);
        using var runOptions = new RunOptions();
        var names = session.OutputNames;
        using var outputs = session.Run(runOptions, [inputName], [value], names);
        var result = new Dictionary<string, Tensor>();
        for (int i = 0; i < names.Count; i++)
        {
            var info = outputs[i].GetTensorTypeAndShape();
            result[names[i]] = info.ElementDataType == TensorElementType.Int64
                ? tensor(outputs[i].GetTensorDataAsSpan<long>().ToArray(), info.Shape)
                : tensor(outputs[i].GetTensorDataAsSpan<float>().ToArray(), info.Shape);
        }
        return result;
    }

    static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected.to_type(ScalarType.Float64) - actual.to_type(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(difference <= Tolerance, $"max |TorchSharp − ONNX Runtime| = {difference:E3} over [{string.Join(", ", expected.shape)}], more than {Tolerance:E0}");
    }

    /// <summary>A dense model with a Softplus in its encoder: a layer the exporter has no ONNX form for.</summary>
    sealed class SoftplusAutoencoder : StackedDenseAutoencoder
    {
        public SoftplusAutoencoder() : base("SoftplusAutoencoder", new ModelSpec { InputShape = [4], Bottleneck = 2 })
        {
            var code = nn.Linear(4, 2);
            Assemble([code, nn.Softplus()], [nn.Linear(2, 4)],
                new PenalisedObjective(null, [("encoder.0", code)], code, ActivationKind.Relu, 0.01, "test"));
        }
    }

    /// <summary>Specs compared by their JSON, since records with arrays compare arrays by reference.</summary>
    sealed class SpecComparer : IEqualityComparer<ModelSpec>
    {
        public static readonly SpecComparer Instance = new();
        public bool Equals(ModelSpec? x, ModelSpec? y) => x?.ToJson() == y?.ToJson();
        public int GetHashCode(ModelSpec spec) => spec.ToJson().GetHashCode();
    }
}
