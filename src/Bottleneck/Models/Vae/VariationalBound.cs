using Bottleneck.Data;
using Bottleneck.Objectives;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Models.Vae;

/// <summary>
/// How well a VAE models a dataset, in nats per image (means over the images): the closed-form KL, the expected
/// reconstruction term E_q[−log p(x|z)], the ELBO with β = 1, and the importance-weighted estimate of −log p(x)
/// (Burda et al. 2016) with <see cref="ImportanceSamples"/> samples per image.
/// </summary>
internal sealed record VariationalBound(double Kl, double Reconstruction, double Elbo, double NllIw, int ImportanceSamples, int Images)
{
    /// <summary>
    /// Measures <paramref name="model"/> on <paramref name="data"/> with k = <paramref name="importanceSamples"/> draws
    /// z_k ~ q(z|x) per image from a generator seeded with <paramref name="seed"/>, so the figures repeat exactly.
    /// </summary>
    public static VariationalBound Measure(VariationalAutoencoder model, Dataset data, int importanceSamples, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(importanceSamples, 1);
        model.eval();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        int k = importanceSamples;
        int batchSize = Math.Max(1, 2_000 / k);   // k × batch decodes at once keeps memory modest
        double klSum = 0, reconstructionSum = 0, nllSum = 0;
        foreach (var (start, n) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var x = data.Batch(start, n).reshape(n, -1);
            var (mu, logVar) = model.Posterior(x);
            klSum += GaussianKl.PerSample(mu, logVar).sum().to_type(ScalarType.Float64).item<double>();

            // k draws per image, [k, n, d]: z_k = μ + σ ⊙ ε_k
            var muK = mu.unsqueeze(0).expand(k, -1, -1);
            var logVarK = logVar.unsqueeze(0).expand(k, -1, -1);
            var z = VariationalAutoencoder.Reparameterise(muK, logVarK, generator);
            var logits = model.DecodePreActivation(z.reshape(k * n, -1)).reshape(k, n, -1);
            var logLikelihood = -F.binary_cross_entropy_with_logits(logits, x.unsqueeze(0).expand(k, -1, -1), reduction: nn.Reduction.None).sum([2]);
            reconstructionSum -= logLikelihood.to_type(ScalarType.Float64).mean([0]).sum().item<double>();

            var logWeight = LogImportanceWeight(logLikelihood, z, muK, logVarK);
            nllSum -= LogMeanExp(logWeight.to_type(ScalarType.Float64)).sum().item<double>();
        }
        double kl = klSum / data.Count, reconstruction = reconstructionSum / data.Count;
        return new VariationalBound(kl, reconstruction, -(reconstruction + kl), nllSum / data.Count, k, data.Count);
    }

    /// <summary>
    /// log w = log p(x|z) + log p(z) − log q(z|x) for p(z) = N(0, I) and q(z|x) = N(μ, σ²I), summed over the latent
    /// dimensions (the last axis of <paramref name="z"/>); <paramref name="logLikelihood"/> is log p(x|z) per draw.
    /// </summary>
    public static Tensor LogImportanceWeight(Tensor logLikelihood, Tensor z, Tensor mu, Tensor logVar)
    {
        // log N(z; 0, I) = −½ Σ (z² + log 2π);  log N(z; μ, σ²) = −½ Σ ((z − μ)²/σ² + log σ² + log 2π); the log 2π cancel.
        var logPrior = -0.5 * z.square().sum([-1]);
        var logPosterior = -0.5 * ((z - mu).square() / logVar.exp() + logVar).sum([-1]);
        return logLikelihood + logPrior - logPosterior;
    }

    /// <summary>log (1/k) Σ_k exp(a_k) over the first axis, computed stably: logsumexp − log k.</summary>
    public static Tensor LogMeanExp(Tensor logWeights) => logWeights.logsumexp(0, false) - Math.Log(logWeights.shape[0]);
}
