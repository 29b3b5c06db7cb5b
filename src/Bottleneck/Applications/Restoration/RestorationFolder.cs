using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Restoration;

/// <summary>
/// The folder a restoration writes, and the one place that knows its file names: the restored samples (restored.npy for
/// a dataset, &lt;name&gt;.png for each image file, and &lt;name&gt;.corrupted.png when the images were corrupted first),
/// restoration.png (clean / corrupted / restored) and metrics.json.
/// </summary>
internal sealed class RestorationFolder
{
    /// <summary>File names of a restoration's outputs.</summary>
    public const string RestoredArray = "restored.npy", GridFile = "restoration.png", MetricsFile = "metrics.json";

    /// <summary>metrics.json in readable units (σ, ×, ·) rather than \u escapes, as train's metrics.json.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    RestorationFolder(string folder, IReadOnlyList<string> restored, IReadOnlyList<string> corrupted)
    {
        Folder = folder;
        Restored = restored;
        Corrupted = corrupted;
        Grid = In(folder, GridFile);
        Metrics = In(folder, MetricsFile);
    }

    /// <summary>The folder, as given.</summary>
    public string Folder { get; }

    /// <summary>Full paths of the restored samples: one .npy, or one PNG per image file.</summary>
    public IReadOnlyList<string> Restored { get; }

    /// <summary>Full paths of the corrupted images (image files with a corruption only).</summary>
    public IReadOnlyList<string> Corrupted { get; }

    /// <summary>Full path of restoration.png.</summary>
    public string Grid { get; }

    /// <summary>Full path of metrics.json.</summary>
    public string Metrics { get; }

    /// <summary>Every file the run writes.</summary>
    public IReadOnlyList<string> All => [.. Restored, .. Corrupted, Grid, Metrics];

    static string In(string folder, string name) => Path.GetFullPath(Path.Combine(folder, name));

    /// <summary>
    /// The files a run writes into <paramref name="folder"/> for a dataset (<paramref name="files"/> null) or for image
    /// files; two images with the same name, or one named like an output, are refused before anything is written.
    /// </summary>
    public static RestorationFolder Plan(string folder, IReadOnlyList<string>? files, bool corrupted)
    {
        if (files is null) return new RestorationFolder(folder, [In(folder, RestoredArray)], []);
        var stems = files.Select(Path.GetFileNameWithoutExtension).ToList();
        var twice = stems.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            var clash = files.Where(f => Path.GetFileNameWithoutExtension(f) == twice.Key).Take(2).ToList();
            throw new OptionException("images", $"{clash[0]} and {clash[1]} would both be restored to {twice.Key}.png (give images with different names)");
        }
        var reserved = new[] { Path.GetFileNameWithoutExtension(GridFile), Path.GetFileNameWithoutExtension(MetricsFile) };
        if (stems.FirstOrDefault(s => reserved.Contains(s, StringComparer.Ordinal)) is { } taken)
            throw new OptionException("images", $"an image named '{taken}' would clash with the output {taken}{(taken == "metrics" ? ".json" : ".png")} (rename it)");
        return new RestorationFolder(folder, stems.Select(s => In(folder, s + ".png")).ToList(),
            corrupted ? stems.Select(s => In(folder, s + ".corrupted.png")).ToList() : []);
    }

    /// <summary>Refuses, before anything is written, to replace a file the user gave as input: an image, the data file, or a file of the model folder.</summary>
    public void RefuseOverwritingInputs(IReadOnlyList<string>? files, string? dataFile, string modelFolder)
    {
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in files ?? []) inputs.Add(Path.GetFullPath(f));
        if (dataFile is not null && File.Exists(dataFile)) inputs.Add(Path.GetFullPath(dataFile));
        if (Directory.Exists(modelFolder))
            foreach (var f in Directory.EnumerateFiles(modelFolder)) inputs.Add(Path.GetFullPath(f));
        if (All.FirstOrDefault(inputs.Contains) is { } clash)
            throw new OptionException("output", $"writing {clash} would overwrite an input file; choose another `output` folder");
    }

    /// <summary>
    /// Creates the folder and takes its lock, so that another run writing the same folder is refused before any work
    /// rather than interleaved; hold it until <see cref="Write"/> has returned.
    /// </summary>
    public OutputLock Hold()
    {
        Directory.CreateDirectory(Folder);
        return OutputLock.Acquire(Folder);
    }

    /// <summary>
    /// Writes the restored samples, the corrupted images (image files with a corruption), restoration.png with the first
    /// <paramref name="shown"/> images, and metrics.json, each atomically (call it holding <see cref="Hold"/>'s lock).
    /// </summary>
    public void Write(RestorationResult result, RestorationMetrics metrics, ImageLayout layout, int shown)
    {
        Directory.CreateDirectory(Folder);
        var restored = result.Restored;
        if (metrics.Files is null)
        {
            var values = restored.Batch(0, restored.Count).contiguous().data<float>().ToArray();
            NpyFile.Write(Restored[0], NumericArray.FromFloats([restored.Count, .. restored.SampleShape.Select(d => (int)d)], values));
        }
        else
        {
            var restoredImages = ImageRestorer.ToImages(restored, layout);
            for (int i = 0; i < Restored.Count; i++) ImageFile.WritePng(Restored[i], restoredImages[i]);
            if (Corrupted.Count > 0)
            {
                var corruptedImages = ImageRestorer.ToImages(result.Input, layout);
                for (int i = 0; i < Corrupted.Count; i++) ImageFile.WritePng(Corrupted[i], corruptedImages[i]);
            }
        }
        DenoisingGrid.Save(Grid, Title(metrics), result.Clean, result.Input, restored, layout, shown,
            result.Corruption?.Name ?? "Input", metrics.Files?.Select(f => Path.GetFileName(f)).ToArray());
        AtomicFile.WriteAllText(Metrics, FiniteJson.Serialize(metrics.ToJson(), Metrics, new JsonSerializerOptions { WriteIndented = true, Encoder = Encoder }) + "\n");
    }

    /// <summary>The picture's title: the gain in PSNR and SSIM with clean references, what was restored without.</summary>
    public static string Title(RestorationMetrics metrics)
    {
        var report = metrics.Report;
        return report.HasCleanReference
            ? string.Create(CultureInfo.InvariantCulture,
                $"{metrics.Model} on {metrics.Input}, {metrics.Corruption}: PSNR {report.Before!.Psnr:F2} → {report.After!.Psnr:F2} dB, SSIM {report.Before.Ssim:F3} → {report.After.Ssim:F3}")
            : $"{metrics.Model} on {metrics.Input}: input and restored (no clean reference)";
    }
}
