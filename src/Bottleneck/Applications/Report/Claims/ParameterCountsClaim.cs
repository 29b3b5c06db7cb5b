using Bottleneck.Models;

namespace Bottleneck.Applications.Report.Claims;

/// <summary>
/// §2.3, §3.4, §9.3: the chapter's parameter counts. Each network is built and its trainable parameters counted
/// (Σ over Dense layers of inputs·outputs + outputs); nothing is trained, so every budget measures the same.
/// </summary>
internal sealed class ParameterCountsClaim : ReportClaim
{
    /// <summary>The networks and the chapter's count for each (§3.4's is "~222K").</summary>
    public static readonly (string Name, int[] Encoder, long Chapter)[] Networks =
    [
        ("784-32-784 (§2.3)", [], 51_072),
        ("784-128-32-128-784 (§3.4)", [128], 222_000),
        ("784-256-32-256-784 (§9.3)", [256], 227_360),
        ("784-512-256-32-256-512-784 (§9.3)", [512, 256], 476_720),
    ];

    /// <inheritdoc />
    public override string Id => "parameter-counts";
    /// <inheritdoc />
    public override string Section => "§2.3, §3.4, §9.3";
    /// <inheritdoc />
    public override string Statement => "The dense autoencoders it describes have these parameter counts.";
    /// <inheritdoc />
    public override string ChapterFigure => "51,072; ~222K; 227,360; 476,720";
    /// <inheritdoc />
    public override string Rule => "corrected when a counted network differs from the chapter's figure by more than 1 % (\"~222K\" read as 222,000); confirmed otherwise.";
    /// <inheritdoc />
    public override string FullBudget => "README, Corrections to the chapter (counted, no training): 50,992; 209,968; 419,120; 1,083,696.";

    /// <inheritdoc />
    public override ClaimSettings Settings(ReportBudget budget) => new(budget, "none (layer sizes only)", []);

    /// <inheritdoc />
    public override ClaimOutcome Measure(ClaimContext context)
    {
        context.Stage("counting parameters");
        var counts = Networks.Select(n =>
        {
            using var model = ModelFactory.Create(new ModelSpec { Encoder = n.Encoder, Bottleneck = 32 }.WithInputShape([784]));
            return model.TrainableParameterCount;
        }).ToArray();
        var wrong = Networks.Zip(counts).Where(p => Math.Abs(p.Second - p.First.Chapter) > 0.01 * p.First.Chapter).ToList();
        ClaimCharts.GroupedBars(context.FigurePath, "Parameters: the chapter against a count", "trainable parameters",
            ["784-32", "784-128-32", "784-256-32", "784-512-256-32"],
            [new("the chapter", Networks.Select(n => (double)n.Chapter).ToArray()), new("counted", counts.Select(c => (double)c).ToArray())]);
        return new ClaimOutcome(
            Networks.Zip(counts).Select(p => new Measurement($"{p.First.Name}, trainable parameters", p.Second, "parameters", 0)).ToList(),
            wrong.Count > 0 ? Verdict.Corrected : Verdict.Confirmed,
            wrong.Count > 0
                ? $"{wrong.Count} of {Networks.Length} counts are wrong: " + string.Join("; ", wrong.Select(p => $"{p.First.Name} has {p.Second:N0}, not {p.First.Chapter:N0}")) + ". 222,384 belongs to 784-128-64-32-64-128-784."
                : "Every count agrees.",
            "Each network's trainable parameters: the chapter's figure beside the count of the built model.");
    }
}
