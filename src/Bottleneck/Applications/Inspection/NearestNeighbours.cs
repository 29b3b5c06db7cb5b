using Bottleneck.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>
/// k-nearest-neighbour classification by Euclidean distance with a plain majority vote (sklearn's
/// <c>KNeighborsClassifier(n_neighbors=5)</c>): a tie between classes goes to the smallest label, as scipy's mode does.
/// </summary>
internal sealed class NearestNeighbours : IDisposable
{
    readonly Tensor train, trainSquaredNorms;   // float64 [n, F] and ‖t‖² [n]
    readonly int[] labels;
    readonly int classes;

    /// <summary>Keeps <paramref name="features"/> [n, F] and their labels; <paramref name="k"/> neighbours vote.</summary>
    public NearestNeighbours(Tensor features, int[] labels, int classes, int k = 5)
    {
        if (features.dim() != 2 || features.shape[0] != labels.Length)
            throw new ArgumentException($"features must be [n, F] with one label per row; got [{string.Join(", ", features.shape)}] and {labels.Length} labels");
        if (k < 1 || k > labels.Length)
            throw new BadInputException($"k-nearest neighbours: k must lie in 1 .. {labels.Length} (the labelled samples), got {k}");
        if (labels.Any(l => l < 0 || l >= classes)) throw new ArgumentException($"labels must lie in 0 .. {classes - 1}");
        K = k;
        this.labels = labels;
        this.classes = classes;
        train = features.to_type(ScalarType.Float64).contiguous().DetachFromDisposeScope();
        trainSquaredNorms = train.square().sum([1]).DetachFromDisposeScope();
    }

    /// <summary>Number of neighbours that vote.</summary>
    public int K { get; }

    /// <summary>The k nearest training rows of each query [m, F], nearest first, as row indices [m, k].</summary>
    public long[][] Neighbours(Tensor queries, int batchSize = 1000)
    {
        if (queries.dim() != 2 || queries.shape[1] != train.shape[1])
            throw new BadInputException($"k-nearest neighbours: queries have shape [{string.Join(", ", queries.shape)}], expected [m, {train.shape[1]}]");
        var result = new long[queries.shape[0]][];
        foreach (var (start, m) in Batches.Of(queries.shape[0], batchSize))
        {
            using var scope = NewDisposeScope();
            var q = queries.narrow(0, start, m).to_type(ScalarType.Float64);
            // ‖q − t‖² = ‖q‖² − 2q·t + ‖t‖²; ‖q‖² is the same for every t, so it does not change the order.
            var distances = trainSquaredNorms.unsqueeze(0) - 2 * q.matmul(train.T);
            var (_, nearest) = distances.topk(K, dim: 1, largest: false, sorted: true);
            var flat = nearest.contiguous().data<long>().ToArray();
            for (int i = 0; i < m; i++) result[start + i] = flat[(i * K)..((i + 1) * K)];
        }
        return result;
    }

    /// <summary>The majority label among each query's k nearest neighbours.</summary>
    public int[] Predict(Tensor queries, int batchSize = 1000)
    {
        var votes = new int[classes];
        return Neighbours(queries, batchSize).Select(rows =>
        {
            Array.Clear(votes);
            foreach (var row in rows) votes[labels[row]]++;
            int best = 0;
            for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
            return best;
        }).ToArray();
    }

    /// <summary>The fraction of queries whose predicted label is right.</summary>
    public double Accuracy(Tensor queries, int[] labels)
    {
        var predicted = Predict(queries);
        return predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    }

    public void Dispose()
    {
        train.Dispose();
        trainSquaredNorms.Dispose();
    }
}
