using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Data;

/// <summary>
/// Samples held in one tensor, [N, ...sample shape], with optional integer labels. Images stay uint8 (one byte a
/// pixel, a quarter of float32's memory) and are gathered and scaled to [0, 1] one batch at a time, in one operation.
/// </summary>
internal sealed class Dataset : IDisposable
{
    readonly Tensor storage;          // uint8 or float32, [N, ...]
    readonly bool ownsStorage;

    /// <summary>Wraps <paramref name="storage"/> (uint8 or float32, first dimension = samples); the dataset then owns it.</summary>
    public Dataset(string name, Tensor storage, int[]? labels = null, IReadOnlyList<string>? classNames = null)
        : this(name, storage, labels, classNames, owns: true) { }

    Dataset(string name, Tensor storage, int[]? labels, IReadOnlyList<string>? classNames, bool owns, Dataset? inputs = null)
    {
        if (storage.dtype != ScalarType.Byte && storage.dtype != ScalarType.Float32)
            throw new ArgumentException($"dataset storage must be uint8 or float32, got {storage.dtype}");
        if (storage.dim() < 2) throw new ArgumentException("dataset storage needs a sample dimension and at least one feature dimension");
        if (labels is not null && labels.Length != storage.shape[0])
            throw new BadInputException($"{name}: {storage.shape[0]} samples but {labels.Length} labels (the counts must match)");
        Name = name;
        this.storage = storage;
        ownsStorage = owns;
        Inputs = inputs;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Where the data came from, for messages: "mnist/train", a file path, ...</summary>
    public string Name { get; }

    /// <summary>Number of samples.</summary>
    public int Count => (int)storage.shape[0];

    /// <summary>Shape of one sample ([28, 28] for MNIST images, [d] for a CSV row).</summary>
    public long[] SampleShape => storage.shape[1..];

    /// <summary>Number of values in one sample.</summary>
    public long SampleSize => SampleShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>True when the samples are 8-bit images, scaled by 1/255 when batched.</summary>
    public bool IsBytes => storage.dtype == ScalarType.Byte;

    /// <summary>Integer class labels, one a sample, when the source has them.</summary>
    public int[]? Labels { get; }

    /// <summary>Names of the classes, when known (Fashion-MNIST's "T-shirt/top", ...).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>
    /// The model's inputs, paired sample for sample with these samples as targets — a corrupted copy made once for
    /// denoising (§3.5) — or null when the model's input is the sample itself.
    /// </summary>
    public Dataset? Inputs { get; }

    /// <summary>
    /// These samples, as targets, paired with <paramref name="inputs"/> as the model's inputs (same count and shape).
    /// The result shares this dataset's memory, owns <paramref name="inputs"/>, and is disposed on its own.
    /// </summary>
    public Dataset WithInputs(Dataset inputs)
    {
        if (inputs.Count != Count || !inputs.SampleShape.SequenceEqual(SampleShape))
            throw new ArgumentException($"inputs [{inputs.Count}, {string.Join(", ", inputs.SampleShape)}] do not pair with samples [{Count}, {string.Join(", ", SampleShape)}]");
        var view = storage.alias();
        view.DetachFromDisposeScope();
        return new Dataset(Name, view, Labels, ClassNames, owns: true, inputs);
    }

    /// <summary>Samples at <paramref name="indices"/> (int64) as float32 in the dataset's scale: bytes become x/255.</summary>
    public Tensor Batch(Tensor indices)
    {
        var raw = storage.index_select(0, indices);
        return IsBytes ? raw.to_type(ScalarType.Float32).mul_(1.0f / 255.0f) : raw;
    }

    /// <summary>Samples start .. start+count−1 as float32 in the dataset's scale.</summary>
    public Tensor Batch(long start, long count)
    {
        var raw = storage.narrow(0, start, count);
        return IsBytes ? raw.to_type(ScalarType.Float32).mul_(1.0f / 255.0f) : raw.clone();
    }

    /// <summary>
    /// Samples start .. start+count−1 written into <paramref name="into"/> (float32, <paramref name="count"/> samples of
    /// any shape with as many values) as <see cref="Batch(long, long)"/> gives them, without a new tensor: a loop that
    /// scores batch after batch fills one tensor instead of allocating and freeing one per batch.
    /// </summary>
    public void CopyBatch(long start, long count, Tensor into)
    {
        into.copy_(storage.narrow(0, start, count).reshape(into.shape));
        if (IsBytes) into.mul_(1.0f / 255.0f);
    }

    /// <summary>A view of samples start .. start+count−1 that shares this dataset's memory.</summary>
    public Dataset Slice(int start, int count, string? name = null)
    {
        if (start < 0 || count < 0 || start + count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        var view = storage.narrow(0, start, count);
        view.DetachFromDisposeScope();
        return new Dataset(name ?? Name, view, Labels?[start..(start + count)], ClassNames, owns: true, Inputs?.Slice(start, count));
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order, copied into a dataset of their own; labels follow them.</summary>
    public Dataset Select(IReadOnlyList<int> indices, string name)
    {
        if (indices.Count == 0) throw new BadInputException($"{name}: no samples selected");
        using var positions = tensor(indices.Select(i => (long)i).ToArray(), ScalarType.Int64);
        var picked = storage.index_select(0, positions);
        picked.DetachFromDisposeScope();
        return new Dataset(name, picked, Labels is null ? null : indices.Select(i => Labels[i]).ToArray(), ClassNames, owns: true);
    }

    /// <summary>
    /// Splits off the last <paramref name="fraction"/> of the samples as validation data, before any shuffling, as
    /// Keras's validation_split does; returns (train, validation).
    /// </summary>
    public (Dataset Train, Dataset Validation) SplitLast(double fraction)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new OptionException("val_split", $"expected a fraction in (0, 1), got {fraction}");
        int validation = (int)Math.Round(Count * fraction);
        if (validation < 1 || validation >= Count)
            throw new OptionException("val_split", $"{fraction} of {Count} samples leaves no training or no validation data");
        return (Slice(0, Count - validation, Name + "[train split]"), Slice(Count - validation, validation, Name + "[validation split]"));
    }

    /// <summary>The smallest and largest value after scaling (bytes: 0..1), over all samples.</summary>
    public (double Min, double Max) Range()
    {
        using var scope = NewDisposeScope();
        var scale = IsBytes ? 1.0 / 255.0 : 1.0;
        return (storage.min().to_type(ScalarType.Float64).item<double>() * scale, storage.max().to_type(ScalarType.Float64).item<double>() * scale);
    }

    /// <summary>Index of the first non-finite value (NaN or ±∞), or −1 when every value is finite.</summary>
    public long FirstNonFinite()
    {
        if (IsBytes) return -1;
        using var scope = NewDisposeScope();
        var bad = storage.isfinite().logical_not().flatten().nonzero();
        return bad.shape[0] == 0 ? -1 : bad[0, 0].item<long>();
    }

    public void Dispose()
    {
        Inputs?.Dispose();
        if (ownsStorage) storage.Dispose();
    }
}
