namespace Bottleneck.Kernels;

/// <summary>Which results of a kernel are wrong: its output, the gradient it sends to its input, or its weight gradient.</summary>
[Flags]
internal enum KernelParts
{
    None = 0,
    Forward = 1,
    InputGradient = 2,
    WeightGradient = 4,
    All = Forward | InputGradient | WeightGradient,
}

/// <summary>
/// Kernels declared wrong on purpose, so that the fallbacks of <see cref="KernelGuard"/> can be proved on a machine
/// whose kernels are all right. A declared-wrong path computes wrong numbers (its output, input gradient or weight
/// gradient off by half) everywhere it runs, as a real wrong kernel does. Read once from the environment variable
/// <c>BOTTLENECK_SIMULATE_WRONG_KERNELS</c>: comma-separated <c>op/path[/part]</c>, where op is conv2d,
/// conv_transpose2d or *, path is channels_last, standard, zero_stuffed, float64 or *, and part is forward,
/// input_grad or weight_grad (all three when left out). Example: <c>conv_transpose2d/channels_last/forward,conv2d/*/weight_grad</c>.
/// </summary>
internal sealed class SimulatedKernelFaults
{
    public const string Variable = "BOTTLENECK_SIMULATE_WRONG_KERNELS";

    readonly IReadOnlyList<(string Op, ConvolutionPath? Path, KernelParts Parts)> faults;

    SimulatedKernelFaults(IReadOnlyList<(string, ConvolutionPath?, KernelParts)> faults) => this.faults = faults;

    /// <summary>No fault: every path computes what its kernels compute.</summary>
    public static SimulatedKernelFaults None { get; } = new([]);

    static SimulatedKernelFaults current = FromEnvironment();

    /// <summary>The faults in force in this process.</summary>
    public static SimulatedKernelFaults Current => current;

    /// <summary>True when at least one fault is declared.</summary>
    public bool Any => faults.Count > 0;

    /// <summary>The wrong parts of <paramref name="op"/> computed through <paramref name="path"/>.</summary>
    public KernelParts For(string op, ConvolutionPath path)
    {
        var parts = KernelParts.None;
        foreach (var (o, p, k) in faults)
            if ((o == "*" || o == op) && (p is null || p == path)) parts |= k;
        return parts;
    }

    /// <summary>
    /// Declares <paramref name="spec"/> wrong (same syntax as the environment variable) until the result is disposed,
    /// and forgets every kernel decision made so far. For tests, which run one at a time.
    /// </summary>
    public static IDisposable Simulate(string spec)
    {
        var previous = current;
        current = Parse(spec, "fault specification");
        KernelGuard.Forget();
        return new Restore(previous);
    }

    sealed class Restore(SimulatedKernelFaults previous) : IDisposable
    {
        public void Dispose() { current = previous; KernelGuard.Forget(); }
    }

    static SimulatedKernelFaults FromEnvironment() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } spec ? Parse(spec, $"environment variable {Variable}") : None;

    /// <summary>Parses <c>op/path[/part]</c> items; <paramref name="source"/> names where the text came from in errors.</summary>
    public static SimulatedKernelFaults Parse(string spec, string source)
    {
        var list = new List<(string, ConvolutionPath?, KernelParts)>();
        foreach (var item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = item.Split('/');
            BadInputException Bad(string what) => new($"{source}: '{item}': {what} (expected op/path[/part], e.g. conv2d/channels_last/forward)");
            if (fields.Length is < 2 or > 3) throw Bad("two or three fields");
            if (fields[0] is not ("conv2d" or "conv_transpose2d" or "*")) throw Bad("op must be conv2d, conv_transpose2d or *");
            ConvolutionPath? path = fields[1] == "*" ? null
                : ConvolutionPathNames.Parse(fields[1]) ?? throw Bad("path must be channels_last, standard, zero_stuffed, float64 or *");
            var parts = fields.Length == 2 ? KernelParts.All : fields[2] switch
            {
                "forward" => KernelParts.Forward,
                "input_grad" => KernelParts.InputGradient,
                "weight_grad" => KernelParts.WeightGradient,
                _ => throw Bad("part must be forward, input_grad or weight_grad"),
            };
            list.Add((fields[0], path, parts));
        }
        return new SimulatedKernelFaults(list);
    }
}
