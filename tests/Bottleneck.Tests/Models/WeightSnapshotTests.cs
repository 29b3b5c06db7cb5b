using Bottleneck.Models;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Models;

/// <summary>A snapshot puts back every weight and buffer it copied, in place, and refuses another model's tensors.</summary>
public class WeightSnapshotTests
{
    static Dictionary<string, float[]> Values(nn.Module model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.to_type(ScalarType.Float32).contiguous().data<float>().ToArray());

    [Fact]
    public void Restoring_puts_back_weights_and_batch_norm_buffers_in_the_same_tensors()
    {
        using var model = ModelFactory.Create(new ModelSpec { InputShape = [6], Encoder = [5], Bottleneck = 3, BatchNorm = true });
        var before = Values(model);
        var tensors = model.state_dict().ToDictionary(p => p.Key, p => p.Value.Handle);
        using var snapshot = WeightSnapshot.Of(model);

        // Change everything: a training forward pass moves the running means, and the weights are overwritten.
        model.train();
        using (no_grad())
        {
            using var batch = rand(8, 6) * 5;
            model.Reconstruct(batch).Dispose();
            foreach (var p in model.parameters()) p.add_(1.5);
        }
        Assert.NotEqual(before["encoder.0.weight"], Values(model)["encoder.0.weight"]);
        Assert.Contains(before, p => p.Key.Contains("running_mean") && !p.Value.SequenceEqual(Values(model)[p.Key]));

        snapshot.RestoreInto(model);
        var after = Values(model);
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (name, values) in before) Assert.Equal(values, after[name]);
        // In place: an optimiser holding the parameters still points at the restored values.
        Assert.All(model.state_dict(), p => Assert.Equal(tensors[p.Key], p.Value.Handle));
    }

    [Fact]
    public void A_snapshot_of_another_model_is_refused()
    {
        using var small = ModelFactory.Create(new ModelSpec { InputShape = [6], Encoder = [], Bottleneck = 3 });
        using var deeper = ModelFactory.Create(new ModelSpec { InputShape = [6], Encoder = [5], Bottleneck = 3 });
        using var snapshot = WeightSnapshot.Of(small);
        Assert.Throws<ArgumentException>(() => snapshot.RestoreInto(deeper));
    }
}
