namespace Bottleneck.Applications.Report;

/// <summary>
/// One checkable claim of the chapter: where it is, what it says (with its number), how to measure it at each budget,
/// and the rule that turns the measurement into a <see cref="Verdict"/>. One class per claim, in Claims/.
/// </summary>
internal abstract class ReportClaim
{
    /// <summary>The id <c>--only</c> takes ("pca-equivalence").</summary>
    public abstract string Id { get; }

    /// <summary>The chapter's section(s): "§5.3".</summary>
    public abstract string Section { get; }

    /// <summary>What the chapter claims.</summary>
    public abstract string Statement { get; }

    /// <summary>The chapter's number(s), or a short restatement where it gives none.</summary>
    public abstract string ChapterFigure { get; }

    /// <summary>The verdict's rule, in words: "refuted when …".</summary>
    public abstract string Rule { get; }

    /// <summary>The full budget's figure from the README or docs/, with its settings ("README, full budget (…): …").</summary>
    public abstract string FullBudget { get; }

    /// <summary>
    /// Bumped when the measurement itself changes (not its settings), so cached results of the old measurement are not
    /// reused.
    /// </summary>
    public virtual int Revision => 1;

    /// <summary>What the claim is measured with at <paramref name="budget"/>.</summary>
    public abstract ClaimSettings Settings(ReportBudget budget);

    /// <summary>Measures the claim with <see cref="ClaimContext.Settings"/>, writes its figure (if any) to <see cref="ClaimContext.FigurePath"/>, and judges it.</summary>
    public abstract ClaimOutcome Measure(ClaimContext context);
}
