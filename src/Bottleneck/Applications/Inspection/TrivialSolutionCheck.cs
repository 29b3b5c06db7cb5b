using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Objectives;
using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Inspection;

/// <summary>How <see cref="TrivialSolutionCheck"/> runs and where it draws its lines.</summary>
internal sealed record TrivialSolutionOptions
{
    /// <summary>Samples taken from the start of each split (training data for the loss and the linear fit, test data for the rest).</summary>
    public int Samples { get; init; } = 10_000;

    /// <summary>σ of the noisy-input test, x + σ·N(0, 1) (the chapter's 0.3, §7.4 and §12.4).</summary>
    public double NoiseSigma { get; init; } = 0.3;

    /// <summary>Clip the noisy input to the data's range ([0, 1] for images), so that a model that copies can copy it exactly.</summary>
    public bool Clip { get; init; } = true;

    /// <summary>Seeds the noise.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Training MSE below this fraction of the pixel variance counts as "near zero".</summary>
    public double NearZeroFraction { get; init; } = 0.02;

    /// <summary>A linear map from code to input explaining at least this fraction of the held-out variance counts as a copy.</summary>
    public double CopyR2 { get; init; } = 0.98;

    /// <summary>
    /// The output copies the noise when at least this fraction of it passes through (<see cref="NoisyInputCheck.NoiseGain"/>).
    /// Comparing the output's error against the noisy and the clean input alone misleads: clipped noise brightens a black
    /// background by about 0.4σ on average, which a blurry grey output is closer to and which many models answer with a
    /// brighter output, though none of the noise pattern passes through them.
    /// </summary>
    public double NoiseGainThreshold { get; init; } = 0.5;

    /// <summary>|correlation| at or above which a code unit is said to copy a pixel.</summary>
    public double PixelCopyCorrelation { get; init; } = 0.9;

    /// <summary>Checks the values a user can get wrong; throws <see cref="BadInputException"/>.</summary>
    public void Validate()
    {
        if (Samples < 2) throw new OptionException("samples", $"expected at least 2, got {Samples}");
        if (!(NoiseSigma > 0) || double.IsInfinity(NoiseSigma)) throw new OptionException("noise_sigma", $"expected a positive σ, got {NoiseSigma}");
    }
}

/// <summary>Training loss against the floor it could reach: MSE 0 for a perfect copy, BCE the data's own entropy (means per element).</summary>
internal sealed record TrainingLossCheck(int Samples, double? Bce, double? BceFloor, double Mse, double PixelVariance, double UnexplainedFraction, bool NearZero);

/// <summary>
/// How much of the input a linear read-out of the code recovers on held-out data (R²), and how closely single code units
/// follow single pixels (|correlation|). With no more fit samples than code values the read-out is underdetermined and
/// its R² understates a copy.
/// </summary>
internal sealed record CodeCopyCheck(long CodeValues, long InputValues, int FitSamples, int TestSamples, double LinearR2, double ReconstructionR2,
    double MeanUnitPixelCorrelation, double PixelsCopiedByOneUnit, int DeadUnits, bool CopiesInput)
{
    /// <summary>True when the linear map had fewer fit samples than unknowns per pixel (code values + 1).</summary>
    public bool Underdetermined => FitSamples <= CodeValues;
}

/// <summary>
/// The noisy-input test: the model sees x̃ = x + σ·N(0, 1); does its output stay with x̃ (copies the noise) or with x
/// (removes it)? <see cref="NoiseGain"/> is the fraction of the noise pattern that reaches the output, measured between two
/// independent noisy copies x̃₁, x̃₂ of each sample: Σ(x̂(x̃₁) − x̂(x̃₂))·(x̃₁ − x̃₂) / Σ(x̃₁ − x̃₂)². It is 1 for a copy and 0 for
/// a model that answers the noise's average effect (the brightening that clipping causes) but not the noise itself. It
/// decides <see cref="CopiesNoise"/>; <see cref="CloserToNoisy"/> is the chapter's plain comparison of the two errors of x̂(x̃₁).
/// </summary>
internal sealed record NoisyInputCheck(double Sigma, bool Clipped, double ClipLow, double ClipHigh, int Samples, double InputNoiseMse,
    double CleanReconstructionMse, double MseAgainstNoisy, double MseAgainstClean, double NoiseGain, bool CopiesNoise)
{
    /// <summary>The output is nearer the noisy input than the clean one (MSE against x̃ below MSE against x).</summary>
    public bool CloserToNoisy => MseAgainstNoisy < MseAgainstClean;
}

/// <summary>The three checks and the verdict drawn from them: "trivial", "suspicious" or "not_trivial".</summary>
internal sealed record TrivialSolutionReport(TrainingLossCheck TrainingLoss, CodeCopyCheck CodeCopy, NoisyInputCheck NoisyInput, string Verdict, string Explanation);

/// <summary>
/// The chapter's checks for an autoencoder that learned to copy its input instead of its structure (§3.2,
/// §7.4 pitfall 1, §12.4 Q2): training loss near zero, codes that are the input in disguise, and output that keeps the
/// noise of a noisy input. The noisy-input test decides; the other two support it.
/// </summary>
internal static class TrivialSolutionCheck
{
    const int BatchSize = 1000;

    /// <summary>Runs every check on the first <see cref="TrivialSolutionOptions.Samples"/> samples of each split.</summary>
    public static TrivialSolutionReport Run(Autoencoder model, Dataset train, Dataset test, TrivialSolutionOptions options)
    {
        options.Validate();
        model.eval();
        using var noGrad = no_grad();
        int fit = Math.Min(options.Samples, train.Count), held = Math.Min(options.Samples, test.Count);
        var trainingLoss = TrainingLoss(model, train, fit, options);
        var codeCopy = CodeCopy(model, train, fit, test, held, options);
        var noisy = NoisyInput(model, test, held, options);

        string verdict;
        int supporting = (trainingLoss.NearZero ? 1 : 0) + (codeCopy.CopiesInput ? 1 : 0);
        if (noisy.CopiesNoise && supporting > 0) verdict = "trivial";
        else if (noisy.CopiesNoise || supporting > 0) verdict = "suspicious";
        else verdict = "not_trivial";
        return new TrivialSolutionReport(trainingLoss, codeCopy, noisy, verdict, Explain(verdict, trainingLoss, codeCopy, noisy));
    }

    static TrainingLossCheck TrainingLoss(Autoencoder model, Dataset data, int count, TrivialSolutionOptions options)
    {
        var (min, max) = RangeOf(data, count);
        bool unitRange = min >= 0 && max <= 1;
        var bce = new ReconstructionLoss(LossKind.Bce);
        double bceSum = 0, floorSum = 0, mseSum = 0;
        using var moments = new PixelMoments();
        foreach (var (start, n) in Batches.Of(count, BatchSize))
        {
            using var scope = NewDisposeScope();
            var x = data.Batch(start, n);
            var flat = x.reshape(x.shape[0], -1);
            var pre = model.DecodePreActivation(model.Encode(x)).reshape(flat.shape);
            var reconstruction = model.Output.Apply(pre);
            mseSum += Sum((reconstruction - flat).square());
            if (unitRange)
            {
                bceSum += Sum(bce.Elementwise(pre, model.Output, flat));
                // A perfect copy x̂ = x still pays the data's own entropy −[x log x + (1−x) log(1−x)]: BCE cannot reach 0.
                floorSum += Sum(ReconstructionLoss.BceFromProbabilities(flat, flat));
            }
            moments.Add(flat);
        }
        double elements = (double)count * data.SampleSize;
        double mse = mseSum / elements, variance = moments.MeanVariance();
        double fraction = variance > 0 ? mse / variance : double.PositiveInfinity;
        return new TrainingLossCheck(count, unitRange ? bceSum / elements : null, unitRange ? floorSum / elements : null, mse, variance,
            fraction, fraction < options.NearZeroFraction);
    }

    static CodeCopyCheck CodeCopy(Autoencoder model, Dataset train, int fitCount, Dataset test, int testCount, TrivialSolutionOptions options)
    {
        long k = model.CodeShape.Aggregate(1L, (a, b) => a * b), d = train.SampleSize;
        // Least squares x ≈ A·h + c from sufficient statistics of the training codes (float64, so 10,000 × 1,024 is exact enough).
        using var hh = zeros([k, k], dtype: ScalarType.Float64);
        using var hx = zeros([k, d], dtype: ScalarType.Float64);
        using var sumH = zeros(k, dtype: ScalarType.Float64);
        using var sumX = zeros(d, dtype: ScalarType.Float64);
        foreach (var (start, n) in Batches.Of(fitCount, BatchSize))
        {
            using var scope = NewDisposeScope();
            var x = train.Batch(start, n);
            var (h, flat) = CodesAndInputs(model, x);
            hh.add_(h.t().matmul(h)); hx.add_(h.t().matmul(flat)); sumH.add_(h.sum([0])); sumX.add_(flat.sum([0]));
        }
        using var map = FitLinear(hh, hx, sumH, sumX, fitCount, out var intercept);

        double residual = 0, reconstructionResidual = 0;
        using var moments = new PixelMoments();
        using var testHh = zeros(k, dtype: ScalarType.Float64);
        using var testHx = zeros([k, d], dtype: ScalarType.Float64);
        using var testH = zeros(k, dtype: ScalarType.Float64);
        foreach (var (start, n) in Batches.Of(testCount, BatchSize))
        {
            using var scope = NewDisposeScope();
            var x = test.Batch(start, n);
            var (h, flat) = CodesAndInputs(model, x);
            residual += Sum((h.matmul(map) + intercept - flat).square());
            reconstructionResidual += Sum((model.Reconstruct(x).reshape(flat.shape).to_type(ScalarType.Float64) - flat).square());
            moments.Add(flat);
            testHh.add_(h.square().sum([0])); testHx.add_(h.t().matmul(flat)); testH.add_(h.sum([0]));
        }
        intercept.Dispose();
        double total = moments.TotalSquares();
        // R² = 1 − Σ‖x − x̂_linear‖² / Σ‖x − x̄‖² on samples the map was not fitted on.
        double linearR2 = total > 0 ? 1 - residual / total : double.NaN;
        double reconstructionR2 = total > 0 ? 1 - reconstructionResidual / total : double.NaN;

        // corr(h_i, x_j) = cov / (sd_i · sd_j); units and pixels that never vary (dead ReLUs, blank corners) are left out.
        using var scope2 = NewDisposeScope();
        double samples = testCount;
        var unitVar = testHh - testH.square() / samples;
        var pixelVar = moments.CentredSquares();
        var cov = testHx - testH.unsqueeze(1).matmul(moments.Sum.unsqueeze(0)) / samples;
        var liveUnits = unitVar > 1e-9 * samples;
        var livePixels = pixelVar > 1e-9 * samples;
        int dead = (int)(k - liveUnits.sum().item<long>());
        double meanUnitCorrelation = 0, pixelsCopied = 0;
        if (dead < k && livePixels.any().item<bool>())
        {
            var corr = (cov / (unitVar.clamp_min(1e-300).sqrt().unsqueeze(1) * pixelVar.clamp_min(1e-300).sqrt().unsqueeze(0))).abs();
            corr = corr.index_select(0, liveUnits.nonzero().squeeze(1)).index_select(1, livePixels.nonzero().squeeze(1));
            meanUnitCorrelation = corr.max(1).values.mean().item<double>();
            pixelsCopied = (corr.max(dim: 0).values >= options.PixelCopyCorrelation).to_type(ScalarType.Float64).mean().item<double>();
        }
        return new CodeCopyCheck(k, d, fitCount, testCount, linearR2, reconstructionR2, meanUnitCorrelation, pixelsCopied, dead,
            linearR2 >= options.CopyR2);
    }

    static NoisyInputCheck NoisyInput(Autoencoder model, Dataset test, int count, TrivialSolutionOptions options)
    {
        var (low, high) = RangeOf(test, count);
        using var generator = new Generator((ulong)options.Seed);
        double noiseSquares = 0, clean = 0, againstNoisy = 0, againstClean = 0, transfer = 0, differenceSquares = 0;
        foreach (var (start, n) in Batches.Of(count, BatchSize))
        {
            using var scope = NewDisposeScope();
            var x = test.Batch(start, n);
            // x̃ = x + σ·N(0, 1) (§7.4), clipped to the data's range unless asked not to
            Tensor Noisy()
            {
                var noisy = x + randn(x.shape, generator: generator) * options.NoiseSigma;
                return options.Clip ? noisy.clamp(low, high) : noisy;
            }
            var (noisy, other) = (Noisy(), Noisy());
            var outputNoisy = model.Reconstruct(noisy).reshape(x.shape);
            var outputOther = model.Reconstruct(other).reshape(x.shape);
            var outputClean = model.Reconstruct(x).reshape(x.shape);
            noiseSquares += Sum((noisy - x).square());
            clean += Sum((outputClean - x).square());
            againstNoisy += Sum((outputNoisy - noisy).square());
            againstClean += Sum((outputNoisy - x).square());
            // What two noise draws share (clipping's brightening) cancels in their difference; the pattern does not.
            var difference = noisy - other;
            transfer += Sum((outputNoisy - outputOther) * difference);
            differenceSquares += Sum(difference.square());
        }
        double elements = (double)count * test.SampleSize;
        double gain = differenceSquares > 0 ? transfer / differenceSquares : 0;
        return new NoisyInputCheck(options.NoiseSigma, options.Clip, low, high, count, noiseSquares / elements, clean / elements,
            againstNoisy / elements, againstClean / elements, gain, gain >= options.NoiseGainThreshold);
    }

    /// <summary>A = (HᵀH − n·h̄h̄ᵀ + εI)⁻¹(HᵀX − n·h̄x̄ᵀ), c = x̄ − Aᵀh̄; the tiny ridge ε keeps dead units from making it singular.</summary>
    static Tensor FitLinear(Tensor hh, Tensor hx, Tensor sumH, Tensor sumX, int n, out Tensor intercept)
    {
        using var scope = NewDisposeScope();
        var meanH = sumH / n;
        var meanX = sumX / n;
        var covHh = hh - meanH.unsqueeze(1).matmul(meanH.unsqueeze(0)) * n;
        var covHx = hx - meanH.unsqueeze(1).matmul(meanX.unsqueeze(0)) * n;
        long k = hh.shape[0];
        double ridge = 1e-8 * Math.Max(covHh.trace().item<double>() / k, 1e-12);
        var map = linalg.solve(covHh + eye(k, dtype: ScalarType.Float64) * ridge, covHx);
        intercept = (meanX - meanH.matmul(map)).MoveToOuterDisposeScope();
        return map.MoveToOuterDisposeScope();
    }

    static (Tensor Codes, Tensor Inputs) CodesAndInputs(Autoencoder model, Tensor x)
    {
        var h = model.Encode(x);
        return (h.reshape(h.shape[0], -1).to_type(ScalarType.Float64), x.reshape(x.shape[0], -1).to_type(ScalarType.Float64));
    }

    static (double Min, double Max) RangeOf(Dataset data, int count)
    {
        using var first = data.Slice(0, count);
        return first.Range();
    }

    static string F4(double v) => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture);

    static string Percent(double fraction) => (100 * fraction).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";

    static double Sum(Tensor t) => t.to_type(ScalarType.Float64).sum().item<double>();

    static string Explain(string verdict, TrainingLossCheck loss, CodeCopyCheck code, NoisyInputCheck noisy)
    {
        var errors = $"output vs noisy input MSE {F4(noisy.MseAgainstNoisy)}, vs clean input {F4(noisy.MseAgainstClean)}";
        var noiseWords = noisy.CopiesNoise
            ? $"On noisy input the output copies the noise: {Percent(noisy.NoiseGain)} of it passes through ({errors})"
            : $"On noisy input the output does not copy the noise: {Percent(noisy.NoiseGain)} of it passes through ({errors})";
        var lossWords = loss.NearZero
            ? $"the training MSE {loss.Mse.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)} is near zero ({Percent(loss.UnexplainedFraction)} of the pixel variance)"
            : $"the training MSE {loss.Mse.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)} leaves {Percent(loss.UnexplainedFraction)} of the pixel variance unexplained";
        var codeWords = code.CopiesInput
            ? $"a linear map from the {code.CodeValues}-value code recovers the input almost exactly (R² {code.LinearR2.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)})"
            : $"a linear map from the {code.CodeValues}-value code recovers R² {code.LinearR2.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} of the input";
        var head = verdict switch
        {
            "trivial" => "Trivial solution: the model copies its input.",
            "suspicious" => "Suspicious: some signs of copying.",
            _ => "Not trivial: the model does not copy its input.",
        };
        return $"{head} {noiseWords}; {lossWords}; {codeWords}.";
    }

    /// <summary>Running per-pixel sums for variances: Σx and Σx² over samples, in float64.</summary>
    sealed class PixelMoments : IDisposable
    {
        Tensor? sum, squares;
        long n;

        public Tensor Sum => sum!;

        public void Add(Tensor flat)
        {
            var x = flat.to_type(ScalarType.Float64);
            var s = x.sum([0]).detach();
            var q = x.square().sum([0]).detach();
            if (sum is null) { sum = s.clone(); squares = q.clone(); sum.DetachFromDisposeScope(); squares.DetachFromDisposeScope(); }
            else { sum.add_(s); squares!.add_(q); }
            n += flat.shape[0];
        }

        /// <summary>Σ_samples (x_j − x̄_j)² per pixel.</summary>
        public Tensor CentredSquares() => squares! - sum!.square() / n;

        /// <summary>Σ over pixels and samples of (x − x̄)², the total sum of squares of R².</summary>
        public double TotalSquares()
        {
            using var centred = CentredSquares();
            return centred.sum().item<double>();
        }

        /// <summary>Mean over pixels of each pixel's variance: the MSE of always predicting the mean image.</summary>
        public double MeanVariance() => TotalSquares() / ((double)n * sum!.shape[0]);

        public void Dispose() { sum?.Dispose(); squares?.Dispose(); }
    }
}
