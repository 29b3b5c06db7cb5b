using Bottleneck.DataParallel;
using Bottleneck.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Models;

public class ReproducibleDropoutTests
{
    [Fact]
    public void Training_zeroes_a_fraction_p_and_keeps_the_mean_evaluation_is_the_identity()
    {
        // 100,000 draws of Bernoulli(0.7): the kept fraction has standard deviation √(0.21/10⁵) = 0.00145; 4σ = 0.006.
        using var scope = NewDisposeScope();
        using var dropout = new ReproducibleDropout(0.3);
        var x = ones(1000, 100);
        random.manual_seed(5);
        var y = dropout.forward(x);
        double kept = y.ne(0).to_type(ScalarType.Float64).mean().item<double>();
        Assert.InRange(kept, 0.7 - 0.006, 0.7 + 0.006);
        // Kept values are scaled by 1/(1 − p), so the mean is unchanged in expectation.
        Assert.Equal(1 / 0.7, y.max().item<float>(), 5);
        Assert.InRange(y.to_type(ScalarType.Float64).mean().item<double>(), 1 - 0.006 / 0.7, 1 + 0.006 / 0.7);
        dropout.eval();
        Assert.True(dropout.forward(x).Equals(x));
    }

    [Fact]
    public void Inside_a_data_parallel_step_the_mask_comes_from_the_workers_generator_not_torchs()
    {
        using var scope = NewDisposeScope();
        using var dropout = new ReproducibleDropout(0.5);
        using var exchange = new ShardExchange();
        Tensor Draw(ulong seed)
        {
            using var stream = new Generator(seed);
            using var shard = BatchShard.Enter(new BatchShard(0, 1, 64, 64, stream, exchange));
            return dropout.forward(ones(64, 32));
        }
        random.manual_seed(1);
        var state = random.get_rng_state();
        var a = Draw(9);
        Assert.True(random.get_rng_state().Equals(state), "the global generator was drawn from");
        Assert.True(a.Equals(Draw(9)));
        Assert.False(a.Equals(Draw(10)));
    }
}
