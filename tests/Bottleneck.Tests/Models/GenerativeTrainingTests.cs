using System.Text.Json.Nodes;
using Bottleneck.Models;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;
using Bottleneck.Objectives;
using Bottleneck.Persistence;
using Bottleneck.Tests.Training;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Models;

/// <summary>The VAE and VQ-VAE through the ordinary trainer, training job and model folder, on tiny made-up data.</summary>
public class GenerativeTrainingTests
{
    static readonly ModelSpec TinyVae = new() { Name = "tiny-vae", Family = "vae", InputShape = [64], Encoder = [32], Bottleneck = 2, Vae = new VaeSpec { IwSamples = 5 } };
    static readonly ModelSpec TinyVq = new() { Name = "tiny-vq", Family = "vq-vae", InputShape = [8, 8], Bottleneck = 4, Vq = new VqSpec { CodebookSize = 16, ConvChannels = [8, 16], ReviveEvery = 5 } };

    static TrainingResult Train(ModelSpec spec, int epochs, out Autoencoder model)
    {
        using var data = TestData.LowRank(count: 256, size: 64);
        random.manual_seed(1);
        model = ModelFactory.Create(spec);
        return new Trainer().Fit(model, data, null, new TrainingOptions { Epochs = epochs, BatchSize = 32, LearningRate = 3e-3 });
    }

    [Fact]
    public void A_vae_trains_and_logs_reconstruction_and_kl_in_nats_per_image()
    {
        var result = Train(TinyVae, 8, out var model);
        using (model)
        {
            var epochs = result.History.Epochs;
            Assert.True(epochs[^1].Loss < epochs[0].Loss, $"loss {epochs[0].Loss} → {epochs[^1].Loss}");
            foreach (var e in epochs)
                Assert.Equal(e.Parts["reconstruction"] + e.Parts["kl"], e.Loss, 3);   // β = 1: loss = recon + KL
            Assert.InRange(epochs[^1].Parts["reconstruction"], 10, 64);           // 64 pixels of BCE: nats per image, not per pixel
            Assert.Contains("reconstruction,kl", result.History.ToCsv().Split('\n')[0]);
        }
    }

    [Fact]
    public void A_larger_beta_trades_reconstruction_for_a_smaller_kl()
    {
        var plain = Train(TinyVae, 10, out var a);
        var beta = Train(TinyVae with { Vae = TinyVae.Vae! with { Beta = 4 } }, 10, out var b);
        a.Dispose(); b.Dispose();
        var (p, q) = (plain.History.Epochs[^1].Parts, beta.History.Epochs[^1].Parts);
        Assert.True(q["kl"] < p["kl"], $"KL: β=1 {p["kl"]}, β=4 {q["kl"]}");
        Assert.True(q["reconstruction"] > p["reconstruction"], $"reconstruction: β=1 {p["reconstruction"]}, β=4 {q["reconstruction"]}");
    }

    [Fact]
    public void A_vq_vae_trains_and_uses_its_codebook()
    {
        var result = Train(TinyVq, 6, out var model);
        using (model)
        {
            var vq = (VectorQuantizedAutoencoder)model;
            var epochs = result.History.Epochs;
            Assert.True(epochs[^1].Parts["reconstruction"] < epochs[0].Parts["reconstruction"]);
            Assert.Equal(6 * 8, vq.Quantizer.BatchesSeen);
            using var data = TestData.LowRank(count: 256, size: 64);
            var figures = vq.EvaluationFigures(data);
            Assert.InRange(figures["perplexity"], 1, 16);
            Assert.Equal(figures["codes_used"] / 16, figures["codebook_usage"], 12);
            Assert.True(figures["codebook_usage"] >= 0.5, $"only {figures["codes_used"]} of 16 codes used");
        }
    }

    [Fact]
    public void Save_and_load_keep_encode_exactly_for_both_families()
    {
        foreach (var spec in new[] { TinyVae, TinyVq })
        {
            Train(spec, 1, out var model);
            using (model)
            using (var folder = new TempFolder())
            {
                ModelFolder.Save(model, folder.Path);
                using var loaded = ModelFolder.Load(folder.Path);
                model.eval();
                using var x = rand(6, 64);
                Assert.Equal(model.Encode(x).data<float>().ToArray(), loaded.Encode(x).data<float>().ToArray());
                Assert.Equal(model.Reconstruct(x).data<float>().ToArray(), loaded.Reconstruct(x).data<float>().ToArray());
                Assert.Equal(spec, loaded.Spec with { Vae = spec.Vae, Vq = spec.Vq, Encoder = spec.Encoder, InputShape = spec.InputShape });
                if (loaded is VectorQuantizedAutoencoder vq) Assert.Equal(8, vq.Quantizer.BatchesSeen);   // the counters travel too
            }
        }
    }

    [Fact]
    public void A_training_job_writes_the_vae_figures_samples_and_units()
    {
        using var folder = new TempFolder();
        using var train = TestData.LowRank(count: 128, size: 64);
        using var test = TestData.LowRank(count: 32, size: 64, seed: 9);
        var result = SessionRuns.Into(folder.Path, new TrainingSession
        {
            Spec = TinyVae with { InputShape = null }, Train = train, Test = test, DataName = "low-rank",
            Options = new TrainingOptions { Epochs = 2, BatchSize = 32 },
        }, checkpoint: false);
        result.Model.Dispose();
        // Read back from the file, as a user of metrics.json reads it.
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "metrics.json")))!;
        Assert.Contains("nats per image", (string)metrics["units"]!["loss"]!);
        Assert.StartsWith("nats per image", (string)metrics["units"]!["elbo"]!);
        double kl = (double)metrics["kl"]!, reconstruction = (double)metrics["reconstruction_nats"]!;
        Assert.Equal(-(kl + reconstruction), (double)metrics["elbo"]!, 9);
        Assert.Equal(5, (double)metrics["nll_iw_samples"]!);
        Assert.True((double)metrics["nll_iw_k"]! < reconstruction + kl + 1, "the IW estimate should not be far above −ELBO");
        Assert.Equal(["samples.png", "latent-manifold.png"], metrics["figures"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["samples.png", "latent-manifold.png"], result.Metrics.Figures);
        Assert.True(File.Exists(Path.Combine(folder.Path, "samples.png")));
        Assert.True(File.Exists(Path.Combine(folder.Path, "latent-manifold.png")));
        var json = File.ReadAllText(Path.Combine(folder.Path, "metrics.json"));
        Assert.Contains("β", json);   // units are written as read, not \u escaped
    }

    [Theory]
    [InlineData("vae")]
    [InlineData("vq-vae")]
    public void A_resumed_run_matches_the_uninterrupted_run_exactly(string family)
    {
        // The VAE's noise comes from the per-epoch seeded generator; the VQ-VAE's revival counters travel in the weights.
        var spec = family == "vae" ? TinyVae : TinyVq with { Vq = TinyVq.Vq! with { ReviveEvery = 3 } };
        SessionResult Run(string output, int epochs, bool resume)
        {
            using var train = TestData.LowRank(count: 96, size: 64);
            return SessionRuns.Into(output, new TrainingSession
            {
                Spec = spec, Train = train, DataName = "low-rank",
                Options = new TrainingOptions { Epochs = epochs, BatchSize = 16, Seed = 4 },
            }, resume, checkpoint: false);
        }
        using var folder = new TempFolder();
        var straight = Run(folder["straight"], 4, resume: false);
        Run(folder["split"], 2, resume: false).Model.Dispose();
        var resumed = Run(folder["split"], 4, resume: true);
        Assert.Equal(straight.Training.History.Epochs.Select(e => e.Loss), resumed.Training.History.Epochs.Select(e => e.Loss));
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder["straight"], ModelFolder.WeightsFile)),
                     File.ReadAllBytes(Path.Combine(folder["split"], ModelFolder.WeightsFile)));
        if (straight.Model is VectorQuantizedAutoencoder vq)
            Assert.True(vq.Quantizer.CodesRevived > 0, "no code was revived, so the test shows nothing about revival");
        straight.Model.Dispose();
        resumed.Model.Dispose();
    }

    [Fact]
    public void A_vae_refuses_a_loss_other_than_bce_before_writing_anything()
    {
        using var folder = new TempFolder();
        using var train = TestData.LowRank(count: 64, size: 64);
        var output = Path.Combine(folder.Path, "out");
        var session = new TrainingSession
        {
            Spec = TinyVae, Train = train, DataName = "low-rank",
            Options = new TrainingOptions { Epochs = 1, Loss = new ReconstructionLoss(LossKind.Mse) },
        };
        Assert.Throws<OptionException>(() => SessionRuns.Into(output, session));
        Assert.False(Directory.Exists(output));
    }
}
