using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Persistence;
using Bottleneck.Training;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>How a probe is run: how many labels the classifiers see, which ones, and the classifiers' settings.</summary>
internal sealed record ProbeSettings
{
    /// <summary>Labelled training samples the classifiers learn from (the chapter: 1,000).</summary>
    public int Labels { get; init; } = 1000;

    /// <summary>The first N training samples, or N/C of each class.</summary>
    public LabelSelection Selection { get; init; } = LabelSelection.First;

    /// <summary>PCA components; null takes the encoder's code size, or 32 without an encoder.</summary>
    public int? Components { get; init; }

    /// <summary>k of k-nearest-neighbours.</summary>
    public int Neighbours { get; init; } = 5;

    /// <summary>Inverse L2 strength C of the softmax regression (sklearn's default 1).</summary>
    public double C { get; init; } = 1.0;

    /// <summary>PCA's components when <see cref="Components"/> is not given.</summary>
    public const int DefaultComponents = 32;

    /// <summary>Refuses settings no probe can run with, before any data is read.</summary>
    /// <exception cref="BadInputException">A count is below 1 or C is not positive.</exception>
    public void Check()
    {
        if (Labels < 1) throw new OptionException("labels", $"expected a positive number of labelled samples, got {Labels}");
        if (Neighbours < 1) throw new OptionException("neighbours", $"expected at least 1, got {Neighbours}");
        if (!(C > 0)) throw new OptionException("c", $"expected a positive number, got {C}");
        if (Components is < 1) throw new OptionException("components", $"expected a positive number of components, got {Components}");
    }
}

/// <summary>A probe's outcome: what was probed with what, and one row per feature set.</summary>
/// <param name="Data">The dataset the unsupervised stage learned from.</param>
/// <param name="Probed">The dataset the classifiers learned and were tested on (the same, or the transfer data).</param>
/// <param name="LabelCounts">How many labelled training samples each class got.</param>
internal sealed record ProbeReport(string Data, string Probed, bool Transfer, ProbeSettings Settings, int[] LabelCounts, int TestSamples,
    IReadOnlyList<ProbeRow> Rows);

/// <summary>
/// Feature learning as chapter §8.2 measures it: softmax regression and k-nearest-neighbours learn from N labelled
/// training samples, on raw pixels, on PCA codes and on an encoder's codes, and are scored on the whole test set. The
/// unsupervised stage (PCA, the autoencoder) has seen every training sample, without labels. With transfer data, the
/// classifiers learn and are tested there, with PCA and the encoder learned on the source (and PCA learned in-domain
/// beside it).
/// </summary>
internal static class ProbeStudy
{
    /// <summary>
    /// Runs the probe; <paramref name="trained"/> (optional) is the encoder, <paramref name="transfer"/> (optional) the
    /// data probed instead of <paramref name="source"/>. Every input is checked before any classifier is fitted; each
    /// feature set is a stage of <paramref name="progress"/>.
    /// </summary>
    public static ProbeReport Run(LoadedData source, LoadedData? transfer, TrainedModel? trained, ProbeSettings settings,
        IProgress<StageProgress>? progress = null)
    {
        settings.Check();
        var target = transfer ?? source;
        var targetTest = target.Test ?? throw new BadInputException($"{target.Name}: has no test part to measure accuracy on");
        var encoder = trained?.Model;
        if (encoder is not null)
        {
            DataFit.Check(encoder, source.Train);
            DataFit.Check(encoder, target.Train);
        }
        // The encoder sees the data as it was trained on it (the folder's scaler); raw pixels and PCA see it as read.
        // Prepared before any probe runs, so that data on another scale is refused before any work.
        using var trainInput = trained?.Prepare(target.Train);
        using var testInput = trained?.Prepare(targetTest);
        if (target.Train.SampleSize != source.Train.SampleSize)
            throw new OptionException("transfer_data", $"{target.Name} has samples of {target.Train.SampleSize} values, but {source.Name} has {source.Train.SampleSize}");
        int k = settings.Components ?? (encoder is null ? ProbeSettings.DefaultComponents : checked((int)encoder.CodeShape.Aggregate(1L, (a, b) => a * b)));
        PrincipalComponents.CheckComponents(k, source.Train.Count, source.Train.SampleSize);
        var labelled = FeatureProbe.LabelledIndices(target.Train, settings.Labels, settings.Selection);
        var trainLabels = FeatureProbe.Labels(target.Train, labelled);
        var testLabels = FeatureProbe.Labels(targetTest);
        int classes = Math.Max(trainLabels.Max(), testLabels.Max()) + 1;

        // One stage per feature set, without a count: its time goes to the features and the fits, not to any unit.
        int stages = 2 + (transfer is null ? 0 : 1) + (trained is null ? 0 : 1);
        var rows = new List<ProbeRow>();
        void Probe(string name, string fittedOn, Func<Dataset, int[]?, Tensor> features)
        {
            StageProgress.Start(progress, $"probing {name} ({rows.Count + 1} of {stages})", 0);
            using var trainX = features(target.Train, labelled);
            using var testX = features(targetTest, null);
            rows.Add(FeatureProbe.Run(name, fittedOn, trainX, trainLabels, testX, testLabels, classes, settings.Neighbours, settings.C));
        }
        Probe("raw pixels", "", FeatureProbe.Pixels);
        using (var pca = PrincipalComponents.FitCovariance(source.Train, k))
            Probe($"PCA-{k}", source.Name, (d, i) => FeatureProbe.PcaCodes(pca, d, i));
        if (transfer is not null)
        {
            using var inDomain = PrincipalComponents.FitCovariance(target.Train, k);
            Probe($"PCA-{k}", target.Name, (d, i) => FeatureProbe.PcaCodes(inDomain, d, i));
        }
        if (trained is not null)
            Probe($"encoder ({trained.Model.Spec.Name})", source.Name,
                (d, i) => FeatureProbe.EncoderCodes(trained.Model, d == target.Train ? trainInput! : testInput!, i));

        var counts = new int[classes];
        foreach (var l in trainLabels) counts[l]++;
        return new ProbeReport(source.Name, target.Name, transfer is not null, settings, counts, testLabels.Length, rows);
    }
}
