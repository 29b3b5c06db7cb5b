using Bottleneck.Applications.Report.Claims;

namespace Bottleneck.Applications.Report;

/// <summary>The chapter's checkable claims, in the chapter's order, and the choice of some by id (<c>--only</c>).</summary>
internal static class ClaimRegistry
{
    /// <summary>Every claim the report measures.</summary>
    public static IReadOnlyList<ReportClaim> All { get; } =
    [
        new ParameterCountsClaim(),
        new BceExampleClaim(),
        new SparsityClaim(),
        new DenoisingClaim(),
        new LossScaleClaim(),
        new PcaEquivalenceClaim(),
        new MapClaim(),
        new ProbeClaim(),
        new AnomalyClaim(),
        new CompressionClaim(),
        new LatentGapClaim(),
        new BetaVaeClaim(),
    ];

    /// <summary>
    /// The claims named in <paramref name="only"/> (ids separated by commas, in the registry's order), or all of them
    /// when it is null or empty.
    /// </summary>
    /// <exception cref="BadInputException">An id that names no claim: one line listing the valid ids.</exception>
    public static IReadOnlyList<ReportClaim> Select(string? only)
    {
        if (string.IsNullOrWhiteSpace(only)) return All;
        var wanted = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = wanted.Where(id => All.All(c => c.Id != id)).ToList();
        if (unknown.Count > 0)
            throw new OptionException("only", $"no claim named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the claims are {string.Join(", ", All.Select(c => c.Id))}");
        if (wanted.Length == 0) throw new OptionException("only", $"expected claim ids separated by commas; the claims are {string.Join(", ", All.Select(c => c.Id))}");
        return All.Where(c => wanted.Contains(c.Id)).ToList();
    }
}
