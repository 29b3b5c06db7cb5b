namespace Bottleneck.Models;

/// <summary>The chapter's exact architectures, by name (GUIDE.md §1).</summary>
public static class Presets
{
    static readonly Dictionary<string, (ModelSpec Spec, string Description)> All = new(StringComparer.OrdinalIgnoreCase)
    {
        // §10.1: Dense(32, relu) -> Dense(784, sigmoid); 25,120 + 25,872 = 50,992 parameters (not the 51,072 of L841).
        ["basic"] = (new ModelSpec { Name = "basic", Encoder = [], Bottleneck = 32 },
            "§10.1 basic undercomplete autoencoder 784-32-784"),
        // §10.5 complete MNIST example (Webinar 1's deep AE): 222,384 parameters.
        ["deep"] = (new ModelSpec { Name = "deep", Encoder = [128, 64], Bottleneck = 32 },
            "§10.5 deep autoencoder 784-128-64-32-64-128-784"),
        // §10.2 build_deep_autoencoder: Dense -> BN -> ReLU -> Dropout(0.2) per hidden layer, none at the bottleneck.
        ["deep-bn"] = (new ModelSpec { Name = "deep-bn", Encoder = [512, 256, 128], Bottleneck = 32, BatchNorm = true, Dropout = 0.2 },
            "§10.2 deep autoencoder 784-512-256-128-32-128-256-512-784 with BatchNorm and Dropout 0.2"),
        // §8.1: a 2-D map needs a linear bottleneck (a ReLU would fold half the plane onto the axes).
        ["viz2d"] = (new ModelSpec { Name = "viz2d", Encoder = [256, 128], Bottleneck = 2, BottleneckActivation = "linear" },
            "§8.1 2-D visualisation autoencoder 784-256-128-2(linear)-128-256-784"),
    };

    /// <summary>Preset names with one-line descriptions, in a stable order.</summary>
    public static IEnumerable<(string Name, string Description)> List() => All.Select(p => (p.Key, p.Value.Description));

    /// <summary>True when <paramref name="name"/> is a preset.</summary>
    public static bool Exists(string name) => All.ContainsKey(name);

    /// <summary>The preset's spec, or a <see cref="BadInputException"/> that lists the known names.</summary>
    public static ModelSpec Get(string name) => All.TryGetValue(name, out var p) ? p.Spec
        : throw new BadInputException($"--model: unknown preset '{name}' (expected one of {string.Join(", ", All.Keys)}, a spec .json file, or a model folder)");
}
