using System.Globalization;

namespace Bottleneck.Data;

/// <summary>
/// How a sample's class is written under a picture or in a table, the same everywhere: by its name where the classes
/// have names (Fashion-MNIST's "Sneaker"), by its number otherwise.
/// </summary>
internal static class ClassCaption
{
    /// <summary>The name <paramref name="names"/> gives <paramref name="label"/>, or the label's number where it gives none.</summary>
    public static string Name(int label, IReadOnlyList<string>? names) =>
        names is not null && label >= 0 && label < names.Count ? names[label] : label.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The caption of sample <paramref name="index"/> in the chapter's figures: "Label: 7", or the class name where it is a
    /// word ("Sneaker"); "#index" for a sample without a label.
    /// </summary>
    public static string Of(Dataset data, int index)
    {
        if (data.Labels is not { } labels) return $"#{index}";
        int label = labels[index];
        var name = Name(label, data.ClassNames);
        return int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? $"Label: {label}" : name;
    }

    /// <summary>"#1234 · 7", or "#1234 · Sneaker" where the classes have names; "#1234" without labels.</summary>
    public static string Indexed(Dataset data, int index) =>
        data.Labels is { } labels ? $"#{index} · {Name(labels[index], data.ClassNames)}" : $"#{index}";
}
