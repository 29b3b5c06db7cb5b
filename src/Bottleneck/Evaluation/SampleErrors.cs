using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Evaluation;

/// <summary>
/// Each sample's own reconstruction error, as a mean per element (per pixel) of MSE, BCE or MAE: the numbers behind the
/// chapter's worst-reconstructions listing (Problem 6, §12.6) and its error histogram (§7.3).
/// </summary>
internal static class SampleErrors
{
    /// <summary>The losses a per-sample error can be measured in.</summary>
    public static readonly IReadOnlyList<LossKind> Kinds = [LossKind.Mse, LossKind.Bce, LossKind.Mae];

    /// <summary>Parses mse, bce or mae; anything else is an <see cref="OptionException"/> naming the option <paramref name="field"/>.</summary>
    public static LossKind Parse(string text, string field = "error") => text.Trim().ToLowerInvariant() switch
    {
        "mse" => LossKind.Mse,
        "bce" => LossKind.Bce,
        "mae" => LossKind.Mae,
        _ => throw new OptionException(field, $"unknown error '{text}' (expected mse, bce or mae)"),
    };

    /// <summary>"MSE per pixel" and the like: the unit every figure and file of per-sample errors carries.</summary>
    public static string Unit(LossKind kind) => kind switch
    {
        LossKind.Bce => "BCE per pixel (nats, mean over the sample's pixels)",
        LossKind.Mae => "MAE per pixel (mean over the sample's pixels)",
        _ => "MSE per pixel (mean over the sample's pixels)",
    };

    /// <summary>"MSE", "BCE" or "MAE".</summary>
    public static string Short(LossKind kind) => kind.ToString().ToUpperInvariant();

    /// <summary>
    /// e_i = (1/d) Σ_j ℓ(x_ij, x̂_ij) for every sample i of <paramref name="data"/>, in float64, with the model in inference
    /// mode. BCE needs data in [0, 1]; a sigmoid output's BCE is computed from the logits, as training computes it.
    /// </summary>
    /// <exception cref="BadInputException">BCE asked for on data outside [0, 1].</exception>
    public static double[] Measure(Autoencoder model, Dataset data, LossKind kind = LossKind.Mse, int batchSize = 1000)
    {
        if (kind is not (LossKind.Mse or LossKind.Bce or LossKind.Mae))
            throw new OptionException("error", $"per-sample errors are mse, bce or mae, got {kind.ToString().ToLowerInvariant()}");
        if (kind == LossKind.Bce && data.Range() is var (min, max) && (min < 0 || max > 1))
            throw new OptionException("error", $"{data.Name} spans [{min:G4}, {max:G4}], but BCE needs data in [0, 1] (use `error` mse)") { Value = "bce" };
        var loss = new ReconstructionLoss(kind);
        model.eval();
        using var noGrad = no_grad();
        var errors = new double[data.Count];
        foreach (var (start, n) in Batches.Of(data.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            var x = data.Batch(start, n).reshape(n, -1);
            var pre = model.DecodePreActivation(model.Encode(x)).reshape(n, -1);
            // e_i = mean_j ℓ(x_ij, x̂_ij): the chapter's np.mean((x − x̂)², axis=1) for MSE (§12.6)
            loss.Elementwise(pre, model.Output, x).to_type(ScalarType.Float64).mean([1]).data<double>().CopyTo(errors, start);
        }
        return errors;
    }

    /// <summary>
    /// Indices of the <paramref name="count"/> largest errors, largest first (the chapter's argsort(errors)[-n:][::-1]);
    /// equal errors keep index order, so the result does not depend on the sort's stability.
    /// </summary>
    public static int[] Worst(double[] errors, int count) => Ranked(errors, count, descending: true);

    /// <summary>Indices of the <paramref name="count"/> smallest errors, smallest first; equal errors keep index order.</summary>
    public static int[] Best(double[] errors, int count) => Ranked(errors, count, descending: false);

    static int[] Ranked(double[] errors, int count, bool descending)
    {
        if (count < 1) throw new OptionException("count", $"expected at least 1, got {count}");
        var order = Enumerable.Range(0, errors.Length);
        var sorted = descending ? order.OrderByDescending(i => errors[i]).ThenBy(i => i) : order.OrderBy(i => errors[i]).ThenBy(i => i);
        return sorted.Take(count).ToArray();
    }
}
