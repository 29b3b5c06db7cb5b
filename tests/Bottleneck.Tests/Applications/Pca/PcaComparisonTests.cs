using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Applications;

/// <summary>PCA beside an autoencoder at the same code size, against numpy on a hand-made 10 × 4 matrix.</summary>
public class PcaComparisonTests
{
    // X[i, j] = ((7i + 3j) mod 10)/10 + 0.05j, i < 10; T[i, j] = ((5i + 2j + 1) mod 10)/10, i < 5.
    static Dataset Train() => Matrix("train", 10, (i, j) => (i * 7 + j * 3) % 10 / 10.0 + 0.05 * j);
    static Dataset Test() => Matrix("test", 5, (i, j) => (i * 5 + j * 2 + 1) % 10 / 10.0);

    static Dataset Matrix(string name, int rows, Func<int, int, double> value)
    {
        var values = new float[rows * 4];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < 4; j++) values[i * 4 + j] = (float)value(i, j);
        return new Dataset(name, tensor(values, [rows, 4]).DetachFromDisposeScope());
    }

    [Fact]
    public void Pcas_figures_match_numpy_and_an_svd_fitted_pca_as_the_model_scores_the_same()
    {
        // numpy (float64), /usr/bin/python3:
        //   m = X.mean(0); w, V = np.linalg.eigh(np.cov(X.T)); W = V[:, argsort(w)[::-1]][:, :2]
        //   R = (T − m) @ W @ W.T + m; mse = ((R − T)**2).mean(); mae = abs(R − T).mean()
        //   bce = −(T log Rc + (1 − T) log(1 − Rc)).mean() with Rc = clip(R, 1e-7, 1 − 1e-7)
        //   ratio = w[:2].sum()/w.sum(); train_mse = w[2:].sum()·(n − 1)/(n·d)
        const double mse = 0.03279097384140711, mae = 0.16517220926874315, psnr = 14.842456852620451, bce = 0.6163356854680853;
        using var train = Train();
        using var test = Test();
        using var svd = PrincipalComponents.FitSvd(train, 2);
        using var model = svd.ToAutoencoder("pca-as-model");
        using var result = PcaComparison.Run(model, "hand-made", train, test, "test");

        Assert.Equal(2, result.CodeSize);
        Assert.Equal(2, result.PcaComponents);
        foreach (var figures in new[] { result.Pca, result.Autoencoder })
        {
            Assert.Equal(mse, figures.Mse, 5);
            Assert.Equal(mae, figures.Mae, 5);
            Assert.Equal(psnr, figures.Psnr, 3);
            Assert.Equal(bce, figures.Bce!.Value, 4);
        }
        Assert.Equal(2 * 4 + 4, result.Pca.Parameters);                 // components and mean
        Assert.Equal(4 * 2 + 2 + 2 * 4 + 4, result.Autoencoder.Parameters);  // the dense encoder and decoder
        Assert.Equal(0.804918360568153, result.PcaExplainedVarianceRatio, 6);
        Assert.Equal(0.01609423525312737, result.PcaTrainMse, 6);
    }

    [Fact]
    public void Bce_is_left_out_for_data_outside_zero_to_one_and_the_report_keeps_its_keys()
    {
        using var train = Train();   // it reaches 1.05
        using var svd = PrincipalComponents.FitSvd(train, 2);
        using var model = svd.ToAutoencoder();
        var stages = new List<StageProgress>();
        using var result = PcaComparison.Run(model, "hand-made", train, train, "train", progress: new Progress(stages));
        Assert.False(result.BceMeaningful);
        var json = result.ToJson(null);
        // As `bottleneck compare --json` printed them before the command was thinned.
        Assert.Equal(["data", "evaluated_on", "samples", "code_size", "pca", "autoencoder", "pca_components", "pca_explained_variance_ratio",
            "pca_train_mse", "model", "picture", "units"], json.Select(p => p.Key));
        Assert.Equal(["mse", "mae", "psnr", "bce", "parameters"], json["pca"]!.AsObject().Select(p => p.Key));
        Assert.Null(json["pca"]!["bce"]);
        Assert.Equal([PcaComparison.FitStage, PcaComparison.EvaluateStage], stages.Select(s => s.Stage).Distinct());
    }

    [Fact]
    public void A_given_pca_of_other_data_is_refused()
    {
        using var train = Train();
        using var wide = new Dataset("wide", rand(6, 5).DetachFromDisposeScope());
        using var own = PrincipalComponents.FitSvd(train, 2);
        using var model = own.ToAutoencoder();
        var error = Assert.Throws<OptionException>(() => PcaComparison.Run(model, "hand-made", train, train, "train", PrincipalComponents.FitSvd(wide, 2)));
        Assert.Equal("pca: the PCA takes samples of 5 values, but train has 4", error.Message);
    }

    sealed class Progress(List<StageProgress> reports) : IProgress<StageProgress>
    {
        public void Report(StageProgress value) => reports.Add(value);
    }
}
