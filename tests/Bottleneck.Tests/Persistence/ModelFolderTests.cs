using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Persistence;

public class ModelFolderTests
{
    static readonly ModelSpec Spec = new() { Name = "tiny", InputShape = [16], Encoder = [8], Bottleneck = 3, BatchNorm = true };

    static Autoencoder Saved(TempFolder folder)
    {
        random.manual_seed(1);
        var model = ModelFactory.Create(Spec);
        ModelFolder.Save(model, folder.Path);
        return model;
    }

    [Fact]
    public void Save_then_load_gives_the_same_model()
    {
        using var folder = new TempFolder();
        using var original = Saved(folder);
        using var loaded = ModelFolder.Load(folder.Path);
        original.eval();
        using var x = rand(5, 16);
        using var a = original.Reconstruct(x);
        using var b = loaded.Reconstruct(x);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.Equal(Spec, loaded.Spec with { Encoder = Spec.Encoder, InputShape = Spec.InputShape });
    }

    [Fact]
    public void Weights_use_pytorch_state_dict_names_and_model_json_lists_them()
    {
        using var folder = new TempFolder();
        using var _ = Saved(folder);
        var (tensors, metadata) = SafeTensorsFile.Read(folder[ModelFolder.WeightsFile]);
        var names = tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("encoder.0.weight", names);
        Assert.Contains("encoder.1.running_mean", names);
        Assert.Contains("encoder.1.num_batches_tracked", names);
        Assert.Contains("decoder.3.bias", names);   // decoder: Dense, BN, ReLU, Dense(8→16)
        Assert.Equal([8L, 16L], tensors.Single(t => t.Name == "encoder.0.weight").Shape);
        Assert.Equal("pt", metadata["format"]);
        var manifest = JsonNode.Parse(File.ReadAllText(folder[ModelFolder.ModelFile]))!;
        Assert.Equal(names.Count, manifest["weights"]!["tensors"]!.AsObject().Count);
        Assert.Equal(64, ((string)manifest["weights"]!["sha256"]!).Length);
    }

    [Fact]
    public void Missing_weights_are_reported()
    {
        using var folder = new TempFolder();
        using var _ = Saved(folder);
        File.Delete(folder[ModelFolder.WeightsFile]);
        var e = Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path));
        Assert.Contains("weights.safetensors: not found", e.Message);
    }

    [Fact]
    public void Weights_from_another_save_do_not_pass_for_these()
    {
        using var folder = new TempFolder();
        using var other = new TempFolder();
        using var a = Saved(folder);
        random.manual_seed(2);
        using var b = ModelFactory.Create(Spec);
        ModelFolder.Save(b, other.Path);
        File.Copy(other[ModelFolder.WeightsFile], folder[ModelFolder.WeightsFile], overwrite: true);
        var e = Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path));
        Assert.Contains("does not match model.json", e.Message);
    }

    [Fact]
    public void Weights_of_the_wrong_shape_are_reported_by_tensor_name()
    {
        using var folder = new TempFolder();
        using var _ = Saved(folder);
        // Rewrite model.json with a wider bottleneck: the stored weights (whose hash still matches) no longer fit.
        var path = folder[ModelFolder.ModelFile];
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        manifest["spec"]!["bottleneck"] = 4;
        File.WriteAllText(path, manifest.ToJsonString());
        var e = Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path));
        Assert.Contains("tensor 'encoder.3.weight' has shape [3, 8], expected [4, 8]", e.Message);
    }

    [Theory]
    [InlineData("\"format_version\": 1", "\"format_version\": 1, \"format_version\": 1", ": not valid JSON: ")]
    [InlineData("\"format_version\": 1", "\"format_version\": 1e30", ": field 'format_version': expected 1, found 1e30")]
    [InlineData("\"format_version\": 1", "\"format_version\": 1.5", ": field 'format_version': expected 1, found 1.5")]
    [InlineData("\"sha256\": \"", "\"sha256\": 7, \"was\": \"", ": field 'weights.sha256': expected the weights' SHA-256 as 64 hex digits, found 7")]
    [InlineData("\"sha256\": \"", "\"sha256\": \"xyz", ": field 'weights.sha256': expected the weights' SHA-256 as 64 hex digits")]
    [InlineData("\"sha256\": \"", "\"was\": \"", ": field 'weights.sha256': expected the weights' SHA-256 as 64 hex digits, found nothing")]
    public void A_malformed_model_json_is_reported_with_its_field(string find, string replacement, string expected)
    {
        using var folder = new TempFolder();
        using var _ = Saved(folder);
        var path = folder[ModelFolder.ModelFile];
        var text = File.ReadAllText(path);
        Assert.Contains(find, text);
        File.WriteAllText(path, text.Replace(find, replacement));
        var e = Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path));
        Assert.StartsWith(path + expected, e.Message);
    }

    [Fact]
    public void Another_models_weights_are_refused_even_when_model_json_has_no_hash()
    {
        using var folder = new TempFolder();
        using var _ = Saved(folder);
        random.manual_seed(2);
        using (var other = ModelFactory.Create(Spec)) ModelFolder.Save(other, folder["other"]);
        File.Copy(folder[$"other/{ModelFolder.WeightsFile}"], folder[ModelFolder.WeightsFile], overwrite: true);

        // With the hash, the swap is seen; without it, the same-shaped weights used to load as if they were this model's.
        Assert.Contains("does not match model.json", Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path)).Message);
        var manifest = JsonNode.Parse(File.ReadAllText(folder[ModelFolder.ModelFile]))!.AsObject();
        manifest["weights"]!.AsObject().Remove("sha256");
        File.WriteAllText(folder[ModelFolder.ModelFile], manifest.ToJsonString());
        Assert.Contains("field 'weights.sha256': expected the weights' SHA-256", Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path)).Message);
    }

    [Fact]
    public void A_model_json_that_is_not_json_is_reported_with_its_path()
    {
        using var folder = new TempFolder();
        using var _ = Saved(folder);
        File.WriteAllText(folder[ModelFolder.ModelFile], "{ not json");
        var e = Assert.Throws<BadInputException>(() => ModelFolder.Load(folder.Path));
        Assert.StartsWith(folder[ModelFolder.ModelFile] + ": not valid JSON", e.Message);
    }

    [Fact]
    public void Saving_leaves_no_temporary_files()
    {
        using var folder = new TempFolder();
        using var _ = Saved(folder);
        Assert.Equal([ModelFolder.ModelFile, ModelFolder.WeightsFile], Directory.GetFiles(folder.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }
}
