using Bottleneck.Evaluation;
using Bottleneck.Applications.Generation;
using Bottleneck.Data;
using Bottleneck.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>Where `sample` draws its codes from, what the judging classifier reports, and the report's keys.</summary>
public class SamplingTests
{
    static Dataset Labelled(int count, string name = "tiles")
    {
        using var generator = new Generator(6);
        var storage = rand([count, 16], generator: generator).DetachFromDisposeScope();
        return new Dataset(name, storage, Enumerable.Range(0, count).Select(i => i % 2).ToArray());
    }

    [Fact]
    public void A_vae_samples_its_prior_and_a_plain_model_needs_codes_to_fit()
    {
        using var vae = ModelFactory.Create(new ModelSpec { Family = "vae", Name = "v", InputShape = [16], Encoder = [8], Bottleneck = 3 });
        using var prior = Sampling.Distribution(vae, "runs/v", null);
        Assert.Equal("N(0, I)", prior.Description);
        Assert.Equal(3, prior.Dimension);

        using var plain = ModelFactory.Create(new ModelSpec { Name = "ae", InputShape = [16], Encoder = [8], Bottleneck = 3 });
        var error = Assert.Throws<OptionException>(() => Sampling.Distribution(plain, "runs/ae", null));
        Assert.StartsWith("model: 'runs/ae' is a plain autoencoder (family dense) with no prior to sample from", error.Message);

        // Fitted to the codes: m is their mean, computed here in float64 from the encoded rows.
        using var data = Labelled(30);
        using var fitted = Sampling.Distribution(plain, "runs/ae", data);
        Assert.Equal("N(m, Σ) fitted to the codes of tiles", fitted.Description);
        plain.eval();
        using var codes = plain.Encode(data.Batch(0, 30));
        var values = codes.data<float>().ToArray();
        var mean = fitted.Mean.data<double>().ToArray();
        for (int j = 0; j < 3; j++) Assert.Equal(Enumerable.Range(0, 30).Average(i => (double)values[i * 3 + j]), mean[j], 6);
    }

    [Fact]
    public void The_judge_counts_every_sample_once_and_compares_with_images_it_was_not_fitted_to()
    {
        using var model = ModelFactory.Create(new ModelSpec { Name = "ae", InputShape = [16], Encoder = [], Bottleneck = 4 });
        using var train = Labelled(40);
        using var samples = rand(9, 16);
        var reports = new List<StageProgress>();
        var judged = Sampling.Judge(model, samples, train, null, 30, new Progress(reports));
        Assert.Equal(9, judged.ClassCounts.Sum());
        Assert.Equal(2, judged.ClassCounts.Length);
        foreach (var c in new[] { judged.Samples, judged.Real, judged.Reconstructions }) Assert.InRange(c, 0.5, 1);
        Assert.Equal("softmax regression fitted to 30 images of tiles", judged.Classifier);
        Assert.Equal(new StageProgress(Sampling.JudgeStage, 30, 30), reports[^1]);

        // Fitted to all 40 training images with no test split: nothing is left to compare with, said before fitting.
        reports.Clear();
        var error = Assert.Throws<OptionException>(() => Sampling.Judge(model, samples, train, null, 40, new Progress(reports)));
        Assert.Equal("classifier: tiles has no images left over to compare the samples with (lower `classifier_size`)", error.Message);
        Assert.Empty(reports);
    }

    [Fact]
    public void The_report_has_the_keys_of_earlier_versions_in_their_order()
    {
        var judged = new SampleJudgement(0.8, 0.85, 0.9, [3, 7], null, "softmax regression fitted to 60 images of images.csv");
        var json = new SampleReport("tiny-ae", "dense", "N(0, I)", 0.7, 5, 10, "s.png", null, judged).ToJson();
        // As `bottleneck sample --json` printed them before the command was thinned.
        Assert.Equal(["model", "family", "distribution", "temperature", "seed", "samples", "picture", "npy", "confidence",
            "reconstruction_confidence", "real_confidence", "classifier", "classes_seen", "units"], json.Select(p => p.Key));
        Assert.Equal([3, 7], json["classes_seen"]!.AsArray().Select(n => (int)n!));
        Assert.Null(new SampleReport("v", "vae", "N(0, I)", 1, 0, 4, null, null, null).ToJson()["classes_seen"]);
    }

    sealed class Progress(List<StageProgress> reports) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => reports.Add(value);
    }
}
