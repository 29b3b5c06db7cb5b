using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Bottleneck.Models.Vq;

/// <summary>What quantising a batch gives: z_q with the straight-through gradient, the chosen codes, and the two VQ losses.</summary>
/// <param name="Quantized">z_q = z_e + sg[e − z_e]: the code vectors e in the forward pass, the identity in the backward pass.</param>
/// <param name="Indices">The nearest code for each latent vector, int64, z_e's shape without the channel axis.</param>
/// <param name="CodebookLoss">‖sg[z_e] − e‖², mean over the code elements: moves the codes towards the encoder outputs.</param>
/// <param name="CommitmentLoss">‖z_e − sg[e]‖², mean over the code elements: keeps the encoder close to its codes (unweighted).</param>
internal sealed record Quantization(Tensor Quantized, Tensor Indices, Tensor CodebookLoss, Tensor CommitmentLoss);

/// <summary>
/// The VQ-VAE's bottleneck (chapter §13.3; van den Oord et al. 2017): each latent vector z_e (the channel axis of
/// the encoder's output) is replaced by its nearest vector e_k of a learned codebook of K vectors of dimension D.
/// Codes that no encoder output has chosen for <c>reviveEvery</c> training batches are dead (no loss term moves
/// them again), so they are moved onto random encoder outputs of the current batch; the very first training batch
/// does this for every code, which places the codebook on the data. PyTorch names: <c>codebook</c> [K, D], and the
/// int64 buffers <c>usage</c> [K], <c>batches_seen</c> [1], <c>codes_revived</c> [1].
/// </summary>
internal sealed class VectorQuantizer : nn.Module<Tensor, Tensor>
{
    readonly Parameter codebook;                                              // [K, D]
    readonly Tensor usage;                                                    // assignments per code since the last check
    [ComponentName(Name = "batches_seen")] readonly Tensor batchesSeen;       // training batches quantised so far
    [ComponentName(Name = "codes_revived")] readonly Tensor codesRevived;     // dead codes revived (not counting the first placement)
    readonly int reviveEvery;

    /// <summary>A codebook of <paramref name="codebookSize"/> codes of dimension <paramref name="codeSize"/>, uniform in ±1/K until the first training batch.</summary>
    public VectorQuantizer(int codebookSize, int codeSize, int reviveEvery) : base("VectorQuantizer")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codebookSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(codeSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(reviveEvery);
        this.reviveEvery = reviveEvery;
        codebook = new Parameter(empty(codebookSize, codeSize).uniform_(-1.0 / codebookSize, 1.0 / codebookSize));
        usage = zeros(codebookSize, dtype: ScalarType.Int64);
        batchesSeen = zeros(1, dtype: ScalarType.Int64);
        codesRevived = zeros(1, dtype: ScalarType.Int64);
        RegisterComponents();
    }

    /// <summary>K, the number of codes.</summary>
    public int CodebookSize => (int)codebook.shape[0];

    /// <summary>D, the dimension of each code vector.</summary>
    public int CodeSize => (int)codebook.shape[1];

    /// <summary>The codebook, [K, D] (the parameter itself).</summary>
    public Parameter Codebook => codebook;

    /// <summary>Dead codes revived during training so far, not counting the first placement of the codebook.</summary>
    public long CodesRevived => codesRevived.item<long>();

    /// <summary>Training batches quantised so far.</summary>
    public long BatchesSeen => batchesSeen.item<long>();

    /// <summary>The chosen codes of z_e [B, D, ...] as float32 [B, ...]: the code of a VQ-VAE, for the layer walk and Encode.</summary>
    public override Tensor forward(Tensor encoded) => Assign(encoded).to_type(ScalarType.Float32);

    /// <summary>The nearest code for each latent vector of z_e [B, D, ...], int64 [B, ...].</summary>
    public Tensor Assign(Tensor encoded) => Nearest(ToVectors(encoded)).reshape(SpatialShape(encoded));

    /// <summary>k = argmin_j ‖v − e_j‖² for each row v of <paramref name="vectors"/> [N, D] (§13.3 step 2).</summary>
    public Tensor Nearest(Tensor vectors)
    {
        using var noGrad = no_grad();
        // ‖v − e_j‖² = ‖v‖² − 2 v·e_j + ‖e_j‖²; ‖v‖² is the same for every j, so it cannot change the argmin.
        var distances = codebook.square().sum([1]).unsqueeze(0) - 2 * vectors.matmul(codebook.t());
        return distances.argmin(1);
    }

    /// <summary>
    /// Quantises z_e [B, D, ...]: the training path, with the straight-through estimator and the VQ losses. In
    /// training mode it also counts code usage and revives dead codes (before choosing, so revived codes serve at once).
    /// </summary>
    public Quantization Quantize(Tensor encoded)
    {
        var vectors = ToVectors(encoded);
        bool tracking = training && reviveEvery > 0;
        if (tracking && batchesSeen.item<long>() % reviveEvery == 0) ReviveDeadCodes(vectors);
        var indices = Nearest(vectors);
        var chosen = codebook.index_select(0, indices);
        // ‖sg[z_e] − e‖²: the codebook term, which only the codes feel (van den Oord et al. eq. 3, second term)
        var codebookLoss = F.mse_loss(chosen, vectors.detach());
        // ‖z_e − sg[e]‖²: the commitment term, which only the encoder feels (eq. 3, third term; weighted by β by the caller)
        var commitmentLoss = F.mse_loss(vectors, chosen.detach());
        // z_q = z_e + sg[e − z_e]: equals e going forward, passes ∂L/∂z_q straight to z_e going back
        var quantized = vectors + (chosen - vectors).detach();
        if (training)
            using (no_grad())
            {
                usage.add_(indices.bincount(null, CodebookSize));
                batchesSeen.add_(1);
            }
        return new Quantization(FromVectors(quantized, encoded), indices.reshape(SpatialShape(encoded)), codebookLoss, commitmentLoss);
    }

    /// <summary>The code vectors e_k for codes [B, ...] (integers in [0, K), any numeric dtype): z_q [B, D, ...].</summary>
    public Tensor Lookup(Tensor codes)
    {
        using (no_grad())
        {
            var min = codes.min().to_type(ScalarType.Float64).item<double>();
            var max = codes.max().to_type(ScalarType.Float64).item<double>();
            bool whole = codes.is_floating_point() ? codes.eq(codes.round()).all().item<bool>() : true;
            if (!whole || min < 0 || max > CodebookSize - 1)
                throw new BadInputException($"codes: a VQ-VAE code is a codebook index, a whole number in [0, {CodebookSize - 1}]; got values in [{min:G6}, {max:G6}]{(whole ? "" : " with fractions")}");
        }
        var indices = codes.to_type(ScalarType.Int64);
        var vectors = codebook.index_select(0, indices.flatten());              // [N, D]
        long[] spatial = indices.shape;
        if (spatial.Length == 1) return vectors;                                 // [B] codes of a dense bottleneck
        return vectors.reshape([.. spatial, CodeSize]).movedim([-1], [1]);           // [B, ..., D] → [B, D, ...]
    }

    /// <summary>
    /// The revival rule: codes with no assignment since the last check move onto distinct encoder outputs drawn at
    /// random (torch's global generator) from <paramref name="vectors"/>, and the usage counts start again.
    /// </summary>
    void ReviveDeadCodes(Tensor vectors)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var dead = usage.eq(0).nonzero().flatten();
        long deadCount = dead.shape[0], available = vectors.shape[0];
        if (deadCount > 0)
        {
            var draw = available >= deadCount ? randperm(available).narrow(0, 0, deadCount) : randint(0, available, [deadCount]);
            codebook.index_copy_(0, dead, vectors.detach().index_select(0, draw));
            if (batchesSeen.item<long>() > 0) codesRevived.add_(deadCount);
        }
        usage.zero_();
    }

    /// <summary>[B, D, ...] → [N, D] with one row per latent vector (channels last, then flattened).</summary>
    Tensor ToVectors(Tensor encoded)
    {
        if (encoded.dim() < 2 || encoded.shape[1] != CodeSize)
            throw new ArgumentException($"expected z_e of shape [B, {CodeSize}, ...], got [{string.Join(", ", encoded.shape)}]");
        return encoded.dim() == 2 ? encoded : encoded.movedim([1], [-1]).reshape(-1, CodeSize);
    }

    static Tensor FromVectors(Tensor vectors, Tensor like) =>
        like.dim() == 2 ? vectors : vectors.reshape([like.shape[0], .. like.shape[2..], like.shape[1]]).movedim([-1], [1]);

    static long[] SpatialShape(Tensor encoded) => [encoded.shape[0], .. encoded.shape[2..]];
}
