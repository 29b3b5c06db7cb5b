namespace Bottleneck.Cli;

/// <summary>The subcommand a mistyped name most likely meant, by edit distance ("traim" → "train").</summary>
internal static class NearestCommand
{
    /// <summary>The closest of <paramref name="names"/>, or null when none is within a third of the typed length (at least 1).</summary>
    public static string? To(string typed, IEnumerable<string> names)
    {
        var allowed = Math.Max(1, typed.Length / 3);
        var (best, bestDistance) = ((string?)null, int.MaxValue);
        foreach (var name in names)
        {
            var distance = EditDistance(typed.ToLowerInvariant(), name);
            if (distance < bestDistance) (best, bestDistance) = (name, distance);
        }
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>
    /// Edit distance counting single-character insertions, deletions, substitutions and swaps of two neighbours
    /// ("trian" → "train" is one edit: the typo people make most).
    /// </summary>
    public static int EditDistance(string a, string b)
    {
        // d[i, j] = distance between a's first i characters and b's first j (optimal string alignment).
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), Math.Min(d[i - 1, j], d[i, j - 1]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
