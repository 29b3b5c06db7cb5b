using Bottleneck.Models;
using Bottleneck.Models.Vq;
using Bottleneck.Objectives;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Models;

public class VectorQuantizerTests
{
    /// <summary>A quantizer whose codebook is (0, 0), (1, 0), (0, 1), (5, 5).</summary>
    static VectorQuantizer HandMade(int reviveEvery = 0)
    {
        var quantizer = new VectorQuantizer(codebookSize: 4, codeSize: 2, reviveEvery);
        SetCodebook(quantizer, new float[,] { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 5, 5 } });
        return quantizer;
    }

    static void SetCodebook(VectorQuantizer quantizer, float[,] codes)
    {
        using var noGrad = no_grad();
        using var values = tensor(codes);
        quantizer.Codebook.copy_(values);
    }

    [Fact]
    public void Each_vector_goes_to_its_nearest_code()
    {
        using var quantizer = HandMade();
        using var vectors = tensor(new float[,] { { 0.1f, 0.2f }, { 0.9f, -0.1f }, { 0.2f, 0.8f }, { 3, 3 }, { -1, -1 }, { 0.6f, 0.5f } });
        // (0.6, 0.5): squared distances 0.61 to (0,0), 0.41 to (1,0), 0.61 to (0,1) → code 1.
        Assert.Equal([0L, 1L, 2L, 3L, 0L, 1L], quantizer.Nearest(vectors).data<long>().ToArray());
    }

    [Fact]
    public void A_grid_of_latent_vectors_is_quantised_position_by_position()
    {
        using var quantizer = HandMade();
        // z_e [1, D = 2, 1, 3]: positions (0.9, 0.1), (0.1, 4.0), (4.5, 6.0) → codes 1, 2, 3.
        using var encoded = tensor(new float[] { 0.9f, 0.1f, 4.5f, 0.1f, 4.0f, 6.0f }, [1, 2, 1, 3]);
        Assert.Equal([1L, 2L, 3L], quantizer.Assign(encoded).data<long>().ToArray());
        using var looked = quantizer.Lookup(quantizer.forward(encoded));
        Assert.Equal([1f, 0f, 5f, 0f, 1f, 5f], looked.data<float>().ToArray());   // channel-first again: [1, 2, 1, 3]
        Assert.Equal([1L, 2L, 1L, 3L], looked.shape);
    }

    [Fact]
    public void Codebook_and_commitment_losses_match_a_hand_computation()
    {
        using var quantizer = HandMade();
        using var scope = NewDisposeScope();
        var vectors = tensor(new float[,] { { 0.1f, 0.2f }, { 0.9f, -0.1f } }).requires_grad_();
        var q = quantizer.Quantize(vectors);
        // Nearest codes (0, 0) and (1, 0); differences z_e − e = (0.1, 0.2) and (−0.1, −0.1);
        // squares 0.01 + 0.04 + 0.01 + 0.01 = 0.07 over 4 elements: both terms are 0.0175 in value.
        Assert.Equal(0.0175f, q.CodebookLoss.item<float>(), 6);
        Assert.Equal(0.0175f, q.CommitmentLoss.item<float>(), 6);

        // ‖sg[z_e] − e‖² moves only the codes: ∂/∂e_0 = 2(e_0 − z_0)/4 = (−0.05, −0.1), ∂/∂e_1 = (0.05, 0.05).
        q.CodebookLoss.backward(retain_graph: true);
        Assert.Null(vectors.grad);
        Assert.Equal([-0.05f, -0.1f, 0.05f, 0.05f, 0, 0, 0, 0], quantizer.Codebook.grad!.data<float>().ToArray(), new FloatTolerance(1e-6f));
        quantizer.Codebook.grad!.zero_();

        // β‖z_e − sg[e]‖² moves only the encoder: ∂/∂z = 2(z − e)/4 = (0.05, 0.1), (−0.05, −0.05).
        q.CommitmentLoss.backward();
        Assert.Equal([0.05f, 0.1f, -0.05f, -0.05f], vectors.grad!.data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.All(quantizer.Codebook.grad!.data<float>().ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void The_straight_through_estimator_passes_the_gradient_of_z_q_to_z_e()
    {
        using var quantizer = HandMade();
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var encoded = (rand([2, 2, 3, 3], generator: generator) * 6 - 1).requires_grad_();
        var q = quantizer.Quantize(encoded);
        // Forward: z_q holds the code vectors themselves.
        Assert.Equal(quantizer.Lookup(q.Indices).data<float>().ToArray(), q.Quantized.data<float>().ToArray());
        // Backward: for any f, ∂f/∂z_e equals ∂f evaluated at z_q (taken as a leaf).
        Tensor F(Tensor zq) => (zq.square() * 0.5 + zq.sin()).sum();
        F(q.Quantized).backward();
        var leaf = q.Quantized.detach().clone().requires_grad_();
        F(leaf).backward();
        Assert.Equal(leaf.grad!.data<float>().ToArray(), encoded.grad!.data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.NotEqual(0f, encoded.grad!.abs().sum().item<float>());
    }

    [Fact]
    public void A_dead_code_is_revived_onto_an_encoder_output_and_live_codes_stay()
    {
        using var quantizer = new VectorQuantizer(codebookSize: 4, codeSize: 2, reviveEvery: 2);
        quantizer.train();
        random.manual_seed(3);
        using var scope = NewDisposeScope();
        Tensor Cluster(int seed) // 30 vectors near (0, 0), (1, 0) and (0, 1)
        {
            using var generator = new Generator((ulong)seed);
            var centres = tensor(new float[,] { { 0, 0 }, { 1, 0 }, { 0, 1 } }).repeat(10, 1);
            return centres + 0.05f * randn([30, 2], generator: generator);
        }

        // Batch 1 (no batch seen yet): every code is unused, so the whole codebook moves onto batch-1 vectors.
        var first = Cluster(1);
        quantizer.Quantize(first);
        Assert.All(Enumerable.Range(0, 4), k => Assert.True(DistanceToNearest(quantizer.Codebook[k], first) < 1e-6f));
        Assert.Equal(0, quantizer.CodesRevived);   // the first placement is initialisation, not revival

        // Put three codes on the clusters and one far away, where nothing will choose it.
        SetCodebook(quantizer, new float[,] { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 100, 100 } });
        quantizer.Quantize(Cluster(2));                                   // batch 2 closes the window of batches 1-2
        quantizer.Quantize(Cluster(3));                                   // batch 3: check; code 3 was chosen in batch 1, so it stays
        Assert.Equal([100f, 100f], quantizer.Codebook[3].data<float>().ToArray());
        quantizer.Quantize(Cluster(4));                                   // batch 4: code 3 unused in batches 3-4
        var fifth = Cluster(5);
        var q = quantizer.Quantize(fifth);                                // batch 5: the check runs before choosing
        Assert.True(DistanceToNearest(quantizer.Codebook[3], fifth) < 1e-6f, "the dead code was not moved onto an encoder output");
        Assert.Equal([0f, 0f, 1f, 0f, 0f, 1f], quantizer.Codebook.narrow(0, 0, 3).data<float>().ToArray());
        Assert.Equal(1, quantizer.CodesRevived);
        Assert.Contains(3L, q.Indices.data<long>().ToArray());            // and it serves at once
        Assert.Equal(5, quantizer.BatchesSeen);
    }

    [Fact]
    public void Without_revival_a_dead_code_stays_dead()
    {
        using var quantizer = HandMade(reviveEvery: 0);
        quantizer.train();
        using var vectors = tensor(new float[,] { { 0.1f, 0.2f }, { 0.9f, -0.1f } });
        for (int i = 0; i < 3; i++) quantizer.Quantize(vectors);
        Assert.Equal([5f, 5f], quantizer.Codebook[3].data<float>().ToArray());
        Assert.Equal(0, quantizer.CodesRevived);
    }

    [Fact]
    public void Evaluation_does_not_count_usage_or_revive()
    {
        using var quantizer = new VectorQuantizer(codebookSize: 4, codeSize: 2, reviveEvery: 1);
        quantizer.eval();
        using var before = quantizer.Codebook.detach().clone();
        using var vectors = tensor(new float[,] { { 3, 3 } });
        quantizer.Quantize(vectors);
        Assert.Equal(before.data<float>().ToArray(), quantizer.Codebook.data<float>().ToArray());
        Assert.Equal(0, quantizer.BatchesSeen);
    }

    [Theory]
    [InlineData(4f)]
    [InlineData(-1f)]
    [InlineData(1.5f)]
    public void Codes_that_are_not_codebook_indices_are_refused(float code)
    {
        using var quantizer = HandMade();
        using var codes = tensor(new[] { 0f, code });
        var e = Assert.Throws<BadInputException>(() => quantizer.Lookup(codes));
        Assert.Contains("[0, 3]", e.Message);
    }

    [Fact]
    public void The_vq_vae_loss_is_reconstruction_plus_codebook_plus_beta_commitment()
    {
        random.manual_seed(2);
        using var model = (VectorQuantizedAutoencoder)ModelFactory.Create(new ModelSpec
        {
            Family = "vq-vae", InputShape = [8, 8], Bottleneck = 4, Vq = new VqSpec { CodebookSize = 8, ConvChannels = [4, 8], Commitment = 0.4 },
        });
        using var x = rand(3, 8, 8);
        model.eval();
        var terms = model.Loss(x, x, new ReconstructionLoss(LossKind.Bce));
        float reconstruction = terms.Parts["reconstruction"].item<float>();
        Assert.Equal(reconstruction + terms.Parts["codebook"].item<float>() + 0.4f * terms.Parts["commitment"].item<float>(), terms.Total.item<float>(), 5);
        // The reconstruction part is the ordinary per-pixel mean BCE of decoding the chosen codes.
        using var xHat = model.Reconstruct(x).reshape(3, 8, 8);
        Assert.Equal(ReconstructionLoss.BceFromProbabilities(xHat, x).mean().item<float>(), reconstruction, 4);
        Assert.Equal([3L, 2L, 2L], model.Encode(x).shape);
    }

    static float DistanceToNearest(Tensor code, Tensor vectors) => (vectors - code).square().sum([1]).min().item<float>();

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
