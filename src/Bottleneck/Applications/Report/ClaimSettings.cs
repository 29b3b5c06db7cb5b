using System.Globalization;

namespace Bottleneck.Applications.Report;

/// <summary>
/// What a claim was measured with at one budget: the data, how much of it, the epochs and the seeds. It is part of the
/// cache key, so a change here measures afresh.
/// </summary>
/// <param name="Budget">The budget these settings belong to.</param>
/// <param name="Data">The data, in words ("MNIST", "docs/anomaly sensor table").</param>
/// <param name="Seeds">The seeds the claim runs on; several when its verdict could flip with the seed.</param>
/// <param name="Epochs">Training epochs, or null when the claim trains nothing.</param>
/// <param name="TrainingSamples">Training samples used, or null when the claim uses none.</param>
/// <param name="TestSamples">Test samples measured on, or null.</param>
/// <param name="Extra">Anything else that sets the measurement ("k = 5 importance samples").</param>
internal sealed record ClaimSettings(ReportBudget Budget, string Data, IReadOnlyList<long> Seeds, int? Epochs = null,
    int? TrainingSamples = null, int? TestSamples = null, string? Extra = null)
{
    /// <summary>The settings in words: "MNIST, 54,000 training images, 10,000 test images, 4 epochs, seed 42".</summary>
    public string Describe()
    {
        var parts = new List<string> { Data };
        if (TrainingSamples is int n) parts.Add($"{n.ToString("N0", CultureInfo.InvariantCulture)} training samples");
        if (TestSamples is int t) parts.Add($"{t.ToString("N0", CultureInfo.InvariantCulture)} test samples");
        if (Epochs is int e) parts.Add(e == 1 ? "1 epoch" : $"{e} epochs");
        if (Seeds.Count > 0) parts.Add(Seeds.Count == 1 ? $"seed {Seeds[0]}" : $"seeds {string.Join(", ", Seeds)}");
        if (Extra is { Length: > 0 }) parts.Add(Extra);
        return string.Join(", ", parts);
    }

    /// <summary>
    /// True when these settings do less work than the full budget's (<paramref name="full"/>): fewer epochs, samples or
    /// seeds. A claim that trains nothing measures the same at every budget and is not reduced.
    /// </summary>
    public bool IsReducedFrom(ClaimSettings full) =>
        Epochs < full.Epochs || TrainingSamples < full.TrainingSamples || TestSamples < full.TestSamples
        || Seeds.Count < full.Seeds.Count || Extra != full.Extra;
}
