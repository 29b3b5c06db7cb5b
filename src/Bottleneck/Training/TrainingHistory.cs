using System.Globalization;
using System.Text;
using Bottleneck.IO;

namespace Bottleneck.Training;

/// <summary>The per-epoch records of a training run, with a CSV form (epoch, loss, val_loss, lr, seconds, parts...).</summary>
internal sealed class TrainingHistory
{
    readonly List<EpochRecord> epochs = [];

    public IReadOnlyList<EpochRecord> Epochs => epochs;

    public void Add(EpochRecord record) => epochs.Add(record);

    /// <summary>The epoch with the lowest monitored value (the first of equals), or null before any epoch.</summary>
    public EpochRecord? Best => epochs.Count == 0 ? null : epochs.MinBy(e => e.Monitored);

    /// <summary>The history as CSV text with a header row; numbers in invariant culture, round-trippable.</summary>
    public string ToCsv()
    {
        var parts = epochs.SelectMany(e => e.Parts.Keys).Distinct().ToArray();
        var text = new StringBuilder("epoch,loss,val_loss,lr,seconds");
        foreach (var p in parts) text.Append(',').Append(p);
        text.Append('\n');
        foreach (var e in epochs)
        {
            text.Append(e.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(e.Loss)).Append(',')
                .Append(e.ValLoss is double v ? Number(v) : "").Append(',')
                .Append(Number(e.LearningRate)).Append(',')
                .Append(e.Seconds.ToString("F3", CultureInfo.InvariantCulture));
            foreach (var p in parts) text.Append(',').Append(e.Parts.TryGetValue(p, out var value) ? Number(value) : "");
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to a file, atomically.</summary>
    public void SaveCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
