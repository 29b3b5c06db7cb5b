using Bottleneck.Cli;
using Xunit;

namespace Bottleneck.Tests.Cli;

/// <summary>In a log, progress is one line per stage with its count: never a line per item, never a missing stage.</summary>
public class ConsoleProgressTests
{
    [Fact]
    public void A_log_gets_one_line_per_stage_with_its_count()
    {
        var log = new StringWriter();
        var progress = ConsoleProgress.ForLog(log);
        for (var i = 0; i <= 2500; i += 500) StageProgress.Advance(progress, "scoring rows", i, 2500);
        StageProgress.Start(progress, "writing figures", 0);
        StageProgress.Start(progress, "scoring rows", 10);   // a stage may come back: it is a new stage then
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["scoring rows: 2,500…", "writing figures…", "scoring rows: 10…"], lines);
    }

    [Fact]
    public void Only_a_stage_that_starts_ends_in_an_ellipsis()
    {
        var log = new StringWriter();
        var progress = ConsoleProgress.ForLog(log);
        StageProgress.Start(progress, "[1/2] sparsity: training sparse-kl, 8 epochs", 1688);
        StageProgress.Finished(progress, "[1/2] sparsity: done: confirmed");
        StageProgress.Start(progress, "[2/2] map-2d: starting", 0);
        StageProgress.Advance(progress, "copied the images", 300, 300);   // first heard of when already done
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'));
        Assert.Equal(["[1/2] sparsity: training sparse-kl, 8 epochs: 1,688…", "[1/2] sparsity: done: confirmed", "[2/2] map-2d: starting…", "copied the images: 300"], lines);
    }

    [Fact]
    public void Done_never_passes_total()
    {
        var seen = new List<StageProgress>();
        StageProgress.Advance(new Collect(seen), "s", 12, 10);
        Assert.Equal(new StageProgress("s", 10, 10), seen.Single());
    }

    sealed class Collect(List<StageProgress> seen) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => seen.Add(value);
    }
}
