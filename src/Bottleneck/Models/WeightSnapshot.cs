using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Models;

/// <summary>
/// A copy of a model's weights and buffers (its state_dict), to put back later: the best epoch's weights during
/// training, the weights a learning-rate sweep started from. The copies live outside any dispose scope until disposed.
/// </summary>
internal sealed class WeightSnapshot : IDisposable
{
    readonly Dictionary<string, Tensor> weights;

    WeightSnapshot(Dictionary<string, Tensor> weights) => this.weights = weights;

    /// <summary>Copies every tensor of <paramref name="model"/>'s state_dict.</summary>
    public static WeightSnapshot Of(nn.Module model)
    {
        using var noGrad = no_grad();
        return new WeightSnapshot(model.state_dict().ToDictionary(p => p.Key, p =>
        {
            var copy = p.Value.detach().clone();
            copy.DetachFromDisposeScope();
            return copy;
        }));
    }

    /// <summary>Copies the saved values back into <paramref name="model"/>'s tensors, in place (an optimiser keeps pointing at them).</summary>
    public void RestoreInto(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (!weights.TryGetValue(name, out var saved) || !saved.shape.SequenceEqual(tensor.shape))
                throw new ArgumentException($"the snapshot has no tensor '{name}' of shape [{string.Join(", ", tensor.shape)}]: it was taken of another model", nameof(model));
            tensor.copy_(saved);
        }
    }

    /// <summary>Frees the copies.</summary>
    public void Dispose()
    {
        foreach (var t in weights.Values) t.Dispose();
        weights.Clear();
    }
}
