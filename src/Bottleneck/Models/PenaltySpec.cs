using System.Text.Json.Serialization;

namespace Bottleneck.Models;

/// <summary>
/// The regularisation penalties of chapter §3.3 that a fully connected model (dense or tied) adds to its reconstruction
/// loss. Every field is off by default, so a spec without <c>penalties</c> trains the plain objective.
/// </summary>
internal sealed record PenaltySpec
{
    /// <summary>λ of an L2 penalty λ·ΣW² on every Dense kernel (not biases), as Keras's kernel_regularizer=l2(λ) (§3.3.2).</summary>
    [JsonPropertyName("l2")] public double L2 { get; init; }

    /// <summary>Per-layer λ for the L2 penalty, by layer name ("encoder.0", "decoder.2"), overriding <see cref="L2"/> for that layer.</summary>
    [JsonPropertyName("l2_layers")] public Dictionary<string, double>? L2Layers { get; init; }

    /// <summary>λ of an L1 penalty λ·Σ_j|h_j| on the code, averaged over the batch (Keras's activity_regularizer=l1(λ), §3.3.4).</summary>
    [JsonPropertyName("l1_activity")] public double L1Activity { get; init; }

    /// <summary>KL sparsity β·Σ_j KL(ρ‖ρ̂_j) on a sigmoid code (§3.3.4); null for none.</summary>
    [JsonPropertyName("kl_sparsity")] public KlSparsitySpec? KlSparsity { get; init; }

    /// <summary>λ of the contractive penalty λ·‖J_f(x)‖²_F, averaged over the batch (§3.3.5).</summary>
    [JsonPropertyName("contractive")] public double Contractive { get; init; }

    /// <summary>True when no penalty is switched on.</summary>
    [JsonIgnore] public bool IsEmpty => L2 == 0 && (L2Layers is null || L2Layers.Values.All(v => v == 0)) && L1Activity == 0
                                        && KlSparsity is null && Contractive == 0;

    /// <summary>Checks every weight; <paramref name="source"/> names the spec and <paramref name="codeActivation"/> is the code layer's activation.</summary>
    public void Validate(string source, string codeActivation)
    {
        CheckWeight(source, "penalties.l2", L2);
        if (L2Layers is not null)
            foreach (var (layer, lambda) in L2Layers) CheckWeight(source, $"penalties.l2_layers.{layer}", lambda);
        CheckWeight(source, "penalties.l1_activity", L1Activity);
        CheckWeight(source, "penalties.contractive", Contractive);
        if (KlSparsity is { } kl)
        {
            // KL(ρ‖ρ̂) needs ρ and every ρ̂_j strictly inside (0, 1): only a sigmoid code guarantees the latter.
            if (!(kl.Rho > 0 && kl.Rho < 1))
                throw new BadInputException($"{source}: field 'penalties.kl_sparsity.rho': expected a value in (0, 1), got {kl.Rho}");
            CheckWeight(source, "penalties.kl_sparsity.beta", kl.Beta);
            if (!string.Equals(codeActivation, "sigmoid", StringComparison.OrdinalIgnoreCase))
                throw new BadInputException($"{source}: field 'penalties.kl_sparsity': needs a sigmoid code (ρ̂ must lie in (0, 1)), but the code activation is {codeActivation} (set bottleneck_activation to sigmoid)");
        }
    }

    static void CheckWeight(string source, string field, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new BadInputException($"{source}: field '{field}': expected a finite weight ≥ 0, got {value}");
    }
}

/// <summary>Target mean activation ρ and weight β of the KL sparsity penalty (§3.3.4).</summary>
internal sealed record KlSparsitySpec
{
    /// <summary>Target mean activation ρ of each code unit; the chapter's example is 0.05.</summary>
    [JsonPropertyName("rho")] public double Rho { get; init; } = 0.05;

    /// <summary>Weight β (the chapter's λ) of Σ_j KL(ρ‖ρ̂_j) in the loss.</summary>
    [JsonPropertyName("beta")] public double Beta { get; init; } = 0.1;
}
