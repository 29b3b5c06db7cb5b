using Bottleneck.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Anomaly;

/// <summary>
/// The k-nearest-neighbour baseline of anomaly evaluation: a sample's score is its Euclidean distance to the k-th
/// nearest sample of the normal training data (k = 5; PyOD's KNN detector with method='largest'). No training at
/// all, which is the point of comparing against it. Internal: the evaluation is its only user.
/// </summary>
internal sealed class KnnBaseline : IDisposable
{
    readonly Tensor reference;       // [m, d], float32, the (scaled) normal training samples
    readonly Tensor referenceNorms;  // [m], ‖r‖²

    KnnBaseline(Tensor reference, int k)
    {
        this.reference = reference;
        referenceNorms = reference.square().sum([1]);
        referenceNorms.DetachFromDisposeScope();
        K = k;
    }

    /// <summary>The chapter-free default: 5 neighbours, as scikit-learn's and PyOD's k-NN.</summary>
    public const int DefaultK = 5;

    public int K { get; }

    /// <summary>Number of reference samples distances are taken to.</summary>
    public int ReferenceCount => (int)reference.shape[0];

    /// <summary>
    /// Keeps the normal samples of <paramref name="data"/> (scaled by <paramref name="scaler"/>) as the reference set;
    /// with <paramref name="maxReference"/>, a random subsample of that many (seeded), to bound the time on large data.
    /// </summary>
    public static KnnBaseline Fit(Dataset data, FeatureScaler? scaler, int k = DefaultK, int? maxReference = null, long seed = 42)
    {
        int m = Check(data.Count, k, maxReference);
        using var scope = NewDisposeScope();
        Tensor rows;
        if (m == data.Count) rows = arange(data.Count, ScalarType.Int64);
        else
        {
            using var generator = new Generator((ulong)seed);
            rows = randperm(data.Count, generator: generator).narrow(0, 0, m).sort().Values;
        }
        var batch = data.Batch(rows);
        var x = scaler is not null ? scaler.Apply(batch) : batch.reshape(m, data.SampleSize);
        var reference = x.contiguous();
        reference.MoveToOuterDisposeScope();
        return new KnnBaseline(reference, k);
    }

    /// <summary>
    /// The number of reference samples a baseline of <paramref name="k"/> neighbours keeps from <paramref name="available"/>
    /// normal samples (at most <paramref name="maxReference"/>); refuses a k that cannot work, so that callers can check
    /// before any other work.
    /// </summary>
    public static int Check(int available, int k, int? maxReference)
    {
        if (k < 1) throw new OptionException("knn_k", $"expected at least 1 neighbour, got {k}");
        int m = Math.Min(maxReference ?? available, available);
        if (m < k) throw new BadInputException($"k-NN baseline: {m} reference samples, fewer than k = {k}");
        return m;
    }

    /// <summary>
    /// Distance to the k-th nearest reference sample, for every sample of <paramref name="data"/>; <paramref name="done"/>
    /// hears how many samples are scored after each batch.
    /// </summary>
    public double[] Scores(Dataset data, FeatureScaler? scaler, int batchSize = 256, Action<int>? done = null)
    {
        var scores = new double[data.Count];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batchSize, data.Count - start);
            var batch = data.Batch(start, n);
            var x = scaler is not null ? scaler.Apply(batch) : batch.reshape(n, data.SampleSize);
            // ‖x − r‖² = ‖x‖² + ‖r‖² − 2·x·r, one matrix product for the whole batch; rounding can dip below 0.
            var squared = (x.square().sum([1], keepdim: true) + referenceNorms.unsqueeze(0) - 2 * x.matmul(reference.t())).clamp_min(0);
            var kth = squared.topk(K, dim: 1, largest: false, sorted: true).values.select(1, K - 1);
            kth.sqrt().to_type(ScalarType.Float64).contiguous().data<double>().ToArray().CopyTo(scores, start);
            done?.Invoke(start + n);
        }
        return scores;
    }

    public void Dispose()
    {
        reference.Dispose();
        referenceNorms.Dispose();
    }
}
