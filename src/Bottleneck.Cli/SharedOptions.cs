using System.CommandLine;
using Bottleneck.Data;

namespace Bottleneck.Cli;

/// <summary>Options several commands share, defined once so they read and behave the same everywhere.</summary>
internal static class SharedOptions
{
    public static Option<string> Data(bool required = true, string description = "Dataset: mnist, fashion-mnist, or a path (IDX folder, .npz, .npy, .csv)") =>
        new("--data", "-d") { Description = description, Required = required };

    public static Option<string> Model(string? description = null) =>
        new("--model", "-m")
        {
            Description = description ?? $"Model: a preset ({string.Join(", ", Bottleneck.Models.Presets.List().Select(p => p.Name))}), a spec .json file, or a trained model folder",
            Required = true,
        };

    public static Option<string?> FashionMnist() =>
        new("--fashion-mnist") { Description = $"Folder with Fashion-MNIST's IDX files (default: ${BuiltInDatasets.FashionMnistVariable}, else {BuiltInDatasets.DebianFashionMnist}; a folder given is the only one tried)" };

    public static Option<bool?> CsvHeader() =>
        new("--header") { Description = "Whether a CSV's first row is a header (default: detected)" };

    public static Option<string?> LabelColumn() =>
        new("--label-column") { Description = "CSV column with integer labels, by name or 0-based index (-1 = last)" };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout instead of a table" };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "CPU threads for tensor work (default 1: steady when other programs share the CPU; see README, Performance)",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>
    /// --threads for commands that train: the workers each batch is split across (one core each), and libtorch's
    /// threads for the work before and after training.
    /// </summary>
    public static Option<int> TrainingThreads() => new("--threads")
    {
        Description = "CPU cores to train on: each batch is split across N workers, one thread each, and their gradients added in a fixed " +
                      "order (a seed and N repeat a run exactly); libtorch's threads outside training (default 1; see README, Performance)",
        DefaultValueFactory = _ => 1,
    };

    public static Option<int> Seed() => new("--seed") { Description = "Seed for weights, shuffling and noise: the same seed repeats a run exactly", DefaultValueFactory = _ => 42 };

    /// <summary>True when <paramref name="option"/> was on the command line, not filled in from its default.</summary>
    public static bool IsGiven(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };

    public static Option<string> Split() => new("--split")
    {
        Description = "Which part of the dataset: test or train (default test, or train when the dataset has no test part; an explicit --split test then fails)",
        DefaultValueFactory = _ => "test",
    };

    public static Option<int?> Limit(string description = "Use only the first N samples") => new("--limit") { Description = description };

    /// <summary>Reads the data options common to every command that takes --data.</summary>
    public static DataOptions DataOptions(ParseResult parsed, Option<string?> fashion, Option<bool?> header, Option<string?> label) => new()
    {
        FashionMnistPath = parsed.GetValue(fashion),
        CsvHeader = parsed.GetValue(header),
        LabelColumn = parsed.GetValue(label),
    };

    /// <summary>Sets libtorch's thread count; a value outside 1 .. the machine's processor count is a usage error.</summary>
    public static void ApplyThreads(int threads)
    {
        // More threads than processors only adds contention (9,999 threads turned a 10-second run into minutes).
        if (threads < 1 || threads > Environment.ProcessorCount)
            throw new BadInputException($"--threads: expected 1 to {Environment.ProcessorCount} (this machine's processors), got {threads}");
        TorchSharp.torch.set_num_threads(threads);
    }
}
