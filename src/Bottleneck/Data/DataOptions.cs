namespace Bottleneck.Data;

/// <summary>How to read a dataset: where Fashion-MNIST lives, and how to read a CSV file.</summary>
internal sealed record DataOptions
{
    /// <summary>A folder with Fashion-MNIST's four IDX files; null searches the usual places (see <see cref="BuiltInDatasets"/>).</summary>
    public string? FashionMnistPath { get; init; }

    /// <summary>Whether a CSV's first row is a header; null detects it.</summary>
    public bool? CsvHeader { get; init; }

    /// <summary>A CSV column holding integer labels, by header name or 0-based index (negative counts from the end).</summary>
    public string? LabelColumn { get; init; }
}
