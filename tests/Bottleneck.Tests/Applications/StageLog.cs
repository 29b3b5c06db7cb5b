namespace Bottleneck.Tests.Applications;

/// <summary>Collects a library's progress reports synchronously (Progress&lt;T&gt; would post them to another thread).</summary>
internal sealed class StageLog : IProgress<StageProgress>
{
    public List<StageProgress> Reports { get; } = [];

    public void Report(StageProgress value) => Reports.Add(value);

    /// <summary>The stages in the order they started, each once per start.</summary>
    public List<string> Stages()
    {
        var stages = new List<string>();
        foreach (var r in Reports)
            if (stages.Count == 0 || stages[^1] != r.Stage) stages.Add(r.Stage);
        return stages;
    }

    /// <summary>The last report of <paramref name="stage"/>.</summary>
    public StageProgress Last(string stage) => Reports.Last(r => r.Stage == stage);
}
