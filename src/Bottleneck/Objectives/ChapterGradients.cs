using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Objectives;

/// <summary>Weights of the chapter's single-hidden-layer autoencoder (§6.1): W (k×n), b (k), W* (n×k), c (n).</summary>
internal sealed record SigmoidAutoencoderWeights(Tensor W, Tensor B, Tensor WStar, Tensor C);

/// <summary>The forward pass of §6.1 for one example: a1 = Wx + b, h = σ(a1), a2 = W*h + c, x̂ = σ(a2).</summary>
internal sealed record SigmoidForwardPass(Tensor A1, Tensor H, Tensor A2, Tensor XHat);

/// <summary>
/// Gradients of one example's loss by the chapter's formulas: the output gradient ∂L/∂x̂, the deltas δ2 = ∂L/∂a2 and
/// δ1 = ∂L/∂a1, and the gradients of W, b, W*, c.
/// </summary>
internal sealed record SingleLayerGradients(Tensor OutputGradient, Tensor Delta2, Tensor Delta1, Tensor W, Tensor B, Tensor WStar, Tensor C);

/// <summary>
/// The backward passes of chapter §6 written out by hand, one formula a line, for one example as a column vector:
/// the single-hidden-layer sigmoid autoencoder with the squared-error loss (§6.1) and with binary cross-entropy
/// (§6.2), and the δ rule of a deeper sigmoid stack (§6.3). No autograd is used here; the tests check every line
/// against TorchSharp's autograd and against central finite differences. Losses are the chapter's sum forms, not the
/// per-element means training reports (divide by the number of elements to compare with those).
/// </summary>
internal static class ChapterGradients
{
    /// <summary>σ'(a) = σ(a)(1 − σ(a)) (§6.2).</summary>
    public static Tensor SigmoidDerivative(Tensor a)
    {
        var s = a.sigmoid();
        return s * (1 - s);
    }

    /// <summary>The forward pass of §6.1.</summary>
    public static SigmoidForwardPass Forward(SigmoidAutoencoderWeights w, Tensor x)
    {
        var a1 = w.W.matmul(x) + w.B;          // a1 = Wx + b
        var h = a1.sigmoid();                  // h = σ(a1)
        var a2 = w.WStar.matmul(h) + w.C;      // a2 = W*h + c
        return new SigmoidForwardPass(a1, h, a2, a2.sigmoid());   // x̂ = σ(a2)
    }

    /// <summary>L = Σ_j (x̂_j − x_j)², the sum form the gradients of §6.1 assume (§6.1).</summary>
    public static Tensor SquaredError(Tensor x, Tensor xHat) => (xHat - x).square().sum();

    /// <summary>L = −Σ_j [x_j log x̂_j + (1 − x_j) log(1 − x̂_j)] (§6.2).</summary>
    public static Tensor CrossEntropy(Tensor x, Tensor xHat) => -(x * xHat.log() + (1 - x) * (1 - xHat).log()).sum();

    /// <summary>The backward pass of §6.1: squared error through a sigmoid output and a sigmoid hidden layer.</summary>
    public static SingleLayerGradients SquaredErrorBackward(SigmoidAutoencoderWeights w, Tensor x)
    {
        var f = Forward(w, x);
        var dLdXHat = 2 * (f.XHat - x);                        // ∂L/∂x̂ = 2(x̂ − x)                  (§6.1)
        var delta2 = dLdXHat * SigmoidDerivative(f.A2);        // δ2 = 2(x̂ − x) ⊙ σ'(a2)            (§6.1)
        var dWStar = outer(delta2, f.H);                       // ∂L/∂W* = δ2 hᵀ                    (§6.1)
        var dc = delta2;                                       // ∂L/∂c = δ2       (not written in §6.1)
        var dLdh = w.WStar.t().matmul(delta2);                 // ∂L/∂h = (W*)ᵀ δ2                  (§6.1)
        var delta1 = dLdh * SigmoidDerivative(f.A1);           // δ1 = ∂L/∂h ⊙ σ'(a1)               (§6.1)
        var dW = outer(delta1, x);                             // ∂L/∂W = δ1 xᵀ                     (§6.1)
        var db = delta1;                                       // ∂L/∂b = δ1       (not written in §6.1)
        return new SingleLayerGradients(dLdXHat, delta2, delta1, dW, db, dWStar, dc);
    }

    /// <summary>The backward pass of §6.2: binary cross-entropy through a sigmoid output, where σ' cancels.</summary>
    public static SingleLayerGradients CrossEntropyBackward(SigmoidAutoencoderWeights w, Tensor x)
    {
        var f = Forward(w, x);
        var dLdXHat = (f.XHat - x) / (f.XHat * (1 - f.XHat));  // ∂L/∂x̂ = (x̂ − x) / (x̂(1 − x̂))       (§6.2)
        var delta2 = f.XHat - x;                               // ∂L/∂a2 = x̂ − x: σ'(a2) = x̂(1 − x̂) cancels (§6.2)
        var dWStar = outer(delta2, f.H);                       // ∂L/∂W* = (x̂ − x) hᵀ               (§6.2)
        var dc = delta2;                                       // ∂L/∂c = x̂ − x                     (§6.2)
        var delta1 = w.WStar.t().matmul(delta2) * SigmoidDerivative(f.A1);   // δ1 = [(W*)ᵀ(x̂ − x)] ⊙ σ'(a1) (§6.2)
        var dW = outer(delta1, x);                             // ∂L/∂W = δ1 xᵀ                     (§6.2)
        var db = delta1;                                       // ∂L/∂b = δ1                        (§6.2)
        return new SingleLayerGradients(dLdXHat, delta2, delta1, dW, db, dWStar, dc);
    }

    /// <summary>The forward pass of §6.3 through sigmoid layers: a_l = W_l h_{l−1} + b_l, h_l = σ(a_l), h_0 = x (§6.3).</summary>
    public static (Tensor[] A, Tensor[] H) DeepForward(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> biases, Tensor x)
    {
        var a = new Tensor[weights.Count];
        var h = new Tensor[weights.Count + 1];
        h[0] = x;
        for (int l = 0; l < weights.Count; l++)
        {
            a[l] = weights[l].matmul(h[l]) + biases[l];
            h[l + 1] = a[l].sigmoid();
        }
        return (a, h);
    }

    /// <summary>
    /// The δ rule of §6.3 for a stack of sigmoid layers with binary cross-entropy at the output; returns ∂L/∂W_l and
    /// ∂L/∂b_l for every layer, input side first.
    /// </summary>
    public static (Tensor[] Weights, Tensor[] Biases) DeepCrossEntropyBackward(IReadOnlyList<Tensor> weights, IReadOnlyList<Tensor> biases, Tensor x)
    {
        var (a, h) = DeepForward(weights, biases, x);
        int layers = weights.Count;
        var dW = new Tensor[layers];
        var db = new Tensor[layers];
        var delta = h[layers] - x;                                            // δ_L = x̂ − x                     (§6.3)
        for (int l = layers - 1; l >= 0; l--)
        {
            dW[l] = outer(delta, h[l]);                                       // ∂L/∂W_l = δ_l h_{l−1}ᵀ          (§6.3)
            db[l] = delta;                                                    // ∂L/∂b_l = δ_l                   (§6.3)
            if (l > 0) delta = weights[l].t().matmul(delta) * SigmoidDerivative(a[l - 1]);   // δ_l = [W_{l+1}ᵀ δ_{l+1}] ⊙ σ'(a_l) (§6.3)
        }
        return (dW, db);
    }
}
