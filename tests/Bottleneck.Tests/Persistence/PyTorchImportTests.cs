using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Persistence;

/// <summary>
/// `bottleneck import` against real PyTorch: each fixture under Fixtures/pytorch holds a state_dict that PyTorch 1.13
/// initialised (weights.safetensors), eight inputs, and the codes and reconstructions PyTorch computed from them in
/// float64 (reference.safetensors); see Fixtures/pytorch/README.md for the command that made them.
/// </summary>
public sealed class PyTorchImportTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", "pytorch", .. parts]);

    /// <summary>The spec a test imports into: a preset by name, or one of the fixture's spec files, with the input size filled in.</summary>
    static ModelSpec SpecFor(string model, int inputSize) =>
        ModelSource.Spec(model.EndsWith(".json") ? Fixture("specs", model) : model).WithInputShape([inputSize]);

    static double[] Float64s(TensorEntry entry)
    {
        Assert.Equal("F64", entry.DType);
        var values = new double[entry.Data.Length / 8];
        Buffer.BlockCopy(entry.Data, 0, values, 0, entry.Data.Length);
        return values;
    }

    [Theory]
    [InlineData("deep", "deep", 64)]                  // preset: Linear and ReLU, PyTorch's default (non-zero) biases
    [InlineData("conv-blog", "conv-blog", 784)]       // preset: 'same' and 'valid' convs, ragged pooling, upsampling
    [InlineData("dense-bn", "dense-bn.json", 64)]     // spec: BatchNorm1d statistics (PyTorch's scalar num_batches_tracked), leaky_relu, Dropout, linear output
    [InlineData("vae", "vae.json", 64)]               // spec: encoder, mu and log_var heads, decoder; the code is mu
    [InlineData("conv-crops", "conv-crops.json", 64)] // spec: [H, W, C] input, even kernel (ZeroPad2d), transposed convs with crops, elu/tanh
    [InlineData("tied", "tied.json", 64)]             // spec: decoder layers that hold only a bias and use encoder.N.weight transposed
    [InlineData("vq-vae", "vq-vae.json", 64)]         // spec: codebook indices as the code, quantizer buffers
    public void Imported_weights_compute_what_pytorch_computed(string fixture, string model, int inputSize)
    {
        var spec = SpecFor(model, inputSize);
        using (PyTorchImport.Import(Fixture(fixture, "weights.safetensors"), spec, folder["out"])) { }
        using var loaded = ModelFolder.Load(folder["out"]);   // through the written folder, as every command reads it

        var reference = SafeTensorsFile.Read(Fixture(fixture, "reference.safetensors")).Tensors.ToDictionary(t => t.Name);
        var inputs = reference["inputs"];
        using var x = empty(inputs.Shape, ScalarType.Float32);
        x.bytes = inputs.Data;
        using var noGrad = no_grad();
        using var code = loaded.Encode(x);
        using var reconstruction = loaded.Reconstruct(x);

        var expectedCode = Float64s(reference["codes"]);
        var expectedReconstruction = Float64s(reference["reconstructions"]);
        var actualCode = code.to_type(ScalarType.Float64).data<double>().ToArray();
        var actualReconstruction = reconstruction.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(expectedCode.Length, actualCode.Length);
        Assert.Equal(expectedReconstruction.Length, actualReconstruction.Length);
        Assert.Equal(8L * spec.InputSize, actualReconstruction.Length);
        Assert.True(expectedCode.Max(Math.Abs) > 0.1, "the reference codes are all near zero: the fixture tests nothing");
        double codeError = expectedCode.Zip(actualCode, (e, a) => Math.Abs(e - a)).Max();
        double reconstructionError = expectedReconstruction.Zip(actualReconstruction, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(codeError <= 1e-5, $"{fixture}: codes differ from PyTorch's by up to {codeError:G3}");
        Assert.True(reconstructionError <= 1e-5, $"{fixture}: reconstructions differ from PyTorch's by up to {reconstructionError:G3}");
    }

    [Fact]
    public void The_folder_records_where_its_weights_came_from()
    {
        var source = Fixture("deep", "weights.safetensors");
        using (PyTorchImport.Import(source, SpecFor("deep", 64), folder["out"])) { }
        var imported = ModelFolder.ReadManifest(folder["out"])["imported"]!;
        Assert.Equal("weights.safetensors", (string?)imported["from"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source))), (string?)imported["sha256"]);
        Assert.StartsWith("torch 1.13", (string?)imported["producer"]);
    }

    [Fact]
    public void A_shape_that_does_not_fit_the_spec_is_named_and_nothing_is_written()
    {
        var source = Fixture("deep", "weights.safetensors");
        var e = Assert.Throws<BadInputException>(() => PyTorchImport.Import(source, SpecFor("deep", 784), folder["out"]));
        Assert.Equal($"{source}: tensor 'encoder.0.weight' has shape [128, 64], expected [128, 784]", e.Message);
        Assert.False(Directory.Exists(folder["out"]));
    }

    [Fact]
    public void A_name_the_module_does_not_have_is_named_and_nothing_is_written()
    {
        // The names of a differently written module (fc1, fc2, ... as in PyTorch's own examples) do not fit.
        var tensors = SafeTensorsFile.Read(Fixture("deep", "weights.safetensors")).Tensors
            .Select(t => t.Name == "encoder.0.weight" ? new TensorEntry("fc1.weight", t.DType, t.Shape, t.Data) : t);
        var renamed = folder["renamed.safetensors"];
        SafeTensorsFile.Write(renamed, tensors);
        var e = Assert.Throws<BadInputException>(() => PyTorchImport.Import(renamed, SpecFor("deep", 64), folder["out"]));
        Assert.Equal($"{renamed}: tensor 'fc1.weight' is not a parameter of a 'dense' model with this spec", e.Message);
        Assert.False(Directory.Exists(folder["out"]));
    }

    [Fact]
    public void A_missing_batch_norm_statistic_is_named()
    {
        var tensors = SafeTensorsFile.Read(Fixture("dense-bn", "weights.safetensors")).Tensors.Where(t => t.Name != "encoder.1.running_var");
        var partial = folder["partial.safetensors"];
        SafeTensorsFile.Write(partial, tensors);
        var e = Assert.Throws<BadInputException>(() => PyTorchImport.Import(partial, SpecFor("dense-bn.json", 64), folder["out"]));
        Assert.Equal($"{partial}: tensor 'encoder.1.running_var' is missing", e.Message);
        Assert.False(Directory.Exists(folder["out"]));
    }

    [Fact]
    public void Float64_weights_are_refused_with_the_dtype_expected()
    {
        var tensors = SafeTensorsFile.Read(Fixture("deep", "weights.safetensors")).Tensors.Select(t => t.Name != "decoder.0.bias" ? t
            : new TensorEntry(t.Name, "F64", t.Shape, new byte[t.Data.Length * 2]));
        var doubled = folder["doubled.safetensors"];
        SafeTensorsFile.Write(doubled, tensors);
        var e = Assert.Throws<BadInputException>(() => PyTorchImport.Import(doubled, SpecFor("deep", 64), folder["out"]));
        Assert.Equal($"{doubled}: tensor 'decoder.0.bias' has dtype F64, expected F32", e.Message);
    }

    [Fact]
    public void An_out_path_that_is_a_file_is_refused_and_left_alone()
    {
        var path = folder.Write("out", "keep me");
        var e = Assert.Throws<OptionException>(() => PyTorchImport.Import(Fixture("deep", "weights.safetensors"), SpecFor("deep", 64), path));
        Assert.Equal($"output: {path} is a file (expected a folder for model.json and weights.safetensors)", e.Message);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("model.pt")]
    [InlineData("model.pth")]
    [InlineData("model.ckpt")]
    public void A_pickle_is_refused_by_its_extension_without_being_read(string name)
    {
        var path = folder.Write(name, "not read at all"u8.ToArray());
        var e = Assert.Throws<BadInputException>(() => PyTorchImport.Import(path, SpecFor("deep", 64), folder["out"]));
        Assert.Contains("is a pickle, and loading a pickle runs code from it, so it is not read", e.Message);
        Assert.Contains("safetensors.torch.save_file(model.state_dict()", e.Message);
        Assert.False(Directory.Exists(folder["out"]));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0x14, 0, 0, 0, 8, 0 }, "torch.save's zip archive")]   // torch.save since PyTorch 1.6
    [InlineData(new byte[] { 0x80, 2, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20 }, "a pickle stream")]    // legacy torch.save: protocol 2, magic number
    public void A_pickle_renamed_to_safetensors_is_recognised_by_its_first_bytes(byte[] start, string kind)
    {
        var path = folder.Write("renamed.safetensors", [.. start, .. new byte[64]]);
        var e = Assert.Throws<BadInputException>(() => PyTorchImport.Import(path, SpecFor("deep", 64), folder["out"]));
        Assert.Equal($"{path}: this is a pickled PyTorch checkpoint ({kind}), not safetensors; loading a pickle runs code from it, so it is not read; " +
                     "save the state_dict as safetensors instead: safetensors.torch.save_file(model.state_dict(), \"model.safetensors\")", e.Message);
    }

    [Fact]
    public void Cli_imports_a_pytorch_state_dict_into_a_folder_that_loads()
    {
        var result = CliRunner.Run(folder.Path, "import", "--weights", Fixture("deep", "weights.safetensors"), "--model", "deep", "--input-size", "64", "--out", "imported");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("imported 12 tensors (37,344 parameters) of deep (dense, input [64])", result.Stdout);
        using var loaded = ModelFolder.Load(folder["imported"]);
        Assert.Equal([64L], loaded.InputShape);
    }

    [Fact]
    public void Cli_mismatch_gets_one_line_exit_2_and_no_folder()
    {
        var source = Fixture("conv-blog", "weights.safetensors");
        CliRunner.Fails(folder, $"bottleneck import: {source}: tensor 'decoder.3.bias' is not a parameter of a 'dense' model with this spec",
            "import", "--weights", source, "--model", "deep", "--out", folder["out"]);
    }

    [Fact]
    public void Cli_refuses_a_model_folder_as_the_architecture()
    {
        using (var model = ModelFactory.Create(SpecFor("deep", 64))) ModelFolder.Save(model, folder["trained"]);
        CliRunner.Fails(folder, "bottleneck import: --model: trained is a model folder, which has weights already (expected a preset or a spec .json file)",
            "import", "--weights", Fixture("deep", "weights.safetensors"), "--model", "trained", "--out", folder["out"]);
    }

    [Fact]
    public void Cli_refuses_a_pickle_in_one_line()
    {
        var path = folder.Write("model.pth", [(byte)'P', (byte)'K', 3, 4]);
        CliRunner.Fails(folder, $"bottleneck import: {path}: a .pth file is a pickle, and loading a pickle runs code from it, so it is not read",
            "import", "--weights", path, "--model", "deep", "--out", folder["out"]);
    }
}
