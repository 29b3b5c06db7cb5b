using System.Text.Json;
using System.Text.Json.Serialization;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;

namespace Bottleneck.Training;

/// <summary>
/// Everything a training run was asked to do, as plain data: the data, the model, the options. It is saved beside
/// a run (resume/recipe.json, and state.json with each epoch) so that an interrupted run can be resumed from its folder alone.
/// </summary>
internal sealed record TrainingRecipe
{
    /// <summary>The --data argument: a built-in name or a path.</summary>
    public required string Data { get; init; }
    public DataOptions DataOptions { get; init; } = new();

    /// <summary>The resolved model spec (a preset, a spec file's content, or a trained folder's spec).</summary>
    public required ModelSpec Spec { get; init; }

    /// <summary>A trained model folder to start from, when the --model argument named one.</summary>
    public string? StartFrom { get; init; }

    /// <summary>Train on the first N training samples only.</summary>
    public int? Limit { get; init; }

    public double? ValSplit { get; init; }
    public string? ValData { get; init; }
    public bool NoValidation { get; init; }

    public int Epochs { get; init; } = 50;
    public int BatchSize { get; init; } = 256;
    public string Optimizer { get; init; } = "adam";
    public double LearningRate { get; init; } = 1e-3;
    public double Momentum { get; init; }
    /// <summary>The loss; null chooses MSE when a scaler is fitted (tabular data), BCE otherwise.</summary>
    public string? Loss { get; init; } = "bce";

    /// <summary>"standard", "minmax" or "none"; null chooses standard for a CSV or TSV file with values outside [0, 1], none for everything else.</summary>
    public string? Scaler { get; init; }

    /// <summary>True when <see cref="Spec"/> is a preset, whose sigmoid output may become linear for standardised data.</summary>
    public bool SpecIsPreset { get; init; }
    public double HuberDelta { get; init; } = 1.0;
    public bool Shuffle { get; init; } = true;
    public long Seed { get; init; } = 42;

    /// <summary>Early stopping patience in epochs; null turns early stopping off.</summary>
    public int? Patience { get; init; } = 10;
    public double MinDelta { get; init; }
    public bool RestoreBestWeights { get; init; } = true;

    public bool ReduceLr { get; init; }
    public double LrFactor { get; init; } = 0.5;
    public int LrPatience { get; init; } = 5;
    public double MinLr { get; init; } = 1e-7;

    public bool Checkpoint { get; init; } = true;

    /// <summary>"layerwise" to pretrain the model pair by pair before training it end to end (§4.4); null for none.</summary>
    public string? Pretrain { get; init; }

    /// <summary>Epochs per pretrained pair; null takes <see cref="LayerwisePretraining.DefaultEpochs"/>.</summary>
    public int? PretrainEpochs { get; init; }
    /// <summary>The --noise corruption of a denoising run ("gaussian:0.5", "mask:0.3", ...); null trains on clean input.</summary>
    public string? Noise { get; init; }

    /// <summary>Corrupt the training data once instead of every batch afresh (--fixed-noise).</summary>
    public bool FixedNoise { get; init; }

    /// <summary>
    /// Workers each batch is split across (--threads; <see cref="TrainingOptions.Workers"/>). A property of the machine
    /// a run is on rather than of the run, so it is not saved with the recipe: a resumed run takes its own --threads.
    /// </summary>
    [JsonIgnore] public int Workers { get; init; } = 1;

    /// <summary>Number of test images in reconstructions.png.</summary>
    public int GridImages { get; init; } = 10;
    public required string OutputDirectory { get; init; }

    /// <summary>The trainer's options; every value is checked and a bad one is a <see cref="BadInputException"/>.</summary>
    public TrainingOptions ToOptions()
    {
        var noise = Noise is null ? null : Corruption.Parse(Noise, "noise");
        if (FixedNoise && noise is null) throw new OptionException("fixed_noise", "needs a corruption to fix (give `noise`, e.g. `noise` gaussian:0.5)");
        var options = new TrainingOptions
        {
            Epochs = Epochs,
            BatchSize = BatchSize,
            Optimizer = Optimizers.Parse(Optimizer),
            LearningRate = LearningRate,
            Momentum = Momentum,
            // Without --loss the run's data decides (TrainingRun); BCE stands in until it is read.
            Loss = ReconstructionLoss.Parse(Loss ?? "bce", HuberDelta),
            Shuffle = Shuffle,
            Seed = Seed,
            EarlyStopping = Patience is int p ? new EarlyStopping(p, MinDelta, RestoreBestWeights) : null,
            ReduceLr = ReduceLr ? new ReduceLrOnPlateau(LrFactor, LrPatience, MinLr) : null,
            Noise = noise,
            FixedNoise = FixedNoise,
            Workers = Workers,
            // Fresh noise for every training batch, drawn from torch's generator, which the trainer reseeds every epoch.
            Corrupt = noise is null ? null : clean => noise.Apply(clean),
        };
        options.Validate();
        TabularScaling.Choose(Scaler, null);
        if (Limit is < 1) throw new OptionException("limit", $"expected a positive number of samples, got {Limit}");
        Pretraining();
        return options;
    }

    /// <summary>The layer-wise pretraining the recipe asks for, or null; a bad combination is a <see cref="BadInputException"/>.</summary>
    public LayerwisePretraining? Pretraining()
    {
        if (Pretrain is null)
        {
            if (PretrainEpochs is not null) throw new OptionException("pretrain_epochs", "only used with `pretrain` layerwise");
            return null;
        }
        if (!Pretrain.Trim().Equals("layerwise", StringComparison.OrdinalIgnoreCase))
            throw new OptionException("pretrain", $"unknown method '{Pretrain}' (expected layerwise)");
        if (StartFrom is not null)
            throw new OptionException("pretrain", "pretraining starts from fresh weights, but `model` names a trained model folder") { Value = "layerwise" };
        LayerwisePretraining.CheckSpec(Spec);
        return new LayerwisePretraining(PretrainEpochs ?? LayerwisePretraining.DefaultEpochs);
    }

    /// <summary>JSON options for recipes: snake_case, as in the run's files.</summary>
    public static readonly JsonSerializerOptions Json = new(ModelSpec.Json) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a recipe saved by <see cref="ToJson"/>; <paramref name="source"/> names the file in errors.</summary>
    public static TrainingRecipe Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingRecipe>(json, Json) ?? throw new BadInputException($"{source}: empty training recipe");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{source}: not a valid training recipe: {e.Message.Split('\n')[0]}");
        }
    }
}
