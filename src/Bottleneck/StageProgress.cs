namespace Bottleneck;

/// <summary>
/// How far a long piece of library work has gone: <paramref name="Done"/> of <paramref name="Total"/> units (images,
/// rows, models, epochs) of the stage named <paramref name="Stage"/>. Work that takes more than a few seconds reports it
/// through an <see cref="IProgress{T}"/> the caller passes; a new stage name starts a new stage. The library never
/// draws: the command line shows a bar on a terminal and one line per stage in logs.
/// </summary>
/// <param name="Stage">What is being done, in words a person reads ("scoring the test rows").</param>
/// <param name="Done">Units finished so far, 0 ≤ Done ≤ Total.</param>
/// <param name="Total">Units in the stage; 0 when the stage has no count (it is then shown as started and finished).</param>
/// <remarks>
/// A stage whose first report already has all its units done (<see cref="Finished"/>: 1 of 1) announces something that has
/// finished ("[2/9] sparsity: done: confirmed"): a log writes it as a plain line, where a stage that starts ends in "…".
/// </remarks>
internal readonly record struct StageProgress(string Stage, long Done, long Total)
{
    /// <summary>Reports that <paramref name="stage"/> starts, with <paramref name="total"/> units to do.</summary>
    public static void Start(IProgress<StageProgress>? progress, string stage, long total) =>
        progress?.Report(new StageProgress(stage, 0, total));

    /// <summary>Reports that <paramref name="stage"/> has finished, as a stage of its own (1 of 1 units done): a result line, not work that starts.</summary>
    public static void Finished(IProgress<StageProgress>? progress, string stage) =>
        progress?.Report(new StageProgress(stage, 1, 1));

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> units of <paramref name="stage"/> finished.</summary>
    public static void Advance(IProgress<StageProgress>? progress, string stage, long done, long total) =>
        progress?.Report(new StageProgress(stage, Math.Min(done, total), total));
}
