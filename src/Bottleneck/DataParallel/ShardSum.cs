using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.DataParallel;

/// <summary>
/// y = Σ_j x_j over the shards of a data-parallel step, as an autograd function: each shard gives its x_k and receives
/// the same y. Shard j's loss L_j uses its own copy of y, and the step minimises L = Σ_j L_j, so
/// ∂L/∂x_k = Σ_j ∂L_j/∂y: the backward pass sums the shards' incoming gradients the same way. Both directions block
/// until every shard has arrived (<see cref="ShardExchange"/>); every shard's graph passes the same sums in the same
/// order, because every shard runs the same layers.
/// </summary>
internal sealed class ShardSum : autograd.SingleTensorFunction<ShardSum>
{
    /// <summary>Σ over the shards of <paramref name="part"/>, differentiable, for the shard <paramref name="shard"/>.</summary>
    public static Tensor Of(Tensor part, BatchShard shard) => apply(part, shard);

    public override string Name => nameof(ShardSum);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (part, shard) = ((Tensor)vars[0], (BatchShard)vars[1]);
        // Kept for the backward pass, which libtorch may run after the thread's current shard has changed.
        ctx.save_data("shard", shard);
        return shard.Exchange.Sum(shard.Index, part);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        var shard = (BatchShard)ctx.get_data("shard");
        // An exception must not leave this callback (libtorch calls it from native code, where it would end the
        // process); when another shard failed, the step is abandoned anyway and its error is reported instead.
        try { return [shard.Exchange.Sum(shard.Index, gradient), null!]; }
        catch (ShardExchangeAbortedException) { return [zeros_like(gradient), null!]; }
    }
}
