using System.Globalization;
using System.Text;
using Bottleneck.Data;
using Bottleneck.IO;
using Bottleneck.Models;
using Bottleneck.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Training;

/// <summary>What one learning-rate range test measured, step by step, and the rate it suggests.</summary>
/// <param name="LearningRates">The rate the optimiser used at each step (read back from it).</param>
/// <param name="Losses">The training objective of each step's batch, before that step's update.</param>
/// <param name="SmoothedLosses">The centred moving average of <paramref name="Losses"/> (no lag, unlike a running average).</param>
/// <param name="MinimumIndex">The step with the lowest smoothed loss.</param>
/// <param name="SteepestIndex">The step, before the minimum, where the smoothed loss falls fastest per decade of rate.</param>
/// <param name="Diverged">True when the sweep stopped because the loss exploded before reaching the maximum rate.</param>
internal sealed record LearningRateFinderResult(IReadOnlyList<double> LearningRates, IReadOnlyList<double> Losses,
    IReadOnlyList<double> SmoothedLosses, int MinimumIndex, int SteepestIndex, bool Diverged)
{
    /// <summary>The suggested learning rate: where the smoothed loss falls steepest.</summary>
    public double Suggested => LearningRates[SteepestIndex];

    /// <summary>The rate at which the smoothed loss was lowest (fastai's other rule suggests a tenth of it).</summary>
    public double MinimumLearningRate => LearningRates[MinimumIndex];

    /// <summary>Number of steps taken before the sweep ended.</summary>
    public int StepsRun => Losses.Count;

    /// <summary>True when the smoothed loss never fell: the suggestion then means nothing.</summary>
    public bool LossNeverFell => MinimumIndex < 2;

    /// <summary>
    /// Why the suggestion may mislead, or null: a loss that never fell, a curve so flat that its steepest point is noise (a
    /// trained model, a minimum rate already too high), or a loss that had not exploded by the last step of
    /// <paramref name="steps"/> (the range may be too narrow).
    /// </summary>
    public string? Warning(int steps)
    {
        if (LossNeverFell)
            return "The smoothed loss never fell: the suggestion means nothing (lower `min_learning_rate`, or check the model and data).";
        double first = SmoothedLosses[0], lowest = SmoothedLosses[MinimumIndex];
        // A trained model, or a range that starts too high, gives a flat curve whose steepest point is noise.
        if (first - lowest < 0.02 * Math.Abs(first))
            return $"The smoothed loss fell by only {100 * (first - lowest) / Math.Abs(first):F1}%: the curve is flat and its steepest point is noise (a trained model? a `min_learning_rate` already too high?).";
        if (!Diverged && StepsRun == steps)
            return "The loss had not exploded by `max_learning_rate`: the range may be too narrow (raise `max_learning_rate`).";
        return null;
    }

    /// <summary>The sweep as CSV text: step, lr, loss, smoothed_loss; numbers round-trippable in invariant culture.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder("step,lr,loss,smoothed_loss\n");
        for (int i = 0; i < StepsRun; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i + 1},{LearningRates[i]:R},{Losses[i]:R},{SmoothedLosses[i]:R}\n");
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/>, atomically.</summary>
    public void SaveCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());
}

/// <summary>
/// The learning-rate range test (chapter §7.2, "Learning Rate Finder"; Smith 2017, as fastai runs it): train for a
/// hundred or so batches while the learning rate grows exponentially from <see cref="MinLearningRate"/> to
/// <see cref="MaxLearningRate"/>, stop once the loss explodes, and suggest the rate at which the smoothed loss falls
/// fastest. The chapter raises the rate once per epoch (1e-4·10^(epoch/20) over 100 epochs); one step per batch draws
/// the same curve in seconds. The model's weights and buffers are put back afterwards.
/// </summary>
internal sealed class LearningRateFinder
{
    /// <summary>First learning rate of the sweep (fastai's default 1e-7).</summary>
    public double MinLearningRate { get; init; } = 1e-7;

    /// <summary>Last learning rate of the sweep (fastai's default 10).</summary>
    public double MaxLearningRate { get; init; } = 10;

    /// <summary>Number of batches, one learning rate each.</summary>
    public int Steps { get; init; } = 100;

    public int BatchSize { get; init; } = 256;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double Momentum { get; init; }
    public ReconstructionLoss Loss { get; init; } = new(LossKind.Bce);

    /// <summary>Width in batches of the centred moving average that smooths the loss curve (odd; 1 = raw loss).</summary>
    public int SmoothingWindow { get; init; } = 9;

    /// <summary>The sweep stops once the running loss exceeds this multiple of its lowest value (fastai: 4).</summary>
    public double DivergenceFactor { get; init; } = 4;

    /// <summary>Seeds the batch order and dropout masks.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>The name of the stage <see cref="Run"/> reports.</summary>
    public const string Stage = "learning-rate sweep";

    /// <summary>Checks the settings; throws <see cref="BadInputException"/> naming the option.</summary>
    public void Validate()
    {
        if (!(MinLearningRate > 0) || double.IsInfinity(MinLearningRate))
            throw new OptionException("min_learning_rate", $"expected a positive learning rate, got {MinLearningRate}");
        if (!(MaxLearningRate > 0) || double.IsInfinity(MaxLearningRate))
            throw new OptionException("max_learning_rate", $"expected a positive learning rate, got {MaxLearningRate}");
        if (!(MaxLearningRate > MinLearningRate))
            throw new OptionException(["min_learning_rate", "max_learning_rate"], $"the sweep must rise, but min {MinLearningRate} >= max {MaxLearningRate}");
        if (Steps < 5) throw new OptionException("steps", $"expected at least 5 batches to draw a curve, got {Steps}");
        if (BatchSize < 1) throw new OptionException("batch_size", $"expected a positive batch size, got {BatchSize}");
        if (SmoothingWindow < 1 || SmoothingWindow % 2 == 0)
            throw new OptionException("smoothing_window", $"expected an odd number of batches (1 = no smoothing), got {SmoothingWindow}");
        if (!(DivergenceFactor > 1) || double.IsInfinity(DivergenceFactor))
            throw new OptionException("divergence_factor", $"expected a factor above 1, got {DivergenceFactor}");
    }

    /// <summary>
    /// The learning rate of step <paramref name="step"/> (0-based): lr_i = lr_min·(lr_max/lr_min)^(i/(N−1)), so the
    /// first step uses lr_min, the last lr_max, and every step multiplies the rate by the same factor.
    /// </summary>
    public double LearningRateAt(int step) =>
        step == Steps - 1 ? MaxLearningRate
            : MinLearningRate * Math.Pow(MaxLearningRate / MinLearningRate, step / (double)(Steps - 1));

    /// <summary>
    /// Runs the sweep on <paramref name="data"/> with a fresh optimiser and restores <paramref name="model"/>'s weights,
    /// buffers and train/eval mode afterwards. <paramref name="progress"/> hears of every batch, as the stage
    /// <see cref="Stage"/>. Cancelling ends the sweep after the current batch; the result then covers the steps taken.
    /// </summary>
    public LearningRateFinderResult Run(Autoencoder model, Dataset data, IProgress<StageProgress>? progress = null, CancellationToken cancel = default)
    {
        Validate();
        DataFit.Check(model, data);
        DataFit.CheckValues(data, Loss);
        using var saved = WeightSnapshot.Of(model);
        bool wasTraining = model.training;
        var rates = new List<double>();
        var losses = new List<double>();
        bool diverged = false;
        try
        {
            using var optimizer = Optimizers.Create(Optimizer, model.parameters(), MinLearningRate, Momentum);
            random.manual_seed(Seed);
            using var shuffling = new Generator((ulong)(Seed & long.MaxValue));
            model.train();
            StageProgress.Start(progress, Stage, Steps);
            using var scope = NewDisposeScope();
            Tensor order = randperm(data.Count, generator: shuffling);
            int position = 0;
            // The stopping rule must decide as it goes, so it watches a running average (β = 1 − 2/(w+1), the
            // exponential average as wide as the centred window) rather than the centred curve.
            double beta = 1 - 2.0 / (SmoothingWindow + 1), average = 0, lowest = double.PositiveInfinity;
            for (int step = 0; step < Steps && !cancel.IsCancellationRequested; step++)
            {
                int count = Math.Min(BatchSize, data.Count);
                if (position + count > data.Count)
                {
                    // A sweep longer than an epoch goes on with a fresh shuffle, as training would.
                    order.Dispose();
                    order = randperm(data.Count, generator: shuffling);
                    position = 0;
                }
                Optimizers.SetLearningRate(optimizer, LearningRateAt(step));
                double loss;
                using (NewDisposeScope())
                {
                    var batch = data.Batch(order.narrow(0, position, count));
                    optimizer.zero_grad();
                    var total = model.Loss(batch, batch, Loss).Total;
                    loss = total.item<float>();
                    if (double.IsFinite(loss))
                    {
                        total.backward();
                        optimizer.step();
                    }
                }
                position += count;
                ScalarCollection.AfterStep(step + 1);
                rates.Add(optimizer.ParamGroups.First().LearningRate);
                losses.Add(loss);
                StageProgress.Advance(progress, Stage, step + 1, Steps);
                if (!double.IsFinite(loss)) { diverged = true; break; }
                // Bias-corrected running average: avg ← β·avg + (1−β)·loss, running = avg / (1 − β^(i+1)).
                average = beta * average + (1 - beta) * loss;
                var running = average / (1 - Math.Pow(beta, step + 1));
                lowest = Math.Min(lowest, running);
                if (running > DivergenceFactor * lowest) { diverged = true; break; }
            }
        }
        finally
        {
            saved.RestoreInto(model);
            // Gradients of the last step would otherwise linger on the parameters.
            model.zero_grad(set_to_none: true);
            model.train(wasTraining);
        }
        if (losses.Count == 0) throw new OperationCanceledException("the learning-rate sweep was cancelled before its first batch");
        if (!double.IsFinite(losses[0]))
            throw new BadInputException($"{data.Name}: the loss was not finite even at `min_learning_rate` {MinLearningRate} (check the data and the model)");

        var smoothed = Centred(losses, SmoothingWindow);
        int minimum = Enumerable.Range(0, smoothed.Length).Where(i => double.IsFinite(smoothed[i])).MinBy(i => smoothed[i]);
        return new LearningRateFinderResult(rates, losses, smoothed, minimum, Steepest(rates, smoothed, minimum), diverged);
    }

    /// <summary>
    /// The mean of the losses in a window of <paramref name="width"/> batches centred on each step (narrower at the
    /// ends, and only over finite losses). Centred, it does not lag behind the curve as a running average does, so
    /// the steepest point and the minimum sit at the rates that produced them.
    /// </summary>
    public static double[] Centred(IReadOnlyList<double> losses, int width)
    {
        int half = width / 2;
        var smoothed = new double[losses.Count];
        for (int i = 0; i < losses.Count; i++)
        {
            if (!double.IsFinite(losses[i])) { smoothed[i] = double.NaN; continue; }
            int from = Math.Max(0, i - half), to = Math.Min(losses.Count - 1, i + half);
            var window = Enumerable.Range(from, to - from + 1).Select(j => losses[j]).Where(double.IsFinite).ToArray();
            smoothed[i] = window.Average();
        }
        return smoothed;
    }

    /// <summary>
    /// The suggestion: the step before <paramref name="minimum"/> where the smoothed loss falls fastest per decade of
    /// learning rate (central differences in log10 lr). Chosen over "a tenth of the minimum's rate" because the
    /// minimum often sits on a broad plateau while the steep part of the curve is sharp; measured in docs/practice.md.
    /// </summary>
    public static int Steepest(IReadOnlyList<double> rates, IReadOnlyList<double> smoothed, int minimum)
    {
        if (minimum < 2) return 0;
        int steepest = 1;
        double fastest = double.PositiveInfinity;
        for (int i = 1; i < minimum; i++)
        {
            double slope = (smoothed[i + 1] - smoothed[i - 1]) / (Math.Log10(rates[i + 1]) - Math.Log10(rates[i - 1]));
            if (slope < fastest) { fastest = slope; steepest = i; }
        }
        return steepest;
    }
}
