using Bottleneck.Data;
using Bottleneck.Objectives;
using Bottleneck.Training;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// The outcome of the §5.3 experiment: PCA with k components on the training data, and each variant's trajectory and
/// end point against it.
/// </summary>
/// <param name="Data">The dataset's name.</param>
/// <param name="TrainSamples">Samples trained on (and PCA fitted on).</param>
/// <param name="Components">k: the code size and PCA's number of components.</param>
/// <param name="DataSpanDimension">Dimension of the span of the centred training data (see <see cref="PcaEquivalence.DataSpan"/>).</param>
/// <param name="Training">Epochs, batch size, learning rate and seed every variant was trained with (Adam).</param>
/// <param name="PcaTrainMse">PCA's training MSE per value: the optimum of the linear autoencoder's objective.</param>
/// <param name="PcaExplainedVarianceRatio">The fraction of the variance PCA's k components keep.</param>
/// <param name="Variants">One result per variant run, in the order asked (fewer when stopped early).</param>
internal sealed record EquivalenceReport(string Data, int TrainSamples, int Components, long DataSpanDimension, TrainingOptions Training,
    double PcaTrainMse, double PcaExplainedVarianceRatio, IReadOnlyList<EquivalenceResult> Variants)
{
    /// <summary>PCA's MSE per value on the test data (null without test data, or when no variant ran).</summary>
    public double? PcaTestMse => Variants.FirstOrDefault()?.PcaTestMse;
}

/// <summary>
/// The chapter's §5.3 theorem, measured: a single-layer autoencoder d → k → d with a linear encoder and decoder, MSE
/// loss and mean-centred data should learn the subspace of PCA's top k components and reach PCA's error. Each variant
/// keeps those conditions or breaks one (see <see cref="EquivalenceVariant.All"/>), and is measured after every epoch.
/// </summary>
internal static class EquivalenceStudy
{
    /// <summary>
    /// Fits PCA-<paramref name="components"/> on <paramref name="train"/>, then trains and measures each of
    /// <paramref name="variants"/> with <paramref name="options"/>. <paramref name="pcaFitted"/> hears PCA before any
    /// training, <paramref name="epochDone"/> each variant's epochs; a cancelled run returns the variants finished so far.
    /// </summary>
    /// <exception cref="BadInputException">The data is not finite, k does not fit it, or sigmoid-bce is asked for data outside [0, 1].</exception>
    public static EquivalenceReport Run(Dataset train, Dataset? test, string dataName, int components, IReadOnlyList<EquivalenceVariant> variants,
        TrainingOptions options, Action<PrincipalComponents>? pcaFitted = null, Action<EquivalenceVariant, EquivalenceEpoch>? epochDone = null,
        CancellationToken cancel = default)
    {
        if (variants.Count == 0) throw new OptionException("variants", "name at least one variant");
        options.Validate();
        DataFit.CheckValues(train, new ReconstructionLoss(LossKind.Mse));
        PrincipalComponents.CheckComponents(components, train.Count, train.SampleSize);
        if (variants.Any(v => v.SigmoidBce))
        {
            var (min, max) = train.Range();
            if (min < 0 || max > 1)
                throw new BadInputException($"{train.Name}: values span [{min:G4}, {max:G4}], but the sigmoid-bce variant needs data in [0, 1] (leave it out with `variants`)");
        }

        using var pca = PrincipalComponents.FitCovariance(train, components);
        using var mean = pca.Mean;
        using var centredTrain = PcaEquivalence.Centred(train, mean);
        using var centredTest = test is null ? null : PcaEquivalence.Centred(test, mean);
        using var dataSpan = PcaEquivalence.DataSpan(train, pca);
        pcaFitted?.Invoke(pca);
        var results = new List<EquivalenceResult>();
        foreach (var variant in variants)
        {
            if (cancel.IsCancellationRequested) break;
            results.Add(PcaEquivalence.Run(variant, pca, dataSpan, train, test, centredTrain, centredTest, options,
                e => epochDone?.Invoke(variant, e), cancel));
        }
        return new EquivalenceReport(dataName, train.Count, components, dataSpan.shape[1], options, pca.TrainingMse, pca.ExplainedVarianceRatioTotal, results);
    }
}
