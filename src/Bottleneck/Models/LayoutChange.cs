using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Models;

/// <summary>
/// A parameter-free layer that moves a batch between the data's layout and channels-first (<see cref="Data.ImageLayout"/>),
/// so that <c>bottleneck info</c> shows the step and its shapes like any other layer.
/// </summary>
internal sealed class LayoutChange : nn.Module<Tensor, Tensor>
{
    readonly Func<Tensor, Tensor> change;

    /// <summary>A layer applying <paramref name="change"/>, shown in summaries as <paramref name="description"/>.</summary>
    public LayoutChange(string description, Func<Tensor, Tensor> change) : base(nameof(LayoutChange))
    {
        Description = description;
        this.change = change;
    }

    /// <summary>What the step does, for model summaries ("Reshape to channels first").</summary>
    public string Description { get; }

    public override Tensor forward(Tensor input) => change(input);
}
