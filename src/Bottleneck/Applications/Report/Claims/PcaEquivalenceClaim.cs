using Bottleneck.Applications.Pca;
using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.Reporting;
using Bottleneck.Training;

namespace Bottleneck.Applications.Report.Claims;

/// <summary>
/// §5.3: a linear autoencoder trained with MSE on centred data learns PCA's subspace. The <c>linear</c> variant of the
/// equivalence experiment (784 → 32 → 784, Adam 1e-3, batch 256) is trained on every MNIST training image and its
/// decoder's column space compared with PCA-32's after every epoch (overlap = mean squared cosine of the principal angles).
/// </summary>
internal sealed class PcaEquivalenceClaim : ReportClaim
{
    /// <summary>Code size, as the README's run.</summary>
    public const int Components = 32;

    /// <inheritdoc />
    public override string Id => "pca-equivalence";
    /// <inheritdoc />
    public override string Section => "§5.3";
    /// <inheritdoc />
    public override string Statement => "A linear autoencoder (linear encoder and decoder, MSE, centred data) learns the same subspace as PCA with as many components.";
    /// <inheritdoc />
    public override string ChapterFigure => "subspace of W_d = PCA's top-k subspace";
    /// <inheritdoc />
    public override string Rule => "confirmed when the decoder's subspace overlap with PCA-32, averaged over the seeds, is at least 0.99 and the mean training MSE within 1 % of PCA's optimum; otherwise refuted at the full budget and not reproducible at a reduced one.";
    /// <inheritdoc />
    public override string FullBudget => "README, full budget (linear variant, k = 32, 60,000 images, 10 epochs, seed 42): overlap 0.9963, training MSE / PCA's 1.0041 (overlap ≥ 0.99 from epoch 9); the encoder's row space only 0.662.";

    /// <inheritdoc />
    public override ClaimSettings Settings(ReportBudget budget) =>
        new(budget, "MNIST", budget.Pick<long[]>([42, 43, 44], [42, 43, 44, 45, 46], [42, 43, 44, 45, 46]), Epochs: 10,
            TrainingSamples: 60_000, TestSamples: 10_000, Extra: "k = 32");

    /// <inheritdoc />
    /// <remarks>2: several seeds, judged on their means, and 10 epochs at every budget (after 6 epochs seed 42 gave overlap 0.978, seeds 43 and 44 0.985 and 0.996: the verdict flipped with the seed).</remarks>
    public override int Revision => 2;

    /// <inheritdoc />
    public override ClaimOutcome Measure(ClaimContext context)
    {
        var settings = context.Settings;
        using var data = DataSource.Load("mnist");
        context.Stage("fitting PCA-32");
        using var pca = PrincipalComponents.FitCovariance(data.Train, Components);
        using var span = PcaEquivalence.DataSpan(data.Train, pca);
        using var mean = pca.Mean;
        using var centredTrain = PcaEquivalence.Centred(data.Train, mean);
        using var centredTest = PcaEquivalence.Centred(data.Test!, mean);
        int epochs = settings.Epochs!.Value;
        var runs = new List<EquivalenceResult>();
        for (int i = 0; i < settings.Seeds.Count; i++)
        {
            long seed = settings.Seeds[i];
            var options = new TrainingOptions { Epochs = epochs, BatchSize = 256, LearningRate = 1e-3, Seed = seed };
            runs.Add(PcaEquivalence.Run(EquivalenceVariant.Get("linear"), pca, span, data.Train, data.Test, centredTrain, centredTest, options,
                e => context.Stage($"training the linear autoencoder, seed {seed} ({i + 1} of {settings.Seeds.Count}), {epochs} epochs", e.Epoch, epochs), context.Cancel));
            context.Cancel.ThrowIfCancellationRequested();   // a run cut short must not be stored as finished
        }
        var epochsRun = runs[0].Epochs.Select(e => (double)e.Epoch).ToArray();
        var series = new List<(string, double[], double[])>();
        for (int i = 0; i < runs.Count; i++)
            series.Add(($"decoder W_d, seed {settings.Seeds[i]}", epochsRun, runs[i].Epochs.Select(e => e.DecoderOverlap).ToArray()));
        series.Add(($"encoder W_e, seed {settings.Seeds[0]}", epochsRun, runs[0].Epochs.Select(e => e.EncoderOverlap).ToArray()));
        series.Add(($"W_e within the data's span, seed {settings.Seeds[0]}", epochsRun, runs[0].Epochs.Select(e => e.EncoderSupportOverlap).ToArray()));
        OverlapPlot.SavePng(context.FigurePath, $"Linear autoencoder against PCA-32, per epoch ({runs.Count} seeds)", series,
            width: ClaimCharts.Width, height: ClaimCharts.Height);
        var decoder = Measurement.OverSeeds("overlap of W_d's subspace with PCA's", runs.Select(r => r.Decoder.Overlap).ToList(), "", 4);
        var encoder = Measurement.OverSeeds("overlap of W_e's row space with PCA's", runs.Select(r => r.Encoder.Overlap).ToList(), "", 3);
        var train = Measurement.OverSeeds("training MSE / PCA's optimum", runs.Select(r => r.TrainMseRatio).ToList(), "", 4);
        var test = Measurement.OverSeeds("test MSE / PCA's", runs.Select(r => r.TestMseRatio ?? double.NaN).ToList(), "", 4);
        bool agrees = decoder.Value >= 0.99 && train.Value <= 1.01;
        int passing = runs.Count(r => r.Decoder.Overlap >= 0.99 && r.TrainMseRatio <= 1.01);
        return new ClaimOutcome([decoder, encoder, train, test],
            agrees ? Verdict.Confirmed : Verdicts.Disagreement(settings.Budget),
            (agrees ? $"The decoder's subspace matches PCA's (overlap {decoder.Value:F4} ± {decoder.StandardDeviation ?? 0:F4}) and its error is within {100 * (train.Value - 1):F2} % of PCA's; the encoder's row space does not ({encoder.Value:F3}): only the decoder is pinned down by the loss."
                    : $"After {epochs} epochs the decoder's overlap is {decoder.Value:F4} ± {decoder.StandardDeviation ?? 0:F4} and the error ratio {train.Value:F4}: still converging.")
            + $" {passing} of {runs.Count} seeds pass on their own.",
            "Subspace overlap with PCA-32 after each epoch (1 = the same subspace), the decoder for every seed: the decoder converges, the encoder does not.");
    }
}
