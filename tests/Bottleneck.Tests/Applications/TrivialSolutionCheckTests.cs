using Bottleneck.Applications.Inspection;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Models.Dense;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>
/// The trivial-solution checks on linear autoencoders whose answer is known without training: the identity (copies
/// everything), a projection onto the data's own 4-D subspace (perfect but not a copy of noise), and a projection onto
/// 2 of those 4 dimensions (neither).
/// </summary>
public class TrivialSolutionCheckTests
{
    const int Size = 64, Rank = 4;

    /// <summary>A linear autoencoder Size → code → Size with encoder weight <paramref name="encoder"/> [code, Size] and decoder its transpose.</summary>
    static DenseAutoencoder Linear(Tensor encoder)
    {
        var model = (DenseAutoencoder)ModelFactory.Create(new ModelSpec
        {
            InputShape = [Size], Bottleneck = (int)encoder.shape[0], BottleneckActivation = "linear", OutputActivation = "linear",
        });
        var enc = (Linear)model.EncoderLayers.children().First();
        var dec = (Linear)model.DecoderLayers.children().First();
        using (no_grad())
        {
            enc.weight!.copy_(encoder);
            dec.weight!.copy_(encoder.t());
            enc.bias!.zero_();
            dec.bias!.zero_();
        }
        return model;
    }

    /// <summary>An orthonormal basis [Rank, Size] of the subspace the low-rank test data lie in (through the origin).</summary>
    static Tensor DataBasis(Dataset data)
    {
        var (_, _, vh) = linalg.svd(data.Batch(0, data.Count).to_type(ScalarType.Float64), fullMatrices: false);
        return vh.narrow(0, 0, Rank).to_type(ScalarType.Float32);
    }

    static readonly TrivialSolutionOptions Options = new() { Samples = 400, Seed = 3 };

    [Fact]
    public void The_identity_is_trivial_on_every_count()
    {
        using var all = TestData.LowRank(1024, Size, Rank, seed: 7);
        using var train = all.Slice(0, 512);
        using var test = all.Slice(512, 512);
        using var model = Linear(eye(Size));
        var report = TrivialSolutionCheck.Run(model, train, test, Options);

        Assert.Equal("trivial", report.Verdict);
        Assert.True(report.TrainingLoss.NearZero);
        Assert.Equal(0, report.TrainingLoss.Mse, 10);
        Assert.Equal(400, report.TrainingLoss.Samples);
        Assert.True(report.CodeCopy.CopiesInput);
        Assert.Equal(1, report.CodeCopy.LinearR2, 4);
        Assert.Equal(1, report.CodeCopy.ReconstructionR2, 6);
        Assert.Equal(1, report.CodeCopy.MeanUnitPixelCorrelation, 4);     // unit i is pixel i
        Assert.Equal(1, report.CodeCopy.PixelsCopiedByOneUnit, 6);
        Assert.True(report.NoisyInput.CopiesNoise);
        Assert.Equal(0, report.NoisyInput.MseAgainstNoisy, 10);           // the output is the noisy input
        Assert.Equal(report.NoisyInput.InputNoiseMse, report.NoisyInput.MseAgainstClean, 6);
        Assert.Equal(1, report.NoisyInput.NoiseGain, 5);
        Assert.True(report.NoisyInput.CloserToNoisy);
        Assert.True(report.NoisyInput.Clipped);
        Assert.False(report.CodeCopy.Underdetermined);
        Assert.StartsWith("Trivial solution", report.Explanation);
    }

    [Fact]
    public void A_projection_onto_the_datas_own_subspace_removes_noise_but_looks_suspicious()
    {
        using var all = TestData.LowRank(1024, Size, Rank, seed: 7);
        using var train = all.Slice(0, 512);
        using var test = all.Slice(512, 512);
        using var basis = DataBasis(train);
        using var model = Linear(basis);
        var report = TrivialSolutionCheck.Run(model, train, test, Options with { Clip = false });

        // Zero loss and a code that linearly gives back the input (the chapter's red flags), but the noise outside
        // the 4-D subspace is removed: 4 of 64 noise directions pass, so the gain is about 4/64.
        Assert.Equal("suspicious", report.Verdict);
        Assert.True(report.TrainingLoss.NearZero);
        Assert.True(report.CodeCopy.CopiesInput);
        Assert.False(report.NoisyInput.CopiesNoise);
        Assert.InRange(report.NoisyInput.NoiseGain, 0.04, 0.09);
        Assert.Equal(4, report.CodeCopy.CodeValues);
    }

    [Fact]
    public void A_projection_onto_part_of_the_subspace_is_not_trivial()
    {
        using var all = TestData.LowRank(1024, Size, Rank, seed: 7);
        using var train = all.Slice(0, 512);
        using var test = all.Slice(512, 512);
        using var basis = DataBasis(train);
        using var model = Linear(basis.narrow(0, 0, 2));
        var report = TrivialSolutionCheck.Run(model, train, test, Options);

        Assert.Equal("not_trivial", report.Verdict);
        Assert.False(report.TrainingLoss.NearZero);
        Assert.False(report.CodeCopy.CopiesInput);
        Assert.False(report.NoisyInput.CopiesNoise);
        Assert.True(report.NoisyInput.MseAgainstClean < report.NoisyInput.MseAgainstNoisy);
        Assert.InRange(report.CodeCopy.LinearR2, 0, 0.98);
        // The model's own reconstruction is a linear read-out of its code, so the best linear map does at least as well.
        Assert.True(report.CodeCopy.LinearR2 >= report.CodeCopy.ReconstructionR2 - 1e-6);
    }

    [Fact]
    public void A_constant_output_near_the_noisy_background_does_not_count_as_copying()
    {
        // Mostly black images and a model that always outputs grey 0.3: clipped noise brightens the background, so the
        // output is closer to the noisy input than to the clean one, yet none of the noise reaches it.
        using var generator = new TorchSharp.torch.Generator(4);
        var pixels = (rand([1024, Size], generator: generator) > 0.85f).to_type(ScalarType.Float32);
        pixels.DetachFromDisposeScope();
        using var all = new Dataset("dark", pixels);
        using var train = all.Slice(0, 512);
        using var test = all.Slice(512, 512);
        using var model = Linear(zeros(2, Size));
        using (no_grad()) ((Linear)model.DecoderLayers.children().First()).bias!.fill_(0.3f);
        var report = TrivialSolutionCheck.Run(model, train, test, Options);

        Assert.True(report.NoisyInput.CloserToNoisy);
        Assert.Equal(0, report.NoisyInput.NoiseGain, 10);
        Assert.False(report.NoisyInput.CopiesNoise);
        Assert.Equal("not_trivial", report.Verdict);
        Assert.Equal(2, report.CodeCopy.DeadUnits);          // a code that never varies
        Assert.Equal(0, report.CodeCopy.MeanUnitPixelCorrelation);
    }

    [Fact]
    public void Bce_floor_is_the_entropy_of_the_data()
    {
        using var all = TestData.LowRank(1024, Size, Rank, seed: 7);
        using var train = all.Slice(0, 512);
        using var test = all.Slice(512, 512);
        using var model = Linear(eye(Size));
        var report = TrivialSolutionCheck.Run(model, train, test, Options);
        using var x = train.Batch(0, 400).to_type(ScalarType.Float64).clamp(1e-7, 1 - 1e-7);
        double entropy = (-(x * x.log() + (1 - x) * (1 - x).log())).mean().item<double>();
        Assert.Equal(entropy, report.TrainingLoss.BceFloor!.Value, 5);
        Assert.Equal(report.TrainingLoss.BceFloor!.Value, report.TrainingLoss.Bce!.Value, 5);   // a perfect copy sits on the floor
    }
}
