using System.Globalization;
using Bottleneck.Data;

namespace Bottleneck.Applications.Generation;

/// <summary>The two inputs an interpolation walks between: chosen by index, or as the first sample of a label.</summary>
internal static class InterpolationEnds
{
    /// <summary>
    /// The sample <paramref name="index"/> names, or the first sample of <paramref name="label"/> (a number, or a class
    /// name such as Sneaker, in any case), or <paramref name="fallback"/>; checked against the split.
    /// <paramref name="option"/> names the choice in errors ("--from": also "--from-label").
    /// </summary>
    public static int Pick(Dataset data, int? index, string? label, string option, int fallback)
    {
        if (index is not null && label is not null)
            throw new BadInputException($"{option} and {option}-label: give one or the other");
        if (label is not null)
        {
            if (data.Labels is not { } labels) throw new BadInputException($"{option}-label: {data.Name} has no labels");
            int wanted = int.TryParse(label, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number
                : data.ClassNames?.ToList().FindIndex(name => name.Equals(label, StringComparison.OrdinalIgnoreCase)) is int named && named >= 0 ? named
                : throw new BadInputException($"{option}-label: '{label}' is neither a number nor a class name of {data.Name}");
            int found = Array.IndexOf(labels, wanted);
            if (found < 0)
                throw new BadInputException($"{option}-label: no sample of {data.Name} has label {wanted} (found {string.Join(", ", labels.Distinct().Order())})");
            return found;
        }
        int chosen = index ?? fallback;
        if (chosen < 0 || chosen >= data.Count)
            throw new BadInputException($"{option}: index {chosen} is outside {data.Name}'s {data.Count:N0} samples (0 .. {data.Count - 1})");
        return chosen;
    }
}
