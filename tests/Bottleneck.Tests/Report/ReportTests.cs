using Bottleneck.Evaluation;
using Bottleneck.Applications.Report;
using Bottleneck.Applications.Report.Claims;
using Bottleneck.Tests.Cli;
using Xunit;

namespace Bottleneck.Tests.Report;

/// <summary>The report's pieces without a browser: budgets, claim choice, seeds' spread, verdict rules, the cache, the page's self-containment.</summary>
public class ReportTests
{
    /// <summary>A valid 1×1 PNG.</summary>
    public static byte[] TinyPng() => Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>A made-up claim result with one measurement and a figure.</summary>
    internal static ClaimResult Result(string id, double value, int digits, double? sd = null) => new()
    {
        Id = id, Section = "§0.0", Statement = "A statement.", ChapterFigure = "a figure", Rule = "a rule",
        Settings = new ClaimSettings(ReportBudget.Quick, "test data", [1, 2, 3], Epochs: 2),
        Reduced = true, FullBudget = "README, full budget: something.",
        Measured = [new Measurement("a measured value", value, "units", digits, sd, sd is null ? 1 : 3)],
        Verdict = Verdict.Corrected, Finding = "A finding.", Figure = id + ".png", FigureCaption = "A caption.",
    };

    /// <summary>A made-up report of <paramref name="claims"/>.</summary>
    internal static ReportDocument Document(IReadOnlyList<ClaimResult> claims) => new()
    {
        Title = "Test report", Budget = ReportBudget.Quick, GeneratedUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Machine = "test machine", Claims = claims,
    };

    [Fact]
    public void BudgetsAndClaimIdsAreCheckedWithOneLine()
    {
        Assert.Equal(ReportBudget.Full, ReportBudgets.Parse("full"));
        var budget = Assert.Throws<OptionException>(() => ReportBudgets.Parse("nope"));
        Assert.Equal("budget: expected quick, standard or full, got 'nope'", budget.Message);
        var only = Assert.Throws<OptionException>(() => ClaimRegistry.Select("bce-example,unknown-claim"));
        Assert.StartsWith("only: no claim named 'unknown-claim'; the claims are parameter-counts, bce-example,", only.Message);
        Assert.Equal(["parameter-counts", "bce-example"], ClaimRegistry.Select("bce-example, parameter-counts").Select(c => c.Id));
        Assert.Equal(ClaimRegistry.All.Count, ClaimRegistry.All.Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public void CommandRefusesBadInputBeforeAnyWork()
    {
        using var folder = new TempFolder();
        CliRunner.Fails(folder, "--budget: expected quick, standard or full, got 'nope'", "report", "--budget", "nope", "--out", "out");
        var result = CliRunner.Fails(folder, "--only: no claim named 'unknown-claim'; the claims are parameter-counts", "report", "--only", "unknown-claim", "--out", "out");
        foreach (var claim in ClaimRegistry.All) Assert.Contains(claim.Id, result.Stderr);
    }

    [Fact]
    public void CommandShowsProgressWritesThePageAndReadsTheCacheTheSecondTime()
    {
        using var folder = new TempFolder();
        var first = CliRunner.Run(folder.Path, "report", "--only", "parameter-counts,bce-example", "--out", "out");
        Assert.True(first.ExitCode == 0, first.Stderr);
        // Progress in a log: claims done of total, and each claim's stage.
        Assert.Contains("[1/2] parameter-counts: counting parameters", first.Stderr);
        Assert.Contains("[2/2] bce-example: computing BCE", first.Stderr);
        // A stage that starts ends in "…"; the line that says a claim is done does not.
        var lines = first.Stderr.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("[2/2] bce-example: done: corrected", lines);
        Assert.Contains(lines, l => l.StartsWith("[1/2] parameter-counts: counting parameters", StringComparison.Ordinal) && l.EndsWith('…'));
        Assert.Contains("corrected", first.Stdout);
        Assert.True(File.Exists(folder["out/report.html"]) && File.Exists(folder["out/report.json"]));
        Assert.Equal(2, Directory.GetFiles(folder["out/cache"], "*.json").Length);
        Assert.Equal(2, Directory.GetFiles(folder["out/cache"], "*.png").Length);
        Assert.Empty(folder.TemporaryFiles());

        var second = CliRunner.Run(folder.Path, "report", "--only", "parameter-counts,bce-example", "--out", "out");
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("[1/2] parameter-counts: read from the cache", second.Stderr);
        Assert.DoesNotContain("counting parameters", second.Stderr);
        Assert.Equal(ReportJson.Read(File.ReadAllText(folder["out/report.json"])).Claims.Select(c => c.Measured[0].Value),
                     [784.0 * 32 + 32 + 32 * 784 + 784, -(0.5 * Math.Log(0.6) + 0.5 * Math.Log(0.4))]);
    }

    [Fact]
    public void SpreadOverSeedsIsTheSampleStandardDeviation()
    {
        // numpy: np.mean([0.887, 0.954, 0.921]) = 0.9206666…, np.std([…], ddof=1) = 0.033501243…
        var m = Measurement.OverSeeds("AUC", [0.887, 0.954, 0.921], "", 3);
        Assert.Equal(0.92066666666666663, m.Value, 12);
        Assert.Equal(0.033501243758005921, m.StandardDeviation!.Value, 12);
        Assert.Equal("0.921 ± 0.034 (3 seeds)", m.Text);
        Assert.Null(Measurement.OverSeeds("x", [1.5], "", 1).StandardDeviation);
    }

    [Fact]
    public void BceExampleIsComputedAsByHand()
    {
        // −[x ln x̂ + (1 − x) ln(1 − x̂)] at x = 0.5, x̂ = 0.6 = 0.713558…; minus H(0.5) = ln 2 it is the chapter's 0.020.
        double byHand = -(0.5 * Math.Log(0.6) + 0.5 * Math.Log(0.4));
        Assert.Equal(byHand, BceExampleClaim.Bce(0.5, 0.6), 12);
        Assert.Equal(byHand - Math.Log(2), BceExampleClaim.Bce(0.5, 0.6) - BceExampleClaim.Bce(0.5, 0.5), 12);
        Assert.Equal(0.020, byHand - Math.Log(2), 3);
    }

    [Fact]
    public void LossScaleRuleReadsEachCase()
    {
        static ReconstructionMetrics Metrics(double mse, double bce) => new(bce, mse, 0, ReconstructionMetrics.PsnrFromMse(mse), 10, []);
        Assert.Equal(Verdict.Corrected, LossScaleClaim.Judge(Metrics(0.0104, 0.0932), ReportBudget.Quick).Verdict);
        Assert.Equal(Verdict.Confirmed, LossScaleClaim.Judge(Metrics(0.070, 0.2), ReportBudget.Full).Verdict);
        Assert.Equal(Verdict.NotReproducibleAtBudget, LossScaleClaim.Judge(Metrics(0.03, 0.3), ReportBudget.Quick).Verdict);
        Assert.Equal(Verdict.Refuted, LossScaleClaim.Judge(Metrics(0.03, 0.3), ReportBudget.Full).Verdict);
    }

    [Fact]
    public void ParameterCountsAreCountedLayerByLayer()
    {
        using var folder = new TempFolder();
        var outcome = new ParameterCountsClaim().Measure(Context(folder, ReportBudget.Quick));
        // Σ inputs·outputs + outputs over the Dense layers, by hand.
        long[] byHand =
        [
            784 * 32 + 32 + 32 * 784 + 784,
            784 * 128 + 128 + 128 * 32 + 32 + 32 * 128 + 128 + 128 * 784 + 784,
            784 * 256 + 256 + 256 * 32 + 32 + 32 * 256 + 256 + 256 * 784 + 784,
            784 * 512 + 512 + 512 * 256 + 256 + 256 * 32 + 32 + 32 * 256 + 256 + 256 * 512 + 512 + 512 * 784 + 784,
        ];
        Assert.Equal(byHand.Select(n => (double)n), outcome.Measured.Select(m => m.Value));
        Assert.Equal(Verdict.Corrected, outcome.Verdict);
        Assert.True(File.Exists(folder["figure.png"]));
    }

    [Fact]
    public void CacheMakesSecondRunInstantAndResumesAfterInterruption()
    {
        using var folder = new TempFolder();
        var a = new CountingClaim("a");
        var b = new CountingClaim("b") { FailOnce = true };
        Assert.Throws<OperationCanceledException>(() => ReportRunner.Run([a, b], ReportBudget.Quick, folder.Path));
        Assert.Equal((1, 1), (a.Measured, b.Measured));
        Assert.Empty(folder.TemporaryFiles());

        var resumed = ReportRunner.Run([a, b], ReportBudget.Quick, folder.Path);
        Assert.Equal((1, 2), (a.Measured, b.Measured));          // a came from the cache, b was measured again
        Assert.Equal([true, false], resumed.Select(r => r.FromCache));

        var again = ReportRunner.Run([a, b], ReportBudget.Quick, folder.Path);
        Assert.Equal((1, 2), (a.Measured, b.Measured));
        Assert.All(again, r => Assert.True(r.FromCache));
        Assert.Equal(0.5, again[0].Result.Measured[0].Value);
        Assert.True(File.Exists(Path.Combine(folder.Path, "cache", again[0].Result.Figure!)));

        ReportRunner.Run([a], ReportBudget.Full, folder.Path);     // other settings, other key
        Assert.Equal(2, a.Measured);

        // A damaged cache entry is measured again rather than trusted.
        var entry = Directory.GetFiles(Path.Combine(folder.Path, "cache"), "b-*.json").Single();
        File.WriteAllText(entry, "{ not json");
        ReportRunner.Run([b], ReportBudget.Quick, folder.Path);
        Assert.Equal(3, b.Measured);
    }

    [Fact]
    public void PageIsSelfContained()
    {
        var html = HtmlReport.Render(Document([Result("first", 0.5, 2, sd: 0.1)]), _ => TinyPng());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"data:image/png;base64,iVBOR", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"value\" data-claim=\"first\" data-index=\"0\">0.50</span> ± <span class=\"sd\" data-claim=\"first\" data-index=\"0\">0.10</span>", html, StringComparison.Ordinal);
        Assert.Contains("measured at a reduced budget", html, StringComparison.Ordinal);
        Assert.Contains("README, full budget", html, StringComparison.Ordinal);
        var timed = HtmlReport.Render(Document([Result("first", 0.5, 2) with { Seconds = 95.04, CpuSeconds = 12.3 }]), _ => TinyPng());
        Assert.Contains("; 95 s, 12.3 s of CPU)", timed, StringComparison.Ordinal);   // wall and CPU seconds beside the settings
        var roundTrip = ReportJson.Read(ReportJson.Write(Document([Result("first", 0.5, 2, sd: 0.1)])));
        Assert.Equal(Verdict.Corrected, roundTrip.Claims[0].Verdict);
        Assert.Contains("\"verdict\": \"corrected\"", ReportJson.Write(Document([Result("first", 0.5, 2)])), StringComparison.Ordinal);
    }

    [Fact]
    public void DemoPageJudgesTheDemosOwnRun()
    {
        var history = new Bottleneck.Training.TrainingHistory();
        for (int e = 1; e <= 5; e++) history.Add(new Bottleneck.Training.EpochRecord(e, 0.1, 0.1, 1e-3, 1));
        var training = new Bottleneck.Training.TrainingResult(history, Bottleneck.Training.StopReason.Completed, 5, false, 5, 1000);
        var test = new ReconstructionMetrics(0.0932, 0.01038, 0.03, 19.84, 10_000, []);
        var page = ChapterReport.DemoPage(training, test, seed: 7, maxEpochs: 5, "reconstructions.png");
        var claim = Assert.Single(page.Claims);
        Assert.Equal(("loss-scale", Verdict.Corrected, "reconstructions.png"), (claim.Id, claim.Verdict, claim.Figure));
        Assert.Equal((5, 7L, true), (claim.Settings.Epochs!.Value, claim.Settings.Seeds[0], claim.Reduced));   // 5 of the full budget's 20 epochs
        Assert.Equal(0.01038, claim.Measured[0].Value);
        Assert.Equal(ReportBudget.Quick, page.Budget);
        Assert.Equal(ReportBudget.Full, ChapterReport.DemoPage(training, test, 7, 50, "reconstructions.png").Budget);
    }

    static ClaimContext Context(TempFolder folder, ReportBudget budget) => new()
    {
        Settings = new ParameterCountsClaim().Settings(budget), FigurePath = folder["figure.png"], WorkFolder = folder.Path,
    };

    /// <summary>A claim that counts its measurements and can be cut short once, as Ctrl-C would.</summary>
    sealed class CountingClaim(string id) : ReportClaim
    {
        public int Measured;
        public bool FailOnce;
        public override string Id => id;
        public override string Section => "§0";
        public override string Statement => "s";
        public override string ChapterFigure => "f";
        public override string Rule => "r";
        public override string FullBudget => "full";
        public override ClaimSettings Settings(ReportBudget budget) => new(budget, "none", [42], Epochs: budget.Pick(1, 2, 3));
        public override ClaimOutcome Measure(ClaimContext context)
        {
            Measured++;
            File.WriteAllBytes(context.FigurePath, TinyPng());
            if (FailOnce)
            {
                FailOnce = false;
                throw new OperationCanceledException();
            }
            return new ClaimOutcome([new Measurement("m", 0.5, "", 2)], Verdict.Confirmed, "fine", "caption");
        }
    }
}
