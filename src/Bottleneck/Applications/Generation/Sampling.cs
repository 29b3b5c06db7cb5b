using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Evaluation;
using Bottleneck.Models;
using Bottleneck.Models.Vae;
using Bottleneck.Reporting;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Generation;

/// <summary>What a classifier fitted to real labelled images makes of generated samples.</summary>
/// <param name="Samples">Mean over the samples of the classifier's largest class probability.</param>
/// <param name="Reconstructions">The same for the model's reconstructions of as many real held-out images.</param>
/// <param name="Real">The same for those real images themselves.</param>
/// <param name="ClassCounts">How many samples the classifier puts in each class, by class index.</param>
/// <param name="ClassNames">The classes' names, where they have names.</param>
/// <param name="Classifier">"softmax regression fitted to 10,000 images of mnist/train".</param>
internal sealed record SampleJudgement(double Samples, double Reconstructions, double Real, int[] ClassCounts, IReadOnlyList<string>? ClassNames, string Classifier);

/// <summary>What `bottleneck sample` drew and found: printed by --json with the keys every earlier version printed.</summary>
internal sealed record SampleReport(string Model, string Family, string Distribution, double Temperature, long Seed, int Samples,
    string? Picture, string? Npy, SampleJudgement? Judgement)
{
    /// <summary>The report as JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["model"] = Model, ["family"] = Family, ["distribution"] = Distribution,
        ["temperature"] = Temperature, ["seed"] = Seed, ["samples"] = Samples,
        ["picture"] = Picture, ["npy"] = Npy,
        ["confidence"] = Judgement?.Samples, ["reconstruction_confidence"] = Judgement?.Reconstructions, ["real_confidence"] = Judgement?.Real,
        ["classifier"] = Judgement?.Classifier,
        ["classes_seen"] = Judgement is null ? null : new JsonArray(Judgement.ClassCounts.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        ["units"] = new JsonObject
        {
            ["confidence"] = "mean over the samples of the classifier's largest class probability; real_confidence: the same for as many " +
                             "real held-out images; reconstruction_confidence: for the model's reconstructions of those images",
            ["classes_seen"] = "how many samples the classifier assigns to each class, by class index",
        },
    };
}

/// <summary>
/// New images from a generative model (§8.6, §13.1): codes drawn from a VAE's prior N(0, I), or from a Gaussian fitted
/// to a plain autoencoder's codes, decoded; and how recognisable a classifier fitted to real images finds them.
/// </summary>
internal static class Sampling
{
    /// <summary>The stage names reported to a progress display.</summary>
    public const string FitStage = "fitting a Gaussian to the codes", JudgeStage = "fitting the judging classifier";

    /// <summary>
    /// The prior N(0, I) of a VAE, or N(m, Σ) fitted to the codes of <paramref name="fitData"/> when it is given; a plain
    /// model without data to fit is refused (<paramref name="modelName"/> names it).
    /// </summary>
    public static LatentGaussian Distribution(Autoencoder model, string modelName, Dataset? fitData, IProgress<StageProgress>? progress = null)
    {
        LatentGaussian.CheckContinuous(model);
        if (fitData is not null)
        {
            Training.DataFit.Check(model, fitData);
            StageProgress.Start(progress, FitStage, fitData.Count);
            var fitted = LatentGaussian.Fit(model, fitData);
            StageProgress.Advance(progress, FitStage, fitData.Count, fitData.Count);
            return fitted;
        }
        if (model is VariationalAutoencoder vae) return LatentGaussian.StandardNormal(vae.LatentSize);
        throw new OptionException("model", $"'{modelName}' is a plain autoencoder (family {model.Spec.Family}) with no prior to sample from: " +
                                    "pass `fit_gaussian` DATA to sample from a Gaussian fitted to its codes, or walk between real inputs with 'bottleneck interpolate'");
    }

    /// <summary>
    /// Fits softmax regression to the first <paramref name="count"/> labelled images of <paramref name="train"/> and
    /// returns its mean confidence on <paramref name="samples"/>, on as many real held-out images (<paramref name="test"/>,
    /// else the training images after those it was fitted to) and on the model's reconstructions of them (the level the
    /// model's own blur allows), and how many samples it puts in each class.
    /// </summary>
    public static SampleJudgement Judge(Autoencoder model, Tensor samples, Dataset train, Dataset? test, int count, IProgress<StageProgress>? progress = null)
    {
        // The checks the classifier would make, made before any stage is reported.
        Training.DataFit.Check(model, train);
        if (count < 2) throw new OptionException("classifier_size", $"expected at least 2 labelled images, got {count}");
        if (train.Labels is null) throw new BadInputException($"{train.Name}: the classifier that scores decoded images needs labelled training data");
        if (test is null && train.Count <= count)
            throw new OptionException("classifier", $"{train.Name} has no images left over to compare the samples with (lower `classifier_size`)");
        StageProgress.Start(progress, JudgeStage, Math.Min(count, train.Count));
        using var judge = new ClassifierConfidence(train, count);
        StageProgress.Advance(progress, JudgeStage, judge.Count, judge.Count);
        var (classes, confidence) = judge.Measure(samples);
        int n = (int)samples.shape[0];
        using var heldOut = test is null ? train.Slice(judge.Count, Math.Min(n, train.Count - judge.Count)) : null;
        var real = test ?? heldOut!;
        using var scope = NewDisposeScope();
        var realImages = real.Batch(0, Math.Min(n, real.Count));
        var (_, realConfidence) = judge.Measure(realImages);
        model.eval();
        using var noGrad = no_grad();
        var (_, reconstructedConfidence) = judge.Measure(model.Reconstruct(realImages.reshape([realImages.shape[0], .. model.InputShape])));
        var counts = new int[judge.Classes];
        foreach (var c in classes) counts[c]++;
        return new SampleJudgement(confidence.Average(), reconstructedConfidence.Average(), realConfidence.Average(), counts, train.ClassNames,
            $"softmax regression fitted to {judge.Count:N0} images of {judge.Source}");
    }

    /// <summary>
    /// Saves the <paramref name="decoded"/> samples [rows·columns, ...] as a grid when they are images (returns false
    /// otherwise), and as an array file when <paramref name="npy"/> is given.
    /// </summary>
    public static bool Write(Tensor decoded, string modelName, LatentGaussian distribution, double temperature, int rows, int columns, string picture, string? npy)
    {
        var shape = ImageShape.Of(decoded.shape[1..]);
        if (shape is { } s)
            LatentGrid.SaveSamples(picture, decoded, s, $"{modelName}: decodes of z ~ {distribution.Description}, T = {temperature.ToString("G3", CultureInfo.InvariantCulture)}", rows, columns);
        if (npy is not null)
            ArrayFiles.Write(npy, NumericArray.FromFloats(decoded.shape.Select(d => (int)d).ToArray(), decoded.contiguous().data<float>().ToArray()));
        return shape is not null;
    }
}
