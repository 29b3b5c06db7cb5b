using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;

namespace Bottleneck.Training;

/// <summary>Checks that a dataset's samples fit a model's input and a loss before any work starts.</summary>
internal static class DataFit
{
    /// <summary>Throws <see cref="BadInputException"/> when a sample of <paramref name="data"/> does not have the model's input size.</summary>
    public static void Check(Autoencoder model, Dataset data)
    {
        long expected = model.InputShape.Aggregate(1L, (a, b) => a * b);
        if (data.SampleSize != expected)
            throw new BadInputException($"{data.Name}: samples have shape [{string.Join(", ", data.SampleShape)}] ({data.SampleSize} values), " +
                $"but the model '{model.Spec.Name}' takes [{string.Join(", ", model.InputShape)}] ({expected} values)");
    }

    /// <summary>Rejects data the loss cannot take: NaN or infinity anywhere, and BCE on values outside [0, 1].</summary>
    public static void CheckValues(Dataset data, ReconstructionLoss loss)
    {
        long bad = data.FirstNonFinite();
        if (bad >= 0)
            throw new BadInputException($"{data.Name}: value {bad % data.SampleSize} of sample {bad / data.SampleSize} is NaN or infinite (expected finite numbers)");
        if (loss.Kind != LossKind.Bce) return;
        var (min, max) = data.Range();
        if (min < 0 || max > 1)
            throw new BadInputException($"{data.Name}: values span [{min:G4}, {max:G4}], but `loss` bce needs data in [0, 1] (use `loss` mse, or scale the data to [0, 1])");
    }
}
