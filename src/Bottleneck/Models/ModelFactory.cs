using Bottleneck.Models.Conv;
using Bottleneck.Models.Dense;
using Bottleneck.Models.Vae;
using Bottleneck.Models.Vq;

namespace Bottleneck.Models;

/// <summary>Builds a model from a spec, by family.</summary>
internal static class ModelFactory
{
    /// <summary>Every family, with the constructor that builds it from a spec (one line per family file).</summary>
    static readonly Dictionary<string, Func<ModelSpec, Autoencoder>> Builders = new()
    {
        ["dense"] = spec => new DenseAutoencoder(spec),
        ["tied"] = spec => new TiedAutoencoder(spec),
        [VariationalAutoencoder.FamilyName] = spec => new VariationalAutoencoder(spec),
        [VectorQuantizedAutoencoder.FamilyName] = spec => new VectorQuantizedAutoencoder(spec),
        ["conv"] = spec => new ConvolutionalAutoencoder(spec),
    };

    /// <summary>The family names a spec may use.</summary>
    public static IReadOnlyCollection<string> Families => Builders.Keys;

    /// <summary>
    /// A freshly initialised model for <paramref name="spec"/>, once its size is checked against the
    /// <see cref="ParameterBudget"/>; <paramref name="source"/> names the spec in errors.
    /// </summary>
    public static Autoencoder Create(ModelSpec spec, string source = "model spec")
    {
        if (!Builders.TryGetValue(spec.Family, out var build))
            throw new BadInputException($"{source}: unknown family '{spec.Family}' (expected {string.Join(", ", Builders.Keys)})");
        ParameterBudget.Check(spec, source);
        return build(spec);
    }
}
