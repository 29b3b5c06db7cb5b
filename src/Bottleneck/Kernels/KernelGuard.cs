using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Bottleneck.Kernels;

/// <summary>
/// The path chosen for one convolution shape, and what every path tried before it measured. <see cref="Preferred"/>
/// is the path the layer would use on a machine whose kernels are all right.
/// </summary>
internal sealed record KernelDecision(ConvolutionShape Shape, ConvolutionPath Preferred, ConvolutionPath Chosen, IReadOnlyList<KernelError> Tried)
{
    /// <summary>True when the preferred path was wrong here and another one is used.</summary>
    public bool IsFallback => Chosen != Preferred;

    /// <summary>"conv2d 1→32, … uses standard: channels_last is wrong on this CPU (max relative error 0.53 in the weight gradient)".</summary>
    public override string ToString() => !IsFallback
        ? $"{Shape}: {Chosen.Name()} (max relative error {Describe(Tried[^1].Max)})"
        : $"{Shape}: {string.Join("; ", Tried.Where(t => !t.IsRight).Select(t => $"{t.Path.Name()} is wrong on this CPU (max relative error {Describe(t.Max)} in the {t.WorstPart})"))}; using {Chosen.Name()} instead";

    internal static string Describe(double error) =>
        double.IsPositiveInfinity(error) ? "NaN or ∞" : error >= 1e-3 ? error.ToString("0.###") : error.ToString("0.0e+0");
}

/// <summary>
/// No path computes a convolution right on this CPU: every float32 path, and float64, disagree with the float64
/// reference. Training or scoring on such results would be silently wrong, so the work is refused.
/// </summary>
internal sealed class KernelCheckException(KernelDecision failed) : BadInputException(
    $"{failed.Shape}: no kernel computes this convolution right on this CPU (" +
    string.Join("; ", failed.Tried.Select(t => $"{t.Path.Name()}: max relative error {KernelDecision.Describe(t.Max)} in the {t.WorstPart}")) +
    $"; tolerance {KernelError.Tolerance:0e+0}); run 'bottleneck doctor' and report its output")
{
    /// <summary>What each path measured.</summary>
    public KernelDecision Failed { get; } = failed;
}

/// <summary>
/// Checks each convolution a model uses on the CPU it runs on, before its first use, and picks a path whose float32
/// results agree with float64 (libtorch 2.10's conv kernels are wrong on some CPUs: DESIGN.md). Paths are tried fastest
/// first: the layer's own layout, then the other layout, then (transposed only) the zero-stuffed regular convolution,
/// then float64. The check takes milliseconds and runs once per process and shape (<see cref="ConvolutionShape"/>);
/// decisions are cached. Thread-safe.
/// </summary>
internal static class KernelGuard
{
    static readonly ConcurrentDictionary<(ConvolutionShape, ConvolutionPath), Lazy<KernelDecision>> decisions = new();
    static int generation;
    static long checkTicks, checksRun;

    /// <summary>Shapes checked in this process so far, and the time the checks took (the price of the guard).</summary>
    public static (long Checks, TimeSpan Time) Cost => (Interlocked.Read(ref checksRun), TimeSpan.FromTicks(Interlocked.Read(ref checkTicks)));

    /// <summary>Raised once for each shape whose preferred path was wrong, with the decision that replaced it.</summary>
    public static event Action<KernelDecision>? FallbackChosen;

    /// <summary>Increases whenever decisions are forgotten, so layers that cached a path check again.</summary>
    public static int Generation => Volatile.Read(ref generation);

    /// <summary>Every decision made in this process so far, in no particular order.</summary>
    public static IReadOnlyList<KernelDecision> Decisions =>
        decisions.Values.Where(d => d.IsValueCreated).Select(d => d.Value).ToList();

    /// <summary>
    /// The path to use for <paramref name="shape"/> when the layer prefers <paramref name="preferred"/>; checks it (and,
    /// if it is wrong, the next ones) the first time. Throws <see cref="KernelCheckException"/> when no path is right.
    /// </summary>
    public static KernelDecision Choose(ConvolutionShape shape, ConvolutionPath preferred)
    {
        var decision = decisions.GetOrAdd((shape, preferred), key => new Lazy<KernelDecision>(() => Decide(key.Item1, key.Item2))).Value;
        if (!decision.Tried[^1].IsRight) throw new KernelCheckException(decision);
        return decision;
    }

    /// <summary>The paths in the order they are tried for a layer that prefers <paramref name="preferred"/>.</summary>
    public static IReadOnlyList<ConvolutionPath> Candidates(bool transposed, ConvolutionPath preferred)
    {
        var order = new List<ConvolutionPath> { preferred };
        foreach (var path in new[] { ConvolutionPath.ChannelsLast, ConvolutionPath.Standard, ConvolutionPath.ZeroStuffed, ConvolutionPath.Float64 })
            if (!order.Contains(path) && (transposed || path != ConvolutionPath.ZeroStuffed)) order.Add(path);
        return order;
    }

    /// <summary>Measures every path for <paramref name="shape"/> (for <c>bottleneck doctor</c>); decides nothing.</summary>
    public static IReadOnlyList<KernelError> MeasureAll(ConvolutionShape shape)
    {
        using var scope = NewDisposeScope();
        var check = new KernelCheck(shape);
        return Candidates(shape.Transposed, ConvolutionPath.ChannelsLast).Select(check.Measure).ToList();
    }

    /// <summary>Forgets every decision (after the simulated faults change).</summary>
    internal static void Forget()
    {
        decisions.Clear();
        Interlocked.Increment(ref generation);
    }

    static KernelDecision Decide(ConvolutionShape shape, ConvolutionPath preferred)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try { return DecideNow(shape, preferred); }
        finally
        {
            Interlocked.Add(ref checkTicks, clock.Elapsed.Ticks);
            Interlocked.Increment(ref checksRun);
        }
    }

    static KernelDecision DecideNow(ConvolutionShape shape, ConvolutionPath preferred)
    {
        using var scope = NewDisposeScope();
        var check = new KernelCheck(shape);
        var tried = new List<KernelError>();
        foreach (var path in Candidates(shape.Transposed, preferred))
        {
            tried.Add(check.Measure(path));
            if (!tried[^1].IsRight) continue;
            var decision = new KernelDecision(shape, preferred, path, tried);
            if (decision.IsFallback) FallbackChosen?.Invoke(decision);
            return decision;
        }
        return new KernelDecision(shape, preferred, tried[^1].Path, tried);
    }
}
