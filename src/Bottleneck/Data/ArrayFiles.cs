using System.Globalization;
using System.Text;
using Bottleneck.IO;

namespace Bottleneck.Data;

/// <summary>Reads and writes arrays of samples as .npy or .csv, chosen by the file's extension.</summary>
internal static class ArrayFiles
{
    /// <summary>Writes [N, ...] samples to .npy (exact float32) or .csv (one row a sample; an optional label column last).</summary>
    public static void Write(string path, NumericArray array, int[]? labels = null, string columnPrefix = "x")
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".npy":
                NpyFile.Write(path, array);
                break;
            case ".csv":
                AtomicFile.WriteAllText(path, ToCsv(array, labels, columnPrefix));
                break;
            default:
                throw new BadInputException($"{path}: unknown output format (expected a .npy or .csv file name)");
        }
    }

    /// <summary>Checks, before any work, that <paramref name="path"/> names a .npy or .csv file that can be written.</summary>
    public static void CheckOutput(string? path, string field = "output")
    {
        OutputPath.CheckFile(path, field);
        if (Path.GetExtension(path!).ToLowerInvariant() is not (".npy" or ".csv"))
            throw new OptionException(field, $"{path}: unknown output format (expected a .npy or .csv file name)");
    }

    /// <summary>Reads [N, ...] samples from .npy or from a numeric .csv (header detected, no label column).</summary>
    public static NumericArray Read(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path}: file not found");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => NpyFile.Read(path),
            ".csv" => CsvTable.Read(path, new CsvReadOptions()).Features,
            _ => throw new BadInputException($"{path}: unknown input format (expected a .npy or .csv file)"),
        };
    }

    /// <summary>The name of the label column <see cref="Write"/> adds to a CSV.</summary>
    public const string LabelColumn = "label";

    /// <summary>
    /// Reads samples as <see cref="Read"/> does and, from a CSV whose header names a "label" column (as <see cref="Write"/>
    /// writes one), the labels too; that column is then not a value of the samples.
    /// </summary>
    public static (NumericArray Values, int[]? Labels) ReadLabelled(string path)
    {
        if (Path.GetExtension(path).ToLowerInvariant() != ".csv" || !File.Exists(path)) return (Read(path), null);
        var header = File.ReadLines(path).FirstOrDefault() ?? "";
        bool labelled = header.Split(',').Any(cell => cell.Trim().Trim('"') == LabelColumn);
        var table = CsvTable.Read(path, new CsvReadOptions { LabelColumn = labelled ? LabelColumn : null });
        return (table.Features, table.Labels);
    }

    static string ToCsv(NumericArray array, int[]? labels, string columnPrefix)
    {
        var values = array.ToFloats();
        int width = array.SampleLength;
        var text = new StringBuilder();
        text.AppendJoin(',', Enumerable.Range(0, width).Select(j => $"{columnPrefix}{j}"));
        if (labels is not null) text.Append(',').Append(LabelColumn);
        text.Append('\n');
        for (int i = 0; i < array.Count; i++)
        {
            for (int j = 0; j < width; j++)
            {
                if (j > 0) text.Append(',');
                text.Append(values[i * width + j].ToString("R", CultureInfo.InvariantCulture));
            }
            if (labels is not null) text.Append(',').Append(labels[i].ToString(CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        return text.ToString();
    }
}
