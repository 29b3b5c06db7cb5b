using System.Text.Json;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Export.Onnx;
using Bottleneck.Models;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck;

/// <summary>
/// The front door: an autoencoder on plain float rows, without TorchSharp types. Create one from a preset or a spec
/// file (<c>bottleneck info --model NAME</c> shows its layers), or load a folder written by <c>bottleneck train</c> or
/// <see cref="Save"/>; then <see cref="Fit"/>, <see cref="Encode"/>, <see cref="Decode"/>, <see cref="Reconstruct"/>
/// and <see cref="Errors"/>. A loaded folder's scaler and training range are applied to every row given, as the
/// command line does. Calls on one instance are thread-safe: they are serialised, so concurrent callers wait for each
/// other. Bad input throws <see cref="BadInputException"/> naming the argument and what was expected.
/// </summary>
public sealed class AutoencoderModel : IDisposable
{
    readonly object gate = new();
    TrainedModel trained;   // the model with the scaler and training range its inputs go through
    RowEncoder? encoder;    // the encoder of Encode, made on first use for the trained model above

    AutoencoderModel(TrainedModel trained) => this.trained = trained;

    /// <summary>
    /// A new, untrained model: <paramref name="presetOrSpecFile"/> is a preset name (<c>basic</c>, <c>deep</c>, <c>vae</c>,
    /// <c>conv</c>, …) or a spec .json file, for samples of <paramref name="sampleShape"/> (one number for rows of that
    /// many values; [28, 28] for an image). Initial weights come from <paramref name="seed"/>; torch's global generator
    /// is left as it was.
    /// </summary>
    /// <param name="presetOrSpecFile">A name from <see cref="Presets"/>, or the path of a spec .json file.</param>
    /// <param name="sampleShape">The shape of one sample: [values] for rows, [height, width] or [channels, height, width] for images
    /// (a preset with a shape of its own, such as conv-color's 32×32×3, takes that shape or the same image as [3, 32, 32]).</param>
    /// <param name="seed">Seeds the initial weights: the same seed gives the same model.</param>
    /// <returns>The untrained model; dispose of it to free its tensors.</returns>
    /// <exception cref="BadInputException">The preset is unknown, the spec file is missing or invalid, or the shape does not suit the model.</exception>
    public static AutoencoderModel Create(string presetOrSpecFile, int[] sampleShape, long seed = 42)
    {
        if (sampleShape is null || sampleShape.Length == 0 || sampleShape.Any(d => d < 1))
            throw new BadInputException($"sampleShape: expected one or more positive sizes, got [{string.Join(", ", sampleShape ?? [])}]");
        var requested = sampleShape.Select(d => (long)d).ToArray();
        var spec = ModelSource.Spec(presetOrSpecFile);
        // A spec that names its own image shape (conv-color: Keras's channels-last 32×32×3) also takes the same image
        // laid out [C, H, W], as ImageFolder gives it: the layers are the same, only the order of the input's values
        // differs, and the model reads the order from its input shape.
        if (spec.InputShape is { } named && SameImage(named.Select(d => (long)d).ToArray(), requested))
            spec = spec with { InputShape = sampleShape.ToArray() };
        spec = spec.WithInputShape(requested);
        // Any other shape than the spec's own would be ignored: refuse it instead.
        if (spec.InputSize != sampleShape.Aggregate(1L, (a, b) => a * b))
            throw new BadInputException($"sampleShape: {presetOrSpecFile} takes samples of {string.Join("×", spec.InputShape!)} = {spec.InputSize} values, got [{string.Join(", ", sampleShape)}]");
        return IsolatedTorchState.Run(get_num_threads(), () =>
        {
            random.manual_seed(seed);
            return new AutoencoderModel(new TrainedModel(ModelFactory.Create(spec, presetOrSpecFile), null, null, "none", ""));
        });
    }

    // Two sample shapes of one image (channels, height and width alike), in either layout.
    static bool SameImage(long[] a, long[] b) =>
        ImageLayout.Of(a) is { } x && ImageLayout.Of(b) is { } y && (x.Channels, x.Height, x.Width) == (y.Channels, y.Height, y.Width);

    /// <summary>Loads a model folder (written by <see cref="Save"/>, <c>bottleneck train</c> or <c>anomaly fit</c>) with its scaler and training range.</summary>
    /// <param name="folder">The folder holding model.json and weights.safetensors.</param>
    /// <returns>The model, trained as it was saved.</returns>
    /// <exception cref="BadInputException">The folder or one of its files is missing or malformed.</exception>
    public static AutoencoderModel Load(string folder) => new(TrainedModel.Load(folder));

    /// <summary>
    /// The presets <see cref="Create"/> takes, by name, each with what it builds and the chapter section it comes from
    /// (<c>bottleneck info --model NAME</c> prints its layers). Dense presets take rows of any width; the
    /// convolutional ones (<c>conv</c>, <c>dcgan</c>, <c>vq-vae</c>, …) take images.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Presets { get; } =
        Models.Presets.List().ToDictionary(p => p.Name, p => p.Description, StringComparer.OrdinalIgnoreCase).AsReadOnly();

    /// <summary>Values in one sample (row).</summary>
    public int InputSize => (int)trained.Model.InputShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Values in one code.</summary>
    public int CodeSize => (int)trained.Model.CodeShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// Trains on <paramref name="rows"/>, validating on their last <see cref="FitOptions.ValidationSplit"/> (with early
    /// stopping, the best epoch's weights are kept). The loss is binary cross-entropy for a sigmoid output and rows in
    /// [0, 1] (images), mean squared error otherwise. Reports each epoch to <paramref name="progress"/>; cancelling stops
    /// after the current batch and keeps what was trained.
    /// </summary>
    /// <param name="rows">The training rows, each of <see cref="InputSize"/> finite values; the last <see cref="FitOptions.ValidationSplit"/> of them validate.</param>
    /// <param name="options">How to train; null for the defaults of <see cref="FitOptions"/>.</param>
    /// <param name="progress">Told of every finished epoch; null to hear nothing.</param>
    /// <param name="cancel">Stops the fit after the current batch.</param>
    /// <returns>Epochs run, the best epoch and its validation loss, why the fit stopped, and its speed.</returns>
    /// <exception cref="BadInputException">A row is null, of the wrong width or not finite, or an option is out of range.</exception>
    public FitReport Fit(float[][] rows, FitOptions? options = null, IProgress<FitProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= new FitOptions();
        options.Validate();
        lock (gate)
        {
            using var given = Rows.ToDataset(rows, InputSize, nameof(rows), trained.Model.InputShape);
            using var data = trained.Scaler is null ? given.Slice(0, given.Count) : trained.Prepare(given);
            var loss = LossFor(data);
            var training = options.ToTraining(loss);
            if (training.Noise is not null && (data.Range() is var (min, max)) && (min < 0 || max > 1))
                throw new BadInputException($"options.InputNoise: the rows span [{min:G4}, {max:G4}], but the noisy input is clipped to [0, 1]: scale the rows to [0, 1] (images) or set InputNoise to 0");
            var (train, validation) = data.SplitLast(options.ValidationSplit);
            using (train) using (validation)
            {
                // A denoising fit trains and validates on (noisy input, clean target) pairs (§8.3), which the session makes.
                var result = IsolatedTorchState.Run(options.Threads, () =>
                {
                    using var session = new TrainingSession
                    {
                        Spec = trained.Model.Spec, StartFrom = trained.Model, Train = train, Validation = validation, DataName = nameof(rows),
                        Options = training, Evaluate = false,
                    };
                    return session.Run(observer: progress is null ? null : new FitObserver(progress), cancel: cancel).Training;
                });
                trained = new TrainedModel(trained.Model, trained.Scaler, TrainingRange.Of(data), trained.Scaling, trained.Directory);
                encoder?.Dispose();
                encoder = null;
                var best = result.History.Epochs.FirstOrDefault(e => e.Epoch == result.BestEpoch);
                return new FitReport(result.EpochsRun, result.BestEpoch, best?.ValLoss, result.StopReason.ToString().ToLowerInvariant(), result.SamplesPerSecond);
            }
        }
    }

    /// <summary>
    /// h = f(x) for every row: one code of <see cref="CodeSize"/> values per row. Rows go straight from the arrays given
    /// into the model's input, up to 1,024 a model call, on one libtorch thread.
    /// </summary>
    /// <param name="rows">Rows of <see cref="InputSize"/> finite values each.</param>
    /// <returns>One code per row, in the order given.</returns>
    public float[][] Encode(float[][] rows)
    {
        lock (gate)
        {
            // One encoder for the model's life (until a fit changes the training range): its input tensor is reused.
            encoder ??= new RowEncoder(trained);
            float[][] codes = [];
            IsolatedTorchState.WithThreads(1, () => codes = encoder.Encode(rows, nameof(rows)));
            return codes;
        }
    }

    /// <summary>x̂ = g(h) for every code, in the rows' own units (a folder's scaler is undone).</summary>
    /// <param name="codes">Codes of <see cref="CodeSize"/> finite values each, such as <see cref="Encode"/> returns.</param>
    /// <returns>One row of <see cref="InputSize"/> values per code.</returns>
    public float[][] Decode(float[][] codes)
    {
        lock (gate)
        {
            var array = Rows.ToArray(codes, CodeSize, nameof(codes), trained.Model.CodeShape);
            return IsolatedTorchState.Run(1, () => Rows.FromArray(trained.Unscale(Codes.Decode(trained.Model, array, nameof(codes)))));
        }
    }

    /// <summary>x̂ = g(f(x)) for every row, in the rows' own units.</summary>
    /// <param name="rows">Rows of <see cref="InputSize"/> finite values each.</param>
    /// <returns>One reconstruction per row, in the order given.</returns>
    public float[][] Reconstruct(float[][] rows) => Decode(Encode(rows));

    /// <summary>Each row's reconstruction error: the mean over its values of (x − x̂)², after the folder's scaler (§8.4).</summary>
    /// <param name="rows">Rows of <see cref="InputSize"/> finite values each.</param>
    /// <returns>One error per row, in the order given.</returns>
    public float[] Errors(float[][] rows) =>
        WithRows(rows, data => AnomalyDetector.ScoresOf(trained.Model, null, data).Select(e => (float)e).ToArray());

    /// <summary>
    /// Writes the model folder: model.json (spec, scaler, training range) and weights.safetensors, whose names are those
    /// of the equivalent PyTorch module. The command line reads it (<c>bottleneck evaluate --model FOLDER</c>).
    /// </summary>
    /// <param name="folder">The folder to write; created if missing.</param>
    public void Save(string folder)
    {
        lock (gate)
        {
            ModelFolder.Save(trained.Model, folder, new Dictionary<string, JsonNode?>
            {
                ["data"] = new JsonObject
                {
                    ["scaling"] = trained.Scaling,
                    [TrainedModel.ScalerField] = trained.Scaler is null ? null : JsonSerializer.SerializeToNode(trained.Scaler, ModelSpec.Json),
                    [TrainingRange.Field] = trained.Range?.ToJson(),
                },
            });
        }
    }

    /// <summary>
    /// Writes the model as an ONNX file that ONNX Runtime runs without .NET or libtorch: the <paramref name="graph"/>
    /// <c>reconstruct</c> (input "input" [N, …sample shape] → "reconstruction"), <c>encode</c> ("input" → "code"; a
    /// VAE's "mu" and "log_var", a VQ-VAE's "indices"), <c>decode</c> (the code → "reconstruction") or <c>score</c>
    /// ("input" → "score", each sample's mean squared reconstruction error), with a dynamic batch size N and opset 17.
    /// The graph computes on the model's own input: a loaded folder's scaler is not in it (the file's metadata names the
    /// scaling), so rows go in as <see cref="Encode"/> would feed them to the network. Written atomically, as
    /// <c>bottleneck export</c> writes it.
    /// </summary>
    /// <param name="path">The .onnx file to write; replaced if it exists.</param>
    /// <param name="graph">Which function to export: "reconstruct", "encode", "decode" or "score".</param>
    /// <exception cref="BadInputException">The graph name is unknown, or a layer has no ONNX form.</exception>
    public void ExportOnnx(string path, string graph = "reconstruct")
    {
        var kind = OnnxGraphKinds.Parse(graph ?? throw new BadInputException("graph: expected reconstruct, encode, decode or score, got null"), "graph");
        lock (gate)
            OnnxExport.Save(trained.Model, path, kind, scaling: trained.Scaling);
    }

    /// <summary>Frees the model's tensors (native memory); the model cannot be used afterwards.</summary>
    public void Dispose()
    {
        encoder?.Dispose();
        trained.Model.Dispose();
    }

    T WithRows<T>(float[][] rows, Func<Dataset, T> body)
    {
        lock (gate)
        {
            using var given = Rows.ToDataset(rows, InputSize, nameof(rows), trained.Model.InputShape);
            using var data = trained.Prepare(given);
            return IsolatedTorchState.Run(1, () => body(data));
        }
    }

    ReconstructionLoss LossFor(Dataset data)
    {
        var range = TrainingRange.Of(data);
        bool unit = range.Min >= 0 && range.Max <= 1;
        if (trained.Model.Output.Kind == ActivationKind.Sigmoid && !unit)
            throw new BadInputException($"rows: values span [{range.Min:G4}, {range.Max:G4}], but the model's sigmoid output reconstructs values in [0, 1]: " +
                "scale the rows to [0, 1], or create the model from a spec with a linear output");
        return new ReconstructionLoss(unit && trained.Model.Output.Kind == ActivationKind.Sigmoid ? LossKind.Bce : LossKind.Mse);
    }
}
