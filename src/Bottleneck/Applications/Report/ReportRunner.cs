using System.Diagnostics;

namespace Bottleneck.Applications.Report;

/// <summary>A claim's result and whether it came from the cache.</summary>
internal sealed record RunClaim(ClaimResult Result, bool FromCache);

/// <summary>
/// Measures claims one after another, each through the cache (<see cref="ClaimCache"/>): a claim measured before with the
/// same settings is read back, the others are measured and stored as soon as each finishes. Stages are reported as
/// "[i/n] claim: stage", so a display shows claims done of total and, inside a claim, its stage.
/// </summary>
internal static class ReportRunner
{
    /// <summary>The cache folder inside a report's output folder.</summary>
    public const string CacheFolder = "cache";

    /// <summary>Runs <paramref name="claims"/> at <paramref name="budget"/>, caching under <paramref name="outputFolder"/>/cache.</summary>
    /// <param name="finished">Called after each claim, measured or read from the cache.</param>
    public static IReadOnlyList<RunClaim> Run(IReadOnlyList<ReportClaim> claims, ReportBudget budget, string outputFolder,
        IProgress<StageProgress>? progress = null, CancellationToken cancel = default, Action<RunClaim>? finished = null)
    {
        var cache = new ClaimCache(Path.Combine(outputFolder, CacheFolder));
        Directory.CreateDirectory(cache.Folder);
        var results = new List<RunClaim>();
        for (int i = 0; i < claims.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var claim = claims[i];
            var settings = claim.Settings(budget);
            var key = ClaimCache.Key(claim, settings);
            var prefix = $"[{i + 1}/{claims.Count}] {claim.Id}: ";
            var run = cache.TryLoad(claim.Id, key) is { } stored
                ? new RunClaim(stored, FromCache: true)
                : new RunClaim(Measure(claim, settings, key, cache, progress, prefix, cancel), FromCache: false);
            StageProgress.Finished(progress, $"{prefix}{(run.FromCache ? "read from the cache" : "done")}: {run.Result.Verdict.Text()}");
            results.Add(run);
            finished?.Invoke(run);
        }
        return results;
    }

    static ClaimResult Measure(ReportClaim claim, ClaimSettings settings, string key, ClaimCache cache,
        IProgress<StageProgress>? progress, string prefix, CancellationToken cancel)
    {
        var work = cache.WorkPath(claim.Id, key);
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);   // left by an interrupted run
        Directory.CreateDirectory(work);
        var figure = cache.FigurePath(claim.Id, key);
        if (File.Exists(figure)) File.Delete(figure);
        var context = new ClaimContext
        {
            Settings = settings, FigurePath = figure, WorkFolder = work, Progress = progress, StagePrefix = prefix, Cancel = cancel,
        };
        context.Stage("starting");
        var clock = Stopwatch.StartNew();
        var cpuBefore = ProcessorTime();
        var outcome = claim.Measure(context);
        var cpu = ProcessorTime() - cpuBefore;
        var result = Describe(claim, settings, outcome, File.Exists(figure) ? Path.GetFileName(figure) : null) with
        {
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            CpuSeconds = Math.Round(cpu.TotalSeconds, 1),
            CacheKey = key,
        };
        cache.Store(result);
        return result;
    }

    // CPU time of the whole process, every thread (torch's included): what a claim costs, whatever else the machine runs.
    static TimeSpan ProcessorTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>A claim's description, settings and outcome as one result (the demo builds its row this way too).</summary>
    public static ClaimResult Describe(ReportClaim claim, ClaimSettings settings, ClaimOutcome outcome, string? figure) => new()
    {
        Id = claim.Id,
        Section = claim.Section,
        Statement = claim.Statement,
        ChapterFigure = claim.ChapterFigure,
        Rule = claim.Rule,
        Settings = settings,
        Reduced = settings.IsReducedFrom(claim.Settings(ReportBudget.Full)),
        FullBudget = claim.FullBudget,
        Measured = outcome.Measured,
        Verdict = outcome.Verdict,
        Finding = outcome.Finding,
        Figure = figure,
        FigureCaption = figure is null ? null : outcome.FigureCaption,
    };
}
