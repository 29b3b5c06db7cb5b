using Bottleneck.Data;
using Bottleneck.Models;

namespace Bottleneck.Training;

/// <summary>Checks that a dataset's samples fit a model's input before any work starts.</summary>
public static class DataFit
{
    /// <summary>Throws <see cref="BadInputException"/> when a sample of <paramref name="data"/> does not have the model's input size.</summary>
    public static void Check(Autoencoder model, Dataset data)
    {
        long expected = model.InputShape.Aggregate(1L, (a, b) => a * b);
        if (data.SampleSize != expected)
            throw new BadInputException($"{data.Name}: samples have shape [{string.Join(", ", data.SampleShape)}] ({data.SampleSize} values), " +
                $"but the model '{model.Spec.Name}' takes [{string.Join(", ", model.InputShape)}] ({expected} values)");
    }
}
