using System.Text.Json.Nodes;
using Bottleneck.Evaluation;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using Bottleneck.Reporting;

namespace Bottleneck.Applications.Pca;

/// <summary>One method's figures on the evaluation split: means per element, PSNR in dB, and the numbers it stores.</summary>
/// <param name="Mse">Mean squared error per element.</param>
/// <param name="Mae">Mean absolute error per element.</param>
/// <param name="Psnr">10·log10(1/MSE), dB.</param>
/// <param name="Bce">Binary cross-entropy per element (nats), or null when the data are not in [0, 1].</param>
/// <param name="Parameters">Numbers stored: PCA's components and mean, or the model's weights.</param>
internal sealed record ComparedFigures(double Mse, double Mae, double Psnr, double? Bce, long Parameters)
{
    /// <summary>The figures as the report holds them.</summary>
    public JsonObject ToJson() => new() { ["mse"] = Mse, ["mae"] = Mae, ["psnr"] = Psnr, ["bce"] = Bce, ["parameters"] = Parameters };
}

/// <summary>
/// PCA and a trained autoencoder side by side at the same code size (§5.3): PCA keeps as many components as the model's
/// code has values. Disposing frees PCA's autoencoder form, which the picture draws with.
/// </summary>
internal sealed record PcaComparison(string Data, string EvaluatedOn, int Samples, int CodeSize, ComparedFigures Pca, ComparedFigures Autoencoder,
    int PcaComponents, double PcaExplainedVarianceRatio, double PcaTrainMse, string Model, DenseAutoencoder PcaModel) : IDisposable
{
    /// <summary>True when the data are in [0, 1], so that BCE means something.</summary>
    public bool BceMeaningful => Pca.Bce is not null;

    /// <summary>
    /// Fits PCA to <paramref name="train"/> with as many components as <paramref name="model"/>'s code has values (or
    /// takes the <paramref name="fitted"/> one, which it then owns), and measures both on <paramref name="test"/>
    /// (<paramref name="evaluatedOn"/> names the split: "test" or "train"). Both datasets are as the model was trained on them.
    /// </summary>
    public static PcaComparison Run(Autoencoder model, string dataName, Dataset train, Dataset test, string evaluatedOn,
        PrincipalComponents? fitted = null, IProgress<StageProgress>? progress = null)
    {
        int k = checked((int)model.CodeShape.Aggregate(1L, (a, b) => a * b));
        if (fitted is null) PrincipalComponents.CheckComponents(k, train.Count, train.SampleSize);
        if (fitted is null) StageProgress.Start(progress, FitStage, train.Count);
        using var pca = fitted ?? PrincipalComponents.FitCovariance(train, k);
        if (fitted is null) StageProgress.Advance(progress, FitStage, train.Count, train.Count);
        if (pca.Dimension != test.SampleSize)
            throw new OptionException("pca", $"the PCA takes samples of {pca.Dimension} values, but {test.Name} has {test.SampleSize}");
        var pcaModel = pca.ToAutoencoder();
        try
        {
            StageProgress.Start(progress, EvaluateStage, 2L * test.Count);
            var pcaMetrics = ReconstructionMetrics.Evaluate(pcaModel, test);
            StageProgress.Advance(progress, EvaluateStage, test.Count, 2L * test.Count);
            var aeMetrics = ReconstructionMetrics.Evaluate(model, test);
            StageProgress.Advance(progress, EvaluateStage, 2L * test.Count, 2L * test.Count);
            var (min, max) = test.Range();
            bool bce = min >= 0 && max <= 1;
            ComparedFigures Figures(ReconstructionMetrics m, long parameters) => new(m.Mse, m.Mae, m.Psnr, bce ? m.Bce : null, parameters);
            return new PcaComparison(dataName, evaluatedOn, test.Count, k,
                Figures(pcaMetrics, (long)pca.ComponentCount * pca.Dimension + pca.Dimension),
                Figures(aeMetrics, model.TrainableParameterCount + model.NonTrainableParameterCount),
                pca.ComponentCount, pca.ExplainedVarianceRatioTotal, pca.TrainingMse, model.Spec.Name, pcaModel);
        }
        catch
        {
            pcaModel.Dispose();
            throw;
        }
    }

    /// <summary>The stage names reported to a progress display.</summary>
    public const string FitStage = "fitting PCA", EvaluateStage = "measuring PCA and the autoencoder";

    /// <summary>
    /// Saves the picture when the samples are images: the first <paramref name="count"/> originals of <paramref name="test"/>,
    /// PCA's reconstructions and the model's; returns false (and writes nothing) for samples that are not images.
    /// </summary>
    public bool SavePicture(string path, Autoencoder model, Dataset test, int count)
    {
        if (ImageShape.Of(test.SampleShape) is not { } shape) return false;
        ReconstructionGrid.Save(path, test, shape, count, $"{Model} against PCA-{PcaComponents} on {Data} ({EvaluatedOn})",
            [($"PCA-{PcaModel.CodeShape[0]}", PcaModel), ("Autoencoder", model)]);
        return true;
    }

    /// <summary>The report --json prints, with the keys every earlier version printed; <paramref name="picture"/> is null when none was drawn.</summary>
    public JsonObject ToJson(string? picture) => new()
    {
        ["data"] = Data,
        ["evaluated_on"] = EvaluatedOn,
        ["samples"] = Samples,
        ["code_size"] = CodeSize,
        ["pca"] = Pca.ToJson(),
        ["autoencoder"] = Autoencoder.ToJson(),
        ["pca_components"] = PcaComponents,
        ["pca_explained_variance_ratio"] = PcaExplainedVarianceRatio,
        ["pca_train_mse"] = PcaTrainMse,
        ["model"] = Model,
        ["picture"] = picture,
        ["units"] = new JsonObject
        {
            ["mse"] = "mean per element", ["mae"] = "mean per element", ["psnr"] = "dB, 10·log10(1/mse) for data in [0, 1]",
            ["bce"] = "mean per element (nats); PCA's reconstructions are clipped to [1e-7, 1 − 1e-7] first, as Keras clips probabilities",
            ["parameters"] = "numbers stored: PCA's components and mean, the model's weights",
        },
    };

    /// <summary>Frees PCA's autoencoder form.</summary>
    public void Dispose() => PcaModel.Dispose();
}
