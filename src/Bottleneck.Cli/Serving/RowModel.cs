using Bottleneck.Scoring;

namespace Bottleneck.Cli.Serving;

/// <summary>The functions `bottleneck serve` offers, each over a batch of row-major rows in the data's own units.</summary>
internal enum RowFunction { Encode, Reconstruct, Score }

/// <summary>Each row's score and, for an anomaly detector, its flag (score &gt; threshold).</summary>
internal sealed record ScoredRows(float[] Scores, bool[]? Anomalies);

/// <summary>
/// A model the server scores with, whatever runs it (ONNX Runtime or TorchSharp): raw rows in, codes, reconstructions
/// or scores out. Calls come from the micro-batcher's one worker, one batch at a time.
/// </summary>
internal interface IRowModel : IDisposable
{
    /// <summary>"onnx" or "torch".</summary>
    string Backend { get; }

    /// <summary>Shapes, scaling, threshold and the graphs available.</summary>
    ScoringModelInfo Info { get; }

    /// <summary>True when the model can compute <paramref name="function"/>.</summary>
    bool Has(RowFunction function);

    /// <summary>Codes of row-major rows, <see cref="ScoringModelInfo.CodeWidth"/> values a row.</summary>
    float[] Encode(float[] values);

    /// <summary>Reconstructions of row-major rows, in the rows' units.</summary>
    float[] Reconstruct(float[] values);

    /// <summary>Scores (and flags, for a detector) of row-major rows.</summary>
    ScoredRows Score(float[] values);
}
