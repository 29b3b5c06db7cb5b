using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Bottleneck.IO;
using Bottleneck.Training;

namespace Bottleneck.Applications.Compression;

/// <summary>
/// sweep.json (and `sweep --json`): the sweep's settings, one row per code size with its test figures beside the
/// chapter's, and the elbow by each loss. The keys are those of every earlier version.
/// </summary>
internal sealed record SweepReport
{
    /// <summary>The data argument.</summary>
    public required string Data { get; init; }

    /// <summary>The architecture's name (each row's model adds -k{k}).</summary>
    public required string Model { get; init; }

    /// <summary>The training loss.</summary>
    public required string Loss { get; init; }

    /// <summary>Most epochs per model.</summary>
    public required int MaxEpochs { get; init; }

    /// <summary>The seed every model was trained with.</summary>
    public required long Seed { get; init; }

    /// <summary>The elbow by test BCE (<see cref="BottleneckSweep.Elbow"/>); null with fewer than three sizes or no bend.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public int? ElbowByBce { get; init; }

    /// <summary>The elbow by test MSE.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public int? ElbowByMse { get; init; }

    /// <summary>One row per code size, smallest first.</summary>
    public required IReadOnlyList<SweepReportRow> Rows { get; init; }

    /// <summary>What the figures are.</summary>
    public SweepUnits Units { get; init; } = new();

    /// <summary>The report of a sweep's <paramref name="rows"/>, trained on <paramref name="data"/> with <paramref name="training"/>.</summary>
    public static SweepReport Of(IReadOnlyList<SweepRow> rows, string data, string model, TrainingOptions training) => new()
    {
        Data = data,
        Model = model,
        Loss = training.Loss.Name,
        MaxEpochs = training.Epochs,
        Seed = training.Seed,
        ElbowByBce = BottleneckSweep.Elbow(rows.Select(r => (r.CodeSize, r.Bce)).ToList()),
        ElbowByMse = BottleneckSweep.Elbow(rows.Select(r => (r.CodeSize, r.Mse)).ToList()),
        Rows = rows.Select(r => new SweepReportRow
        {
            CodeSize = r.CodeSize, Ratio = r.Ratio, TestBce = r.Bce, TestMse = r.Mse, TestPsnr = r.Psnr, FinalValLoss = r.FinalValLoss,
            EpochsRun = r.EpochsRun, Params = r.Parameters, TrainSeconds = Math.Round(r.TrainSeconds, 2),
            ChapterTypicalLoss = BottleneckSweep.ChapterTypicalLoss.TryGetValue(r.CodeSize, out var c) ? c : null,
            ChapterQuality = BottleneckSweep.ChapterQuality.TryGetValue(r.CodeSize, out var q) ? q : null,
        }).ToArray(),
    };

    /// <summary>The report as a JSON tree; a non-finite number in it is written as null by <see cref="FiniteJson"/>.</summary>
    public JsonObject ToJson() => ResultJson.ToNode(this).AsObject();

    /// <summary>Reads a report from its JSON tree; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="BadInputException">The JSON is not such a report.</exception>
    public static SweepReport FromJson(JsonNode json, string source) => ResultJson.Read<SweepReport>(json, source);
}

/// <summary>One code size of sweep.json.</summary>
internal sealed record SweepReportRow
{
    /// <summary>k, the code's width.</summary>
    public required int CodeSize { get; init; }

    /// <summary>d / k, exact.</summary>
    public required double Ratio { get; init; }

    /// <summary>Test BCE, mean per pixel.</summary>
    public required double TestBce { get; init; }

    /// <summary>Test MSE, mean per pixel.</summary>
    public required double TestMse { get; init; }

    /// <summary>Test PSNR in dB.</summary>
    public required double TestPsnr { get; init; }

    /// <summary>The last epoch's validation loss.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? FinalValLoss { get; init; }

    /// <summary>Epochs run.</summary>
    public required int EpochsRun { get; init; }

    /// <summary>Parameters of the model.</summary>
    public required long Params { get; init; }

    /// <summary>Training time, to 0.01 s.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>The chapter's "typical loss" for this k, when it gives one (§7.1).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? ChapterTypicalLoss { get; init; }

    /// <summary>The chapter's word for this k's quality, when it gives one (§8.5).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? ChapterQuality { get; init; }
}

/// <summary>sweep.json's units.</summary>
internal sealed record SweepUnits
{
    /// <summary>Unit of test_bce.</summary>
    public string TestBce { get; init; } = "mean per pixel (nats), test set";

    /// <summary>Unit of test_mse.</summary>
    public string TestMse { get; init; } = "mean per pixel, test set";

    /// <summary>Unit of test_psnr.</summary>
    public string TestPsnr { get; init; } = "dB";

    /// <summary>What ratio is.</summary>
    public string Ratio { get; init; } = "d / k, exact";
}
