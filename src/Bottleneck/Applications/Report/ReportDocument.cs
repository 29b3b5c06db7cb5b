namespace Bottleneck.Applications.Report;

/// <summary>Everything a report page and its report.json hold: the claims, measured, and how and where they were measured.</summary>
internal sealed record ReportDocument
{
    /// <summary>The page's title.</summary>
    public required string Title { get; init; }

    /// <summary>The budget the claims were measured at.</summary>
    public required ReportBudget Budget { get; init; }

    /// <summary>When the report was written (UTC).</summary>
    public required DateTime GeneratedUtc { get; init; }

    /// <summary>The library version.</summary>
    public string LibraryVersion { get; init; } = LibraryInfo.Version;

    /// <summary>The machine, in words ("2 cores, Linux, .NET 10.0.0, 1 torch thread").</summary>
    public required string Machine { get; init; }

    /// <summary>The claims, in the registry's order.</summary>
    public required IReadOnlyList<ClaimResult> Claims { get; init; }

    /// <summary>A sentence under the title saying what the page is (the demo's differs from the report's).</summary>
    public string? Introduction { get; init; }
}
