namespace Bottleneck.Data;

/// <summary>
/// The one batch loop: the ranges [Start, Start + Count) that cover <c>total</c> items in order, <c>size</c> at a time,
/// the last range shorter when <c>size</c> does not divide <c>total</c>. Callers open a dispose scope per range.
/// </summary>
internal static class Batches
{
    /// <summary>The ranges over <paramref name="total"/> items (none when it is 0), at most <paramref name="size"/> each.</summary>
    public static IEnumerable<(int Start, int Count)> Of(int total, int size)
    {
        Check(total, size);
        // long, so that start + size cannot overflow near int.MaxValue
        for (long start = 0; start < total; start += size) yield return ((int)start, (int)Math.Min(size, total - start));
    }

    /// <summary>The ranges over <paramref name="total"/> items of a tensor's first dimension, at most <paramref name="size"/> each.</summary>
    public static IEnumerable<(long Start, long Count)> Of(long total, long size)
    {
        Check(total, size);
        for (long start = 0; start < total; start += size) yield return (start, Math.Min(size, total - start));
    }

    static void Check(long total, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
    }
}
