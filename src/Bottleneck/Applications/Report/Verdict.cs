namespace Bottleneck.Applications.Report;

/// <summary>What a measurement says about one of the chapter's claims. Each claim writes, beside itself, the rule that picks it.</summary>
internal enum Verdict
{
    /// <summary>The measurement agrees with the claim (within the tolerance its rule states).</summary>
    Confirmed,

    /// <summary>The measurement contradicts the claim at a budget where it could have agreed.</summary>
    Refuted,

    /// <summary>The claim's idea holds but its number or its wording is wrong; the row says what is right.</summary>
    Corrected,

    /// <summary>The budget was too small for the claim to show (too few epochs); the row gives the full budget's figure.</summary>
    NotReproducibleAtBudget,
}

/// <summary>How verdicts are written on the page and in report.json.</summary>
internal static class Verdicts
{
    /// <summary>The verdict in words: "confirmed", "refuted", "corrected", "not reproducible at this budget".</summary>
    public static string Text(this Verdict verdict) => verdict switch
    {
        Verdict.Confirmed => "confirmed",
        Verdict.Refuted => "refuted",
        Verdict.Corrected => "corrected",
        Verdict.NotReproducibleAtBudget => "not reproducible at this budget",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>The verdict as an identifier for CSS classes and data attributes, as report.json spells it ("not-reproducible-at-budget").</summary>
    public static string Key(this Verdict verdict) => verdict switch
    {
        Verdict.Confirmed => "confirmed",
        Verdict.Refuted => "refuted",
        Verdict.Corrected => "corrected",
        Verdict.NotReproducibleAtBudget => "not-reproducible-at-budget",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>
    /// A claim whose measurement disagrees with it is refuted only when the budget was the full one; at a reduced budget
    /// (fewer epochs) it is "not reproducible at this budget", and the row gives the full budget's figure.
    /// </summary>
    public static Verdict Disagreement(ReportBudget budget) => budget == ReportBudget.Full ? Verdict.Refuted : Verdict.NotReproducibleAtBudget;
}
