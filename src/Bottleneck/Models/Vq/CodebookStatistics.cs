using Bottleneck.Data;
using static TorchSharp.torch;

namespace Bottleneck.Models.Vq;

/// <summary>
/// How a VQ-VAE uses its codebook on a dataset: how often each code is chosen, the fraction of codes chosen at all,
/// and the perplexity exp(H), H = −Σ_k p_k log p_k of the code histogram: K when every code is equally used, 1 when
/// one code takes everything.
/// </summary>
internal sealed record CodebookStatistics(long[] Counts)
{
    /// <summary>Codes chosen at least once.</summary>
    public int CodesUsed => Counts.Count(c => c > 0);

    /// <summary>Fraction of the K codes chosen at least once.</summary>
    public double Usage => (double)CodesUsed / Counts.Length;

    /// <summary>exp(−Σ_k p_k log p_k) with p_k = count_k / Σ count; codes never chosen add nothing (0·log 0 = 0).</summary>
    public double Perplexity
    {
        get
        {
            double total = Counts.Sum(c => (double)c);
            if (total == 0) return double.NaN;
            double entropy = -Counts.Where(c => c > 0).Sum(c => c / total * Math.Log(c / total));
            return Math.Exp(entropy);
        }
    }

    /// <summary>Counts the codes <paramref name="model"/> chooses for every latent position of every sample of <paramref name="data"/>.</summary>
    public static CodebookStatistics Measure(VectorQuantizedAutoencoder model, Dataset data, int batchSize = 1000)
    {
        model.eval();
        using var noGrad = no_grad();
        using var counts = zeros(model.CodebookSize, dtype: ScalarType.Int64);
        foreach (var (start, n) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            counts.add_(model.Assign(data.Batch(start, n)).flatten().bincount(null, model.CodebookSize));
        }
        return new CodebookStatistics(counts.data<long>().ToArray());
    }
}
