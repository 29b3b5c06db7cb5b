using Bottleneck.Data;

namespace Bottleneck.Evaluation;

/// <summary>The errors of one class: its label, its name, and the summary of its samples' errors.</summary>
internal sealed record ClassErrors(int Label, string Name, ErrorSummary Summary);

/// <summary>Per-class breakdown of per-sample errors: which classes a model reconstructs worst.</summary>
internal static class ClassBreakdown
{
    /// <summary>
    /// One row per label present in <paramref name="labels"/>, in label order, named from <paramref name="classNames"/>
    /// where it has a name for the label (the label's number otherwise).
    /// </summary>
    public static IReadOnlyList<ClassErrors> Of(double[] errors, int[] labels, IReadOnlyList<string>? classNames = null)
    {
        if (errors.Length != labels.Length)
            throw new ArgumentException($"{errors.Length} errors but {labels.Length} labels");
        return labels.Select((label, i) => (label, error: errors[i]))
            .GroupBy(p => p.label)
            .OrderBy(g => g.Key)
            .Select(g => new ClassErrors(g.Key, ClassName(g.Key, classNames), ErrorSummary.Of(g.Select(p => p.error).ToArray())))
            .ToArray();
    }

    /// <summary>The class's name where <paramref name="classNames"/> has one for <paramref name="label"/>, else the label's number.</summary>
    public static string ClassName(int label, IReadOnlyList<string>? classNames) => ClassCaption.Name(label, classNames);
}
