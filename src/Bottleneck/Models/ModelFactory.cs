namespace Bottleneck.Models;

/// <summary>Builds a model from a spec, by family.</summary>
public static class ModelFactory
{
    /// <summary>A freshly initialised model for <paramref name="spec"/>.</summary>
    public static Autoencoder Create(ModelSpec spec) => spec.Family switch
    {
        "dense" => new DenseAutoencoder(spec),
        _ => throw new BadInputException($"model spec: unknown family '{spec.Family}' (expected dense)"),
    };
}
