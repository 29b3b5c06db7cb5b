using Bottleneck.Data;
using Bottleneck.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Models;

/// <summary>
/// The objective of a fully connected autoencoder (dense or tied) with chapter §3.3's penalties added to the reconstruction
/// loss: L2 on kernels, L1 on the code, KL sparsity and the contractive penalty. Each penalty is a named part of the loss,
/// so history.csv shows what it costs epoch by epoch.
/// </summary>
internal sealed class PenalisedObjective
{
    readonly PenaltySpec penalties;
    readonly IReadOnlyList<(string Name, Linear Layer, double Lambda)> kernels;
    readonly Linear? singleEncoderLayer;
    readonly ActivationKind codeActivation;
    readonly double leakySlope;

    /// <param name="penalties">The spec's penalties; null for none.</param>
    /// <param name="kernels">Every Dense layer whose kernel the L2 penalty may cover, by its state_dict prefix (each shared kernel once).</param>
    /// <param name="singleEncoderLayer">The encoder's only Dense layer when the code is σ(Wx + b), which allows the closed-form Jacobian; else null.</param>
    /// <param name="codeActivation">σ of the code layer.</param>
    /// <param name="leakySlope">Negative slope of leaky_relu.</param>
    /// <param name="source">Names the spec in error messages.</param>
    public PenalisedObjective(PenaltySpec? penalties, IReadOnlyList<(string Name, Linear Layer)> kernels, Linear? singleEncoderLayer,
        ActivationKind codeActivation, double leakySlope, string source)
    {
        this.penalties = penalties ?? new PenaltySpec();
        var names = kernels.Select(k => k.Name).ToList();
        var perLayer = this.penalties.L2Layers ?? [];
        foreach (var layer in perLayer.Keys)
            if (!names.Contains(layer))
                throw new BadInputException($"{source}: field 'penalties.l2_layers': no Dense layer named '{layer}' (expected one of {string.Join(", ", names)})");
        this.kernels = kernels.Select(k => (k.Name, k.Layer, perLayer.TryGetValue(k.Name, out var lambda) ? lambda : this.penalties.L2)).ToList();
        this.singleEncoderLayer = singleEncoderLayer;
        this.codeActivation = codeActivation;
        this.leakySlope = leakySlope;
    }

    /// <summary>True when no penalty is on: the objective is the plain reconstruction loss.</summary>
    public bool IsPlain => penalties.IsEmpty;

    /// <summary>The λ the L2 penalty applies to each kernel, by layer name (0 where it is off).</summary>
    public IReadOnlyDictionary<string, double> L2Lambdas => kernels.ToDictionary(k => k.Name, k => k.Lambda);

    /// <summary>True when ‖J_f‖_F is computed in closed form (one Dense encoder layer); otherwise automatic differentiation is used.</summary>
    public bool HasClosedFormJacobian => singleEncoderLayer is not null;

    /// <summary>Reconstruction loss plus every penalty that is on, each also returned as a named part.</summary>
    public LossTerms Loss(Autoencoder model, Tensor input, Tensor target, ReconstructionLoss loss)
    {
        Tensor code;
        Tensor? squaredJacobian = null;
        if (penalties.Contractive > 0 && singleEncoderLayer is null)
        {
            // The Jacobian needs a graph from x to h even during validation, which runs under no_grad.
            bool differentiable = is_grad_enabled();
            using var grad = enable_grad();
            var x = input.detach().reshape(input.shape[0], -1).requires_grad_(true);
            code = model.Encode(x);
            squaredJacobian = ContractivePenalty.SquaredNormAutograd(x, code, createGraph: differentiable);
            if (!differentiable) { code = code.detach(); squaredJacobian = squaredJacobian.detach(); }
        }
        else code = model.Encode(input);

        var preActivation = model.DecodePreActivation(code);
        var reconstruction = loss.Mean(preActivation, model.Output, target.reshape(preActivation.shape));
        var parts = new Dictionary<string, Tensor> { ["reconstruction"] = reconstruction };
        var total = reconstruction;

        if (kernels.Any(k => k.Lambda > 0))
            Add("l2", KernelL2Penalty.Of(kernels.Select(k => ((Tensor)k.Layer.weight!, k.Lambda))));
        if (penalties.L1Activity > 0)
            Add("l1_activity", ActivityL1Penalty.Of(code, penalties.L1Activity));
        if (penalties.KlSparsity is { } kl)
            Add("kl_sparsity", KlSparsityPenalty.Of(code, kl.Rho, kl.Beta));
        if (penalties.Contractive > 0)
        {
            squaredJacobian ??= ContractivePenalty.SquaredNormClosedForm(code, singleEncoderLayer!.weight!, codeActivation, leakySlope);
            Add("contractive", ContractivePenalty.Of(squaredJacobian, penalties.Contractive));
        }
        return new LossTerms(total, parts);

        void Add(string name, Tensor term)
        {
            parts[name] = term;
            total = total + term;
        }
    }

    /// <summary>
    /// Mean ‖J_f(x)‖_F over <paramref name="data"/> (the figure the contractive penalty lowers), or null when it would need
    /// automatic differentiation and the model has no contractive penalty (one backward pass per code unit is costly).
    /// </summary>
    public double? JacobianNorm(Autoencoder model, Dataset data, int batchSize = 500)
    {
        if (singleEncoderLayer is null && penalties.Contractive == 0) return null;
        model.eval();
        double sum = 0;
        foreach (var (start, count) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var batch = data.Batch(start, count).reshape(count, -1);
            Tensor squared;
            if (singleEncoderLayer is not null)
            {
                using var noGrad = no_grad();
                squared = ContractivePenalty.SquaredNormClosedForm(model.Encode(batch), singleEncoderLayer.weight!, codeActivation, leakySlope);
            }
            else
            {
                using var grad = enable_grad();
                var x = batch.requires_grad_(true);
                squared = ContractivePenalty.SquaredNormAutograd(x, model.Encode(x), createGraph: false);
            }
            sum += squared.detach().to_type(ScalarType.Float64).sqrt().sum().item<double>();
        }
        return sum / data.Count;
    }
}
