using System.Diagnostics;
using Bottleneck.Models;
using Bottleneck.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Bench;

/// <summary>
/// The reference the toolkit is measured against: the shortest honest TorchSharp training loop for the same model —
/// randperm, index_select on the uint8 images, scale, forward, BCE from logits, backward, Adam — with nothing else.
/// </summary>
internal static class BareLoop
{
    /// <summary>Trains <paramref name="model"/> for <paramref name="epochs"/> epochs and returns samples per second.</summary>
    public static double SamplesPerSecond(Autoencoder model, Tensor images, int epochs, int batchSize, long seed)
    {
        model.train();
        using var optimizer = optim.Adam(model.parameters(), 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        using var shuffling = new Generator((ulong)seed);
        long n = images.shape[0];
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            using var epochScope = NewDisposeScope();
            var order = randperm(n, generator: shuffling);
            for (long start = 0; start < n; start += batchSize)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(batchSize, n - start);
                var x = images.index_select(0, order.narrow(0, start, count)).to_type(ScalarType.Float32).mul_(1f / 255f)
                    .reshape([count, .. model.InputShape]);
                var loss = model is VariationalAutoencoder vae ? VaeLoss(vae, x) : F.binary_cross_entropy_with_logits(Logits(model, x), x);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }
        }
        return n * (double)epochs / clock.Elapsed.TotalSeconds;
    }

    static Tensor Logits(Autoencoder model, Tensor x) => model.DecodePreActivation(model.Encode(x)).reshape(x.shape);

    // The negative ELBO per image: BCE summed over the pixels plus KL(N(μ, σ²) ‖ N(0, I)), averaged over the batch.
    static Tensor VaeLoss(VariationalAutoencoder vae, Tensor x)
    {
        var (mu, logVar) = vae.Posterior(x);
        var z = mu + (0.5 * logVar).exp() * randn_like(mu);
        var logits = vae.DecodePreActivation(z).reshape(x.shape);
        var reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.Sum);
        var kl = -0.5 * (1 + logVar - mu.square() - logVar.exp()).sum();
        return (reconstruction + kl) / x.shape[0];
    }
}
