using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Training;

/// <summary>One stage of layer-wise pretraining: which pair was trained, with which loss, and its epochs.</summary>
/// <param name="Stage">1 for the pair next to the data.</param>
/// <param name="Layers">The pair's widths, "784-128-784".</param>
/// <param name="Loss">The loss it was trained with (the run's for stage 1, mse on the codes above it).</param>
internal sealed record PretrainingStage(int Stage, string Layers, string Loss, TrainingResult Training);

/// <summary>What layer-wise pretraining did, stage by stage; written as pretraining.csv and into metrics.json.</summary>
/// <param name="StackedValLoss">The deep model's validation loss (the run's loss) with the pretrained pairs stacked, before any fine-tuning.</param>
internal sealed record PretrainingResult(IReadOnlyList<PretrainingStage> Stages, int EpochsPerStage, double? StackedValLoss)
{
    /// <summary>True when Ctrl-C stopped pretraining before its last stage finished.</summary>
    public bool Interrupted => Stages.Any(s => s.Training.StopReason == StopReason.Interrupted);

    /// <summary>Every stage's epochs as CSV: stage, layers, loss_kind, epoch, loss, val_loss, lr, seconds.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder("stage,layers,loss_kind,epoch,loss,val_loss,lr,seconds\n");
        foreach (var stage in Stages)
            foreach (var e in stage.Training.History.Epochs)
                text.Append(CultureInfo.InvariantCulture,
                    $"{stage.Stage},{stage.Layers},{stage.Loss},{e.Epoch},{e.Loss:R},{(e.ValLoss is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "")},{e.LearningRate:R},{e.Seconds:F3}\n");
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/>, atomically.</summary>
    public void SaveCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    /// <summary>A summary for metrics.json: each stage's pair, loss, epochs and final losses.</summary>
    public PretrainingSummary Summary() => new()
    {
        EpochsPerStage = EpochsPerStage,
        Interrupted = Interrupted,
        ValLossBeforeFineTuning = StackedValLoss,
        Stages = Stages.Select(s => new PretrainingStageSummary
        {
            Stage = s.Stage,
            Layers = s.Layers,
            Loss = s.Loss,
            EpochsRun = s.Training.EpochsRun,
            FinalLoss = s.Training.History.Epochs.LastOrDefault()?.Loss,
            FinalValLoss = s.Training.History.Epochs.LastOrDefault()?.ValLoss,
        }).ToArray(),
    };
}

/// <summary>metrics.json's "pretraining" object: what layer-wise pretraining did, stage by stage.</summary>
internal sealed record PretrainingSummary
{
    /// <summary>Always "layerwise".</summary>
    public string Method { get; init; } = "layerwise";

    /// <summary>Epochs each pair was trained for.</summary>
    public required int EpochsPerStage { get; init; }

    /// <summary>True when Ctrl-C stopped pretraining before its last stage finished.</summary>
    public required bool Interrupted { get; init; }

    /// <summary>The deep model's validation loss with the pretrained pairs stacked, before fine-tuning; null without validation data.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? ValLossBeforeFineTuning { get; init; }

    /// <summary>Each stage in turn.</summary>
    public required IReadOnlyList<PretrainingStageSummary> Stages { get; init; }
}

/// <summary>One stage of <see cref="PretrainingSummary"/>: the pair, its loss, its epochs and final losses.</summary>
internal sealed record PretrainingStageSummary
{
    /// <summary>1 for the pair next to the data.</summary>
    public required int Stage { get; init; }

    /// <summary>The pair's widths, "784-128-784".</summary>
    public required string Layers { get; init; }

    /// <summary>The loss the pair was trained with.</summary>
    public required string Loss { get; init; }

    /// <summary>Epochs run.</summary>
    public required int EpochsRun { get; init; }

    /// <summary>The last epoch's training loss.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? FinalLoss { get; init; }

    /// <summary>The last epoch's validation loss; null without validation data.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public double? FinalValLoss { get; init; }
}

/// <summary>
/// Layer-wise greedy pretraining (chapter §4.4; Hinton and Salakhutdinov 2006, Bengio et al. 2007): train the shallow
/// autoencoder x → h1 → x̂, then, with that layer frozen, h1 → h2 → ĥ1 on its fixed codes, and so on up to the code;
/// each pair's encoder and decoder weights go into the deep model's matching layers (the decoder side mirrored).
/// Fine-tuning the whole network end to end is then ordinary training.
/// </summary>
internal sealed class LayerwisePretraining
{
    /// <summary>Epochs per pair when none are given.</summary>
    public const int DefaultEpochs = 5;

    /// <summary>Pretrains each pair for <paramref name="epochsPerStage"/> epochs.</summary>
    public LayerwisePretraining(int epochsPerStage = DefaultEpochs)
    {
        if (epochsPerStage < 1) throw new OptionException("pretrain_epochs", $"expected at least 1 epoch per layer, got {epochsPerStage}");
        EpochsPerStage = epochsPerStage;
    }

    public int EpochsPerStage { get; }

    /// <summary>
    /// Throws <see cref="BadInputException"/> unless <paramref name="spec"/> describes a model with layers to pretrain: a
    /// dense model with at least one hidden encoder layer and a decoder that mirrors the encoder.
    /// </summary>
    public static void CheckSpec(ModelSpec spec)
    {
        if (spec.Family != "dense")
            throw new OptionException("pretrain", $"model '{spec.Name}' is a {spec.Family} model; layer-wise pretraining needs a stack of dense layers (family 'dense')") { Value = "layerwise" };
        if (spec.Encoder.Length == 0)
            throw new OptionException("pretrain", $"model '{spec.Name}' has a single encoder layer, so pretraining its one pair would just be training it (use a model with hidden layers, such as 'deep')") { Value = "layerwise" };
        if (!spec.DecoderWidths.SequenceEqual(spec.Encoder.Reverse()))
            throw new OptionException("pretrain", $"model '{spec.Name}' has decoder [{string.Join(", ", spec.DecoderWidths)}], which does not mirror encoder [{string.Join(", ", spec.Encoder)}]; each pretrained pair needs its mirrored decoder layer") { Value = "layerwise" };
    }

    /// <summary>The model as the dense autoencoder pretraining works on, or a <see cref="BadInputException"/> saying why it cannot.</summary>
    public static DenseAutoencoder Check(Autoencoder model)
    {
        if (model is not DenseAutoencoder dense)
            throw new OptionException("pretrain", $"model '{model.Spec.Name}' ({model.Spec.Family}) has no stack of dense layers to pretrain pair by pair (expected family 'dense')") { Value = "layerwise" };
        CheckSpec(dense.Spec);
        return dense;
    }

    /// <summary>
    /// Pretrains every pair of <paramref name="model"/> in turn on <paramref name="train"/> (validating on
    /// <paramref name="validation"/> when given) and leaves the pretrained weights in it. <paramref name="options"/> give
    /// the batch size, optimiser, rate, seed and loss; each stage runs <see cref="EpochsPerStage"/> epochs without early
    /// stopping. Cancelling stops after the current batch and skips the stages not yet begun.
    /// </summary>
    public PretrainingResult Run(Autoencoder model, Dataset train, Dataset? validation, TrainingOptions options,
        ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var dense = Check(model);
        var stages = new List<PretrainingStage>();
        int count = LayerPair.Groups(dense.EncoderLayers).Count;
        for (int stage = 0; stage < count && !cancel.IsCancellationRequested; stage++)
        {
            var (record, pair) = TrainStage(dense, stage, train, validation, options, observer, cancel);
            pair.Dispose();
            stages.Add(record);
        }
        double? stacked = validation is null || cancel.IsCancellationRequested ? null : Trainer.Validate(dense, validation, options);
        return new PretrainingResult(stages, EpochsPerStage, stacked);
    }

    /// <summary>
    /// Trains the pair of encoder layer <paramref name="stage"/> (0 = next to the data) on the codes of the layers below
    /// it, which stay frozen, and copies the trained pair into <paramref name="model"/>. Returns the stage's record and
    /// the trained pair (the caller disposes it).
    /// </summary>
    public (PretrainingStage Stage, LayerPair Pair) TrainStage(DenseAutoencoder model, int stage, Dataset train, Dataset? validation,
        TrainingOptions options, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        CheckSpec(model.Spec);
        var pair = new LayerPair(model, stage);
        try
        {
            // Stage 1 reconstructs the data with the run's loss and the model's output function. Higher stages
            // reconstruct a hidden layer's activations, which are not probabilities (ReLU codes exceed 1), so they use
            // squared error, as the stacked autoencoders of Bengio et al. (2007) do for real-valued units.
            var loss = stage == 0 ? options.Loss : new ReconstructionLoss(LossKind.Mse);
            var stageOptions = options with
            {
                Epochs = EpochsPerStage,
                Loss = loss,
                EarlyStopping = null,
                ReduceLr = null,
                // Corruption works in data space; codes above the first layer are fed clean.
                Corrupt = stage == 0 ? options.Corrupt : null,
                Seed = options.Seed + stage,
            };
            var layers = $"{pair.InputShape[0]}-{pair.CodeShape[0]}-{pair.InputShape[0]}";
            observer?.StageStarted($"pretraining pair {stage + 1}: {layers} ({loss.Name}, {EpochsPerStage} epochs, layers below frozen)");
            using var stageTrain = Inputs(model, stage, train);
            using var stageValidation = validation is null ? null : Inputs(model, stage, validation);
            var result = new Trainer().Fit(pair, stageTrain.Data, stageValidation?.Data, stageOptions, observer, cancel);
            pair.CopyInto();
            return (new PretrainingStage(stage + 1, layers, loss.Name, result), pair);
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>A stage's training data: the data itself for stage 0, else the codes of the frozen layers below it.</summary>
    sealed class StageInputs(Dataset data, bool owned) : IDisposable
    {
        public Dataset Data { get; } = data;
        public void Dispose() { if (owned) Data.Dispose(); }
    }

    static StageInputs Inputs(DenseAutoencoder model, int stage, Dataset data)
    {
        if (stage == 0) return new StageInputs(data, owned: false);
        // The layers below run in inference mode: no dropout, and BatchNorm uses (and keeps) its running statistics.
        var below = LayerPair.Groups(model.EncoderLayers).Take(stage).SelectMany(g => g).Cast<nn.Module<Tensor, Tensor>>().ToArray();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var codes = new List<Tensor>();
            using var scope = NewDisposeScope();
            foreach (var (start, n) in Batches.Of(data.Count, Trainer.EvaluationBatchSize))
            {
                var h = data.Batch(start, n).reshape(n, -1);
                foreach (var layer in below) h = layer.forward(h);
                codes.Add(h);
            }
            var storage = cat(codes, 0).contiguous();
            storage.DetachFromDisposeScope();
            return new StageInputs(new Dataset($"{data.Name} codes of layer {stage}", storage, data.Labels), owned: true);
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
