namespace Bottleneck.Applications.Report;

/// <summary>
/// How much work a report may do. <see cref="Quick"/> finishes in minutes on two cores (fewer epochs, fewer seeds),
/// <see cref="Standard"/> within an hour, <see cref="Full"/> uses the settings the README's figures were measured with.
/// </summary>
internal enum ReportBudget
{
    /// <summary>Minutes on two cores: fewer epochs and seeds; every row says it was measured at a reduced budget.</summary>
    Quick,

    /// <summary>Within an hour on two cores.</summary>
    Standard,

    /// <summary>The README's settings.</summary>
    Full,
}

/// <summary>Reading and naming budgets.</summary>
internal static class ReportBudgets
{
    /// <summary>The budget's name on the command line and in report.json ("quick").</summary>
    public static string Name(this ReportBudget budget) => budget.ToString().ToLowerInvariant();

    /// <summary>Parses "quick", "standard" or "full".</summary>
    /// <exception cref="BadInputException">Any other word: one line naming the three.</exception>
    public static ReportBudget Parse(string text) =>
        Enum.GetValues<ReportBudget>().FirstOrDefault(b => b.Name() == text?.Trim().ToLowerInvariant(), (ReportBudget)(-1)) is var b && Enum.IsDefined(b)
            ? b : throw new OptionException("budget", $"expected quick, standard or full, got '{text}'");

    /// <summary>Picks the value for <paramref name="budget"/>.</summary>
    public static T Pick<T>(this ReportBudget budget, T quick, T standard, T full) => budget switch
    {
        ReportBudget.Quick => quick,
        ReportBudget.Standard => standard,
        _ => full,
    };
}
