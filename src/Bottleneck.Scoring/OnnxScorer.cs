using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Bottleneck.Scoring;

/// <summary>Each row's anomaly score and flag (score &gt; threshold), in row order.</summary>
public sealed record Detection(float[] Scores, bool[] Anomalies);

/// <summary>
/// Scores a Bottleneck model exported with <c>bottleneck export</c>, with ONNX Runtime alone (no TorchSharp, no libtorch):
/// the code of each row, its reconstruction, its anomaly score (§8.4: mean squared reconstruction error) and, for a
/// detector, its flag. One scorer may hold several graphs of the same model (a folder of .onnx files); each method
/// needs its graph. All methods are safe to call from many threads at once: ONNX Runtime's InferenceSession.Run is
/// thread-safe, and a call shares nothing else.
/// </summary>
/// <remarks>
/// Rows come two ways. <c>float[][]</c>, one array a row, is what JSON and CSV readers produce, and lets a bad row be
/// named by its index; it costs one copy into the contiguous buffer ONNX Runtime reads. A flat <c>float[]</c>, row-major
/// with <see cref="ScoringModelInfo.RowWidth"/> values a row, is that buffer itself: no copy, for large batches.
/// Values are in the data's own units as the model's metadata describes them (<see cref="ScoringModelInfo.Scaling"/>);
/// a detector's scaler is applied here for graphs that do not apply it themselves, so rows are always raw.
/// </remarks>
public sealed class OnnxScorer : IDisposable
{
    readonly Dictionary<string, Graph> graphs;

    sealed record Graph(InferenceSession Session, string Input, IReadOnlyList<string> Outputs, bool ScalerInGraph);

    OnnxScorer(Dictionary<string, Graph> graphs, ScoringModelInfo info)
    {
        this.graphs = graphs;
        Info = info;
    }

    /// <summary>What the model's metadata says: shapes, scaling, threshold, feature names, the graphs loaded.</summary>
    public ScoringModelInfo Info { get; }

    /// <summary>
    /// Loads an exported .onnx file, or every .onnx file in a folder (graphs of one model, e.g. encode.onnx and
    /// score.onnx). <paramref name="options"/> (threads, providers) apply to every session.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>, or the folder holds no .onnx file.</exception>
    /// <exception cref="InvalidDataException">A file is not an ONNX model exported by Bottleneck, or two files are graphs of different models.</exception>
    public static OnnxScorer Load(string path, SessionOptions? options = null)
    {
        string[] files = Directory.Exists(path) ? Directory.GetFiles(path, "*.onnx").Order(StringComparer.Ordinal).ToArray()
            : File.Exists(path) ? [path]
            : throw new FileNotFoundException($"{path}: no such file or folder", path);
        if (files.Length == 0) throw new FileNotFoundException($"{path}: the folder holds no .onnx file", path);
        return Create(files.Select(f => (f, (Func<SessionOptions, InferenceSession>)(o => new InferenceSession(f, o)))), options);
    }

    /// <summary>A scorer over graphs already in memory (serialised ONNX models, as <c>OnnxExport.ToBytes</c> makes them).</summary>
    public static OnnxScorer FromBytes(IEnumerable<byte[]> models, SessionOptions? options = null) =>
        Create(models.Select((m, i) => ($"model {i}", (Func<SessionOptions, InferenceSession>)(o => new InferenceSession(m, o)))), options);

    static OnnxScorer Create(IEnumerable<(string Source, Func<SessionOptions, InferenceSession> Open)> sources, SessionOptions? options)
    {
        var graphs = new Dictionary<string, Graph>();
        ScoringModelInfo? info = null;
        string? spec = null, first = null;
        using var defaults = options is null ? new SessionOptions() : null;
        try
        {
            foreach (var (source, open) in sources)
            {
                InferenceSession session;
                try { session = open(options ?? defaults!); }
                catch (OnnxRuntimeException e) { throw new InvalidDataException($"{source}: not a readable ONNX model ({e.Message.Split('\n')[0]})", e); }
                var metadata = session.ModelMetadata.CustomMetadataMap;
                if (!metadata.TryGetValue("graph", out var kind) || !metadata.TryGetValue("spec", out var thisSpec))
                {
                    session.Dispose();
                    throw new InvalidDataException($"{source}: not a Bottleneck export (its metadata has no 'graph' and 'spec'; make one with bottleneck export)");
                }
                if (spec is not null && thisSpec != spec)
                {
                    session.Dispose();
                    throw new InvalidDataException($"{source}: a graph of another model than {first} (their specs differ)");
                }
                if (graphs.ContainsKey(kind))
                {
                    session.Dispose();
                    throw new InvalidDataException($"{source}: a second {kind} graph (one of each kind expected)");
                }
                graphs[kind] = new Graph(session, session.InputNames[0], session.OutputNames.ToArray(),
                    metadata.TryGetValue("scaler_in_graph", out var inGraph) && inGraph == "true");
                info ??= ScoringModelInfo.Parse(metadata, source, []);
                (spec, first) = (spec ?? thisSpec, first ?? source);
            }
            if (info is null) throw new FileNotFoundException("no ONNX model given");
            return new OnnxScorer(graphs, info with { Graphs = graphs.Keys.Order(StringComparer.Ordinal).ToArray() });
        }
        catch
        {
            foreach (var g in graphs.Values) g.Session.Dispose();
            throw;
        }
    }

    /// <summary>Each row's code (a VAE's μ; a VQ-VAE's codebook indices, as floats), <see cref="ScoringModelInfo.CodeWidth"/> values a row.</summary>
    public float[][] Encode(float[][] rows) => Split(Encode(Flatten(rows)), Info.CodeWidth);

    /// <summary>Codes of row-major rows, row-major.</summary>
    public float[] Encode(float[] values) => Run("encode", values, o => o[0]).Values;

    /// <summary>Each row's reconstruction x̂ = g(f(x)), in the rows' units.</summary>
    public float[][] Reconstruct(float[][] rows) => Split(Reconstruct(Flatten(rows)), Info.RowWidth);

    /// <summary>Reconstructions of row-major rows, row-major.</summary>
    public float[] Reconstruct(float[] values)
    {
        var (reconstruction, graph) = Run("reconstruct", values, o => o[0]);
        // A graph fed scaled rows gives scaled reconstructions: back to the rows' units.
        if (Info.Scaler is { } scaler && !graph.ScalerInGraph) scaler.Invert(reconstruction);
        return reconstruction;
    }

    /// <summary>Each row's anomaly score: its mean squared reconstruction error (after the detector's scaler, if any).</summary>
    public float[] Score(float[][] rows) => Score(Flatten(rows));

    /// <summary>Scores of row-major rows.</summary>
    public float[] Score(float[] values) => Run("score", values, o => "score").Values;

    /// <summary>Each row's flag: true when its score exceeds the detector's threshold.</summary>
    /// <exception cref="InvalidOperationException">The model is not a detector (its score graph has no threshold).</exception>
    public bool[] Predict(float[][] rows) => Detect(Flatten(rows)).Anomalies;

    /// <summary>Flags of row-major rows.</summary>
    public bool[] Predict(float[] values) => Detect(values).Anomalies;

    /// <summary>Each row's score and flag from one run of the detector's score graph.</summary>
    public Detection Detect(float[][] rows) => Detect(Flatten(rows));

    /// <summary>Scores and flags of row-major rows.</summary>
    public Detection Detect(float[] values)
    {
        var graph = Need("score");
        if (!graph.Outputs.Contains("anomaly"))
            throw new InvalidOperationException($"{Info.Name} is not an anomaly detector: its score graph has no threshold (export a folder written by bottleneck anomaly fit)");
        using var input = Input(graph, values);
        using var runOptions = new RunOptions();
        using var outputs = graph.Session.Run(runOptions, [graph.Input], [input], ["score", "anomaly"]);
        return new Detection(outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<bool>().ToArray());
    }

    /// <summary>True when the graph <paramref name="kind"/> ("encode", "reconstruct", "score", "decode") was loaded.</summary>
    public bool Has(string kind) => graphs.ContainsKey(kind);

    (float[] Values, Graph Graph) Run(string kind, float[] values, Func<IReadOnlyList<string>, string> output)
    {
        var graph = Need(kind);
        using var input = Input(graph, values);
        using var runOptions = new RunOptions();
        using var outputs = graph.Session.Run(runOptions, [graph.Input], [input], [output(graph.Outputs)]);
        var result = outputs[0];
        // A VQ-VAE's code is its codebook indices (int64); small integers are exact in float32.
        var data = result.GetTensorTypeAndShape().ElementDataType == TensorElementType.Int64
            ? Array.ConvertAll(result.GetTensorDataAsSpan<long>().ToArray(), i => (float)i)
            : result.GetTensorDataAsSpan<float>().ToArray();
        return (data, graph);
    }

    OrtValue Input(Graph graph, float[] values)
    {
        int width = Info.RowWidth;
        if (values.Length % width != 0)
            throw new ArgumentException($"expected whole rows of {width} values ([{string.Join(", ", Info.InputShape)}]), got {values.Length} values", nameof(values));
        var fed = Info.Scaler is { } scaler && !graph.ScalerInGraph ? scaler.Apply(values) : values;
        return OrtValue.CreateTensorValueFromMemory(fed, [values.Length / width, .. Info.InputShape]);
    }

    Graph Need(string kind) => graphs.TryGetValue(kind, out var graph) ? graph
        : throw new InvalidOperationException($"{Info.Name}: no {kind} graph loaded (export one with bottleneck export --graph {kind}; loaded: {string.Join(", ", Info.Graphs)})");

    float[] Flatten(float[][] rows)
    {
        int width = Info.RowWidth;
        var values = new float[checked(rows.Length * width)];
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] is null || rows[i].Length != width)
                throw new ArgumentException($"rows[{i}]: expected {width} values, got {(rows[i] is null ? "null" : rows[i].Length.ToString())}", nameof(rows));
            rows[i].CopyTo(values, i * width);
        }
        return values;
    }

    static float[][] Split(float[] values, int width)
    {
        var rows = new float[values.Length / width][];
        for (int i = 0; i < rows.Length; i++) rows[i] = values.AsSpan(i * width, width).ToArray();
        return rows;
    }

    /// <summary>Releases the ONNX Runtime sessions.</summary>
    public void Dispose()
    {
        foreach (var graph in graphs.Values) graph.Session.Dispose();
    }
}
