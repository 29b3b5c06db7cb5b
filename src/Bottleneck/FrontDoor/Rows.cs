using Bottleneck.Data;

namespace Bottleneck;

/// <summary>
/// Plain float rows in and out of the front door. Rows are <c>float[][]</c>: what a CSV parser, a database reader or a
/// request body produces, one array per sample, no copying into a rectangular array first; each row is checked.
/// </summary>
internal static class Rows
{
    /// <summary>The rows as a dataset, after checking that there is at least one, that each has <paramref name="width"/> values, and that all are finite.</summary>
    public static Dataset ToDataset(float[][]? rows, long width, string field, long[] sampleShape) =>
        DatasetFactory.FromArray(field, ToArray(rows, width, field, sampleShape));

    /// <summary>The rows as one array of shape [N, ...<paramref name="sampleShape"/>], checked as <see cref="ToDataset"/> checks them.</summary>
    public static NumericArray ToArray(float[][]? rows, long width, string field, long[] sampleShape)
    {
        int count = Count(rows, field);
        var flat = new float[checked(count * width)];
        CopyChecked(rows!, 0, count, width, field, flat);
        return NumericArray.FromFloats([count, .. sampleShape.Select(d => (int)d)], flat);
    }

    /// <summary>The number of rows, after checking that there is at least one.</summary>
    public static int Count(float[][]? rows, string field)
    {
        if (rows is null) throw new BadInputException($"{field}: expected rows, got null");
        if (rows.Length == 0) throw new BadInputException($"{field}: expected at least one row, got none");
        return rows.Length;
    }

    /// <summary>Rows <paramref name="first"/> .. first+count−1 copied one after another into <paramref name="into"/>, each checked to have <paramref name="width"/> finite values.</summary>
    public static void CopyChecked(float[][] rows, int first, int count, long width, string field, Span<float> into)
    {
        for (int i = first; i < first + count; i++)
        {
            var row = rows[i] ?? throw new BadInputException($"{field}[{i}]: expected a row of {width} values, got null");
            if (row.Length != width) throw new BadInputException($"{field}[{i}]: expected {width} values, got {row.Length}");
            for (int j = 0; j < row.Length; j++)
                if (!float.IsFinite(row[j])) throw new BadInputException($"{field}[{i}][{j}]: expected a finite number, got {row[j]}");
            row.CopyTo(into[(int)((i - first) * width)..]);
        }
    }

    /// <summary>An array of N samples as N rows.</summary>
    public static float[][] FromArray(NumericArray array) => array.ToRows(array.Count);
}
