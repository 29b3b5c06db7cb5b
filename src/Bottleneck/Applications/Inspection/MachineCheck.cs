using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Models.Conv;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>One row of <see cref="MachineCheck"/>: a convolution shape and what every path measured on it.</summary>
internal sealed record ConvolutionCheckRow(ConvolutionShape Shape, IReadOnlyList<KernelError> Paths, ConvolutionPath? Chosen, IReadOnlyList<string> UsedBy);

/// <summary>The dense layers' matrix products, float32 against float64: output, input gradient and weight gradient.</summary>
internal sealed record DenseCheck(int Batch, int Inputs, int Outputs, double Forward, double InputGradient, double WeightGradient)
{
    /// <summary>True when all three are within <see cref="KernelError.Tolerance"/>.</summary>
    public bool IsRight => Math.Max(Forward, Math.Max(InputGradient, WeightGradient)) <= KernelError.Tolerance;
}

/// <summary>
/// What <c>bottleneck doctor</c> reports: the CPU, the libtorch build and threads, and every convolution the presets
/// use (and a few common shapes besides) measured through every path against float64, plus a dense matrix-product check.
/// A user pastes it into a bug report.
/// </summary>
internal sealed record MachineCheck(string Cpu, IReadOnlyList<string> CpuFlags, int Cores, string LibTorch, string TorchSharp,
    int Threads, IReadOnlyList<ConvolutionCheckRow> Convolutions, DenseCheck Dense, IReadOnlyList<string> SimulatedFaults,
    long GuardChecks, TimeSpan GuardTime)
{
    // The instruction sets that decide which oneDNN and MKL kernels run.
    static readonly string[] RelevantFlags =
        ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8"];

    // Besides the presets: the DCGAN-style 4×4 and 5×5 transposed kernels that were wrong on an AMD EPYC (DESIGN.md).
    static readonly (string Name, ModelSpec Spec)[] Extra =
    [
        ("4×4 stride-2 decoder", new ModelSpec { Name = "k4", Family = "conv", InputShape = [28, 28], Conv = new ConvSpec
            { Encoder = [ConvLayerSpec.Conv(32, kernel: 4, stride: 2), ConvLayerSpec.Conv(32, kernel: 4, stride: 2)],
              Decoder = [ConvLayerSpec.ConvTranspose(32, kernel: 4, stride: 2), ConvLayerSpec.ConvTranspose(1, kernel: 4, stride: 2)] } }),
        ("5×5 stride-1 decoder", new ModelSpec { Name = "k5", Family = "conv", InputShape = [28, 28], Conv = new ConvSpec
            { Encoder = [ConvLayerSpec.Conv(32, kernel: 5, stride: 1)], Decoder = [ConvLayerSpec.ConvTranspose(1, kernel: 5, stride: 1)] } }),
    ];

    /// <summary>Runs every check on this machine at the current thread count (seconds).</summary>
    public static MachineCheck Run()
    {
        var (cpu, flags) = ReadCpu();
        var usedBy = new Dictionary<ConvolutionShape, List<string>>();
        var chosen = new Dictionary<ConvolutionShape, ConvolutionPath?>();
        var models = Presets.List().Select(p => (p.Name, Presets.Get(p.Name))).Concat(Extra);
        foreach (var (name, spec) in models)
        {
            using var scope = NewDisposeScope();
            var state = random.get_rng_state();
            using var model = ModelFactory.Create(spec.InputShape is null ? spec.WithInputShape([28, 28]) : spec);
            random.set_rng_state(state);   // building drew initial weights; the caller's draws stay as they were
            var layers = model.modules().OfType<CheckedConvolution>().ToList();
            if (layers.Count == 0) continue;
            try { model.Reconstruct(zeros([2, .. model.InputShape])).sum().backward(); }
            catch (KernelCheckException) { }   // reported in the table below, with every path's error
            foreach (var layer in layers)
                if (layer.LastShape is { } shape)
                {
                    if (!usedBy.TryGetValue(shape, out var list)) usedBy[shape] = list = [];
                    if (!list.Contains(name)) list.Add(name);
                    chosen[shape] = layer.PathInUse;
                }
        }
        // What the guard itself spent deciding, as a model pays it: one check per shape, before the extra measurements.
        var (guardChecks, guardTime) = KernelGuard.Cost;
        var rows = usedBy.Select(kv => new ConvolutionCheckRow(kv.Key, KernelGuard.MeasureAll(kv.Key), chosen[kv.Key], kv.Value))
            .OrderBy(r => r.Shape.Transposed).ThenBy(r => r.Shape.Kernel).ThenBy(r => r.Shape.InChannels).ThenBy(r => r.Shape.Height).ToList();
        var faults = Environment.GetEnvironmentVariable(SimulatedKernelFaults.Variable);
        return new MachineCheck(cpu, flags, Environment.ProcessorCount, __version__, typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?",
            get_num_threads(), rows, CheckDense(256, 784, 128), faults is { Length: > 0 } ? faults.Split(',') : [], guardChecks, guardTime);
    }

    /// <summary>y = x Wᵀ + b (a Linear layer) and its gradients, float32 against float64.</summary>
    public static DenseCheck CheckDense(int batch, int inputs, int outputs)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        using var generator = new Generator(20_261_206);
        Tensor Draw(params long[] size) => randn(size, dtype: ScalarType.Float64, generator: generator).to_type(ScalarType.Float32).to_type(ScalarType.Float64);
        var (x, w, b) = (Draw(batch, inputs), Draw(outputs, inputs), Draw(outputs));
        var g = Draw(batch, outputs);
        (Tensor, Tensor, Tensor) Run(ScalarType type)
        {
            var (xt, wt) = (x.to_type(type).requires_grad_(), w.to_type(type).requires_grad_());
            var y = nn.functional.linear(xt, wt, b.to_type(type));
            (y * g.to_type(type)).sum().backward();
            return (y.detach(), xt.grad!, wt.grad!);
        }
        var (y32, gx32, gw32) = Run(ScalarType.Float32);
        var (y64, gx64, gw64) = Run(ScalarType.Float64);
        return new DenseCheck(batch, inputs, outputs, KernelCheck.Relative(y32, y64), KernelCheck.Relative(gx32, gx64), KernelCheck.Relative(gw32, gw64));
    }

    static (string Model, IReadOnlyList<string> Flags) ReadCpu()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path)) return (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), []);
        string model = "unknown";
        var flags = new HashSet<string>();
        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim();
            if (key == "model name" && model == "unknown") model = line[(colon + 1)..].Trim();
            if (key == "flags" && flags.Count == 0) flags.UnionWith(line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            if (flags.Count > 0 && model != "unknown") break;
        }
        return (model, RelevantFlags.Where(flags.Contains).ToList());
    }
}
