namespace Bottleneck.Applications.Report;

/// <summary>
/// One claim of the chapter, measured: what the chapter says, what was measured with which settings, the verdict with
/// the rule that chose it, what the full budget gave, and the figure beside it. Stored in the cache and in report.json.
/// </summary>
internal sealed record ClaimResult
{
    /// <summary>The claim's id ("parameter-counts"), as <c>--only</c> takes it.</summary>
    public required string Id { get; init; }

    /// <summary>The chapter's section(s), as "§2.3, §3.4".</summary>
    public required string Section { get; init; }

    /// <summary>What the chapter claims, in a sentence.</summary>
    public required string Statement { get; init; }

    /// <summary>The chapter's number(s) where it gives some ("51,072 parameters"), else a short restatement.</summary>
    public required string ChapterFigure { get; init; }

    /// <summary>The rule that chooses the verdict, written beside the claim.</summary>
    public required string Rule { get; init; }

    /// <summary>What the measurement was made with.</summary>
    public required ClaimSettings Settings { get; init; }

    /// <summary>True when <see cref="Settings"/> are less than the full budget's; the row then says so.</summary>
    public required bool Reduced { get; init; }

    /// <summary>The full budget's figure, cited as "README, full budget (settings): figures".</summary>
    public required string FullBudget { get; init; }

    /// <summary>The measured numbers.</summary>
    public required IReadOnlyList<Measurement> Measured { get; init; }

    /// <summary>The verdict.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>What the measurement shows, in one or two sentences.</summary>
    public required string Finding { get; init; }

    /// <summary>The figure's file name (a PNG beside the cached result), or null when the claim draws none.</summary>
    public string? Figure { get; init; }

    /// <summary>What the figure shows.</summary>
    public string? FigureCaption { get; init; }

    /// <summary>Wall-clock seconds the measurement took (0 for nothing measured).</summary>
    public double Seconds { get; init; }

    /// <summary>
    /// CPU seconds the process spent while the claim was measured, all threads (0 for nothing measured): on a shared
    /// machine the wall clock counts other jobs' time, this does not.
    /// </summary>
    public double CpuSeconds { get; init; }

    /// <summary>The library version that measured it.</summary>
    public string LibraryVersion { get; init; } = Bottleneck.LibraryInfo.Version;

    /// <summary>The hash of the claim's settings that names its cache entry.</summary>
    public string CacheKey { get; init; } = "";
}

/// <summary>What a claim's measurement hands back to the runner, which adds the claim's description and settings.</summary>
/// <param name="Measured">The measured numbers.</param>
/// <param name="Verdict">The verdict its rule chose.</param>
/// <param name="Finding">What the measurement shows.</param>
/// <param name="FigureCaption">What the figure written to the context's figure path shows, or null when none was written.</param>
internal sealed record ClaimOutcome(IReadOnlyList<Measurement> Measured, Verdict Verdict, string Finding, string? FigureCaption);
