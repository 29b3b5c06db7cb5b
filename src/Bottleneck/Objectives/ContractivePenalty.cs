using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Objectives;

/// <summary>
/// The contractive penalty of chapter §3.3.5, λ·‖J_f(x)‖²_F with J_f = ∂h/∂x the encoder's Jacobian, averaged over the
/// batch. Computed in closed form when the encoder is one Dense layer with an element-wise activation, where
/// J = diag(σ'(a))·W (Rifai et al. 2011), and by automatic differentiation for any other encoder.
/// </summary>
internal static class ContractivePenalty
{
    /// <summary>
    /// ‖J_f(x)‖²_F for each sample of a batch, for h = σ(Wx + b) with W [k, d]: Σ_i σ'(a_i)²·Σ_j W_ij². Sigmoid gives the
    /// chapter's Σ_i (h_i(1−h_i))² Σ_j W_ij², ReLU gives Σ_i 1[a_i &gt; 0] Σ_j W_ij². Returns [B].
    /// </summary>
    public static Tensor SquaredNormClosedForm(Tensor code, Tensor weight, ActivationKind activation, double leakySlope = 0.01)
    {
        var slope = ActivationSlope(code, activation, leakySlope);     // σ'(a_i), from h_i = σ(a_i)
        var rowNorms = weight.square().sum(1);                          // Σ_j W_ij², one per code unit
        // ‖J‖²_F = Σ_i Σ_j (σ'(a_i) W_ij)² = Σ_i σ'(a_i)² Σ_j W_ij²  (§3.3.5)
        return slope.square().matmul(rowNorms);
    }

    /// <summary>
    /// ‖J_f(x)‖²_F for each sample by automatic differentiation: one backward pass per code unit i gives row i of every
    /// sample's Jacobian, because the sum over the batch of h_i has ∂/∂x_b = ∂h_i(x_b)/∂x_b when samples do not interact
    /// (BatchNorm in training mode adds small cross-sample terms). <paramref name="input"/> must require gradients and
    /// <paramref name="code"/> must be computed from it. With <paramref name="createGraph"/> the result can itself be
    /// differentiated (for training). Returns [B].
    /// </summary>
    public static Tensor SquaredNormAutograd(Tensor input, Tensor code, bool createGraph)
    {
        // An error inside torch.autograd.grad aborts the process instead of throwing, so check what it needs first.
        if (!input.requires_grad) throw new ArgumentException("the input must require gradients", nameof(input));
        if (!code.requires_grad) throw new ArgumentException("the code must be computed from the input with gradients on", nameof(code));
        if (code.shape[0] != input.shape[0]) throw new ArgumentException($"batch sizes differ: code {code.shape[0]}, input {input.shape[0]}");
        long batch = code.shape[0];
        var flat = code.reshape(batch, -1);
        Tensor total = zeros(batch, dtype: input.dtype);
        for (long i = 0; i < flat.shape[1]; i++)
        {
            // ∂h_i/∂x for every sample at once: row i of each J_f(x_b)
            var row = torch.autograd.grad([flat.select(1, i).sum()], [input], retain_graph: true, create_graph: createGraph)[0];
            total = total + row.square().reshape(batch, -1).sum(1);
        }
        return total;
    }

    /// <summary>λ · mean over the batch of ‖J_f(x)‖²_F (the chapter sums over examples, §3.3.5; averaging keeps λ independent of the batch size).</summary>
    public static Tensor Of(Tensor squaredNorms, double lambda) => squaredNorms.mean() * lambda;

    /// <summary>σ'(a) written in terms of h = σ(a), for the element-wise activations of <see cref="ActivationKind"/>.</summary>
    public static Tensor ActivationSlope(Tensor code, ActivationKind activation, double leakySlope = 0.01) => activation switch
    {
        ActivationKind.Sigmoid => code * (1 - code),                         // σ' = h(1 − h)
        ActivationKind.Tanh => 1 - code.square(),                            // tanh' = 1 − h²
        ActivationKind.Relu => (code > 0).to_type(code.dtype),               // 1[a > 0] (h > 0 exactly when a > 0)
        ActivationKind.LeakyRelu => where(code > 0, ones_like(code), full_like(code, leakySlope)),
        ActivationKind.Elu => where(code > 0, ones_like(code), code + 1),    // elu'(a) = e^a = h + 1 for a ≤ 0
        _ => ones_like(code),                                                // linear
    };
}
