using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Applications.Inspection;
using Bottleneck.Applications.Pca;
using Bottleneck.Data;
using Bottleneck.Persistence;
using Bottleneck.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace Bottleneck.Cli.Commands;

/// <summary>`bottleneck probe`: how useful raw pixels, PCA codes and an encoder's codes are to a classifier with few labels (§8.2).</summary>
public static class ProbeCommand
{
    public static Command Create()
    {
        var data = SharedOptions.Data(description: "Dataset the encoder was trained on (PCA is fitted on its training part); probed too unless --transfer-data is given");
        var model = new Option<string?>("--model", "-m") { Description = "A trained model folder whose encoder's codes are probed (without it: raw pixels and PCA only)" };
        var labels = new Option<int>("--labels") { Description = "Number of labelled training samples the classifiers learn from", DefaultValueFactory = _ => 1000 };
        var balanced = new Option<bool>("--balanced") { Description = "Take labels/C samples of each class instead of the first N training samples" };
        var components = new Option<int?>("--components", "-k") { Description = "PCA components (default: the model's code size, or 32 without a model)" };
        var transfer = new Option<string?>("--transfer-data") { Description = "Probe this dataset instead, with the encoder and PCA learned on --data (transfer, §8.2)" };
        var neighbours = new Option<int>("--neighbours") { Description = "k of k-nearest-neighbours", DefaultValueFactory = _ => 5 };
        var c = new Option<double>("--c") { Description = "Inverse L2 strength C of the softmax regression (sklearn's default 1)", DefaultValueFactory = _ => 1.0 };
        var json = SharedOptions.Json();
        var threads = SharedOptions.Threads();
        var fashion = SharedOptions.FashionMnist();
        var header = SharedOptions.CsvHeader();
        var label = SharedOptions.LabelColumn();
        var command = new Command("probe", """
            Feature learning as chapter §8.2 measures it: softmax regression (sklearn's LogisticRegression defaults:
            L2, C = 1; L-BFGS to sklearn's tolerance, without its 100-iteration cap) and 5-nearest-neighbours learn
            from the first N labelled training samples, on raw pixels, on PCA codes and on the encoder's codes;
            accuracy is measured on the whole test set. The unsupervised stage (PCA, the autoencoder) has seen every
            training image, without labels.

            Examples:
              bottleneck probe --data mnist --model runs/deep --labels 1000
              bottleneck probe --data mnist --model runs/deep --labels 1000 --transfer-data fashion-mnist
            """) { data, model, labels, balanced, components, transfer, neighbours, c, json, threads, fashion, header, label };
        command.SetAction(CommandRunner.Guard("probe", parsed =>
        {
            SharedOptions.ApplyThreads(parsed.GetValue(threads));
            int n = parsed.GetValue(labels);
            if (n < 1) throw new BadInputException($"--labels: expected a positive number of labelled samples, got {n}");
            int knnK = parsed.GetValue(neighbours);
            if (knnK < 1) throw new BadInputException($"--neighbours: expected at least 1, got {knnK}");
            double inverseStrength = parsed.GetValue(c);
            if (!(inverseStrength > 0)) throw new BadInputException($"--c: expected a positive number, got {inverseStrength}");
            if (parsed.GetValue(components) is int given && given < 1)
                throw new BadInputException($"--components: expected a positive number of components, got {given}");
            var options = SharedOptions.DataOptions(parsed, fashion, header, label);

            using var trained = parsed.GetValue(model) is { } folder ? ModelSource.TrainedWithInput(folder) : null;
            var encoder = trained?.Model;
            using var source = DataSource.Load(parsed.GetRequiredValue(data), options);
            using var transferred = parsed.GetValue(transfer) is { } other ? DataSource.Load(other, options) : null;
            var target = transferred ?? source;
            var targetTest = target.Test ?? throw new BadInputException($"{target.Name}: has no test part to measure accuracy on");
            if (encoder is not null)
            {
                DataFit.Check(encoder, source.Train);
                DataFit.Check(encoder, target.Train);
            }
            // The encoder sees the data as it was trained on it (the folder's scaler); raw pixels and PCA see it as read.
            // Prepared before any probe runs, so that data on another scale is refused before any work.
            using var trainInput = trained?.Prepare(target.Train);
            using var testInput = trained?.Prepare(targetTest);
            if (target.Train.SampleSize != source.Train.SampleSize)
                throw new BadInputException($"--transfer-data: {target.Name} has samples of {target.Train.SampleSize} values, but {source.Name} has {source.Train.SampleSize}");
            int k = parsed.GetValue(components) ?? (encoder is null ? 32 : checked((int)encoder.CodeShape.Aggregate(1L, (a, b) => a * b)));
            Pca.CheckComponents(k, source.Train.Count, source.Train.SampleSize);
            var selection = parsed.GetValue(balanced) ? LabelSelection.Balanced : LabelSelection.First;
            var labelled = FeatureProbe.LabelledIndices(target.Train, n, selection);
            var trainLabels = FeatureProbe.Labels(target.Train, labelled);
            var testLabels = FeatureProbe.Labels(targetTest);
            int classes = Math.Max(trainLabels.Max(), testLabels.Max()) + 1;

            var rows = new List<ProbeRow>();
            void Probe(string name, string fittedOn, Func<Dataset, int[]?, Tensor> features)
            {
                Console.Error.WriteLine($"probing {name}...");
                using var trainX = features(target.Train, labelled);
                using var testX = features(targetTest, null);
                rows.Add(FeatureProbe.Run(name, fittedOn, trainX, trainLabels, testX, testLabels, classes, knnK, inverseStrength));
            }
            Probe("raw pixels", "", FeatureProbe.Pixels);
            using (var pca = Pca.FitCovariance(source.Train, k))
                Probe($"PCA-{k}", source.Name, (d, i) => FeatureProbe.PcaCodes(pca, d, i));
            if (transferred is not null)
            {
                using var inDomain = Pca.FitCovariance(target.Train, k);
                Probe($"PCA-{k}", target.Name, (d, i) => FeatureProbe.PcaCodes(inDomain, d, i));
            }
            if (trained is not null)
                Probe($"encoder ({trained.Model.Spec.Name})", source.Name,
                    (d, i) => FeatureProbe.EncoderCodes(trained.Model, d == target.Train ? trainInput! : testInput!, i));

            var counts = new int[classes];
            foreach (var l in trainLabels) counts[l]++;
            if (parsed.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["data"] = source.Name,
                    ["probed"] = target.Name,
                    ["transfer"] = transferred is not null,
                    ["labels"] = n,
                    ["selection"] = selection == LabelSelection.First ? "first" : "balanced",
                    ["label_counts"] = new JsonArray(counts.Select(x => (JsonNode)x).ToArray()),
                    ["test_samples"] = testLabels.Length,
                    ["classifiers"] = new JsonObject
                    {
                        ["logistic"] = $"softmax regression, L2 with C = {inverseStrength.ToString(CultureInfo.InvariantCulture)} on the weights, intercepts unpenalised, L-BFGS to max |gradient| <= 1e-4 (sklearn's tol) of the objective mean cross-entropy + |W|^2/(2Cn), without sklearn's 100-iteration cap",
                        ["knn"] = $"{knnK}-nearest neighbours, Euclidean, majority vote (ties to the smallest label)",
                    },
                    ["results"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
                    {
                        ["features"] = r.Features,
                        ["fitted_on"] = r.FittedOn.Length == 0 ? null : r.FittedOn,
                        ["dimension"] = r.Dimension,
                        ["logistic_accuracy"] = r.LogisticAccuracy,
                        ["knn_accuracy"] = r.KnnAccuracy,
                        ["lbfgs_evaluations"] = r.Evaluations,
                        ["converged"] = r.Converged,
                        ["gradient_max"] = r.GradientMaxNorm,
                        ["seconds"] = Math.Round(r.Seconds, 2),
                    }).ToArray()),
                }.ToJsonString());
                return CommandRunner.Success;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .Title(Markup.Escape($"{target.Name}: {n:N0} labelled training samples ({(selection == LabelSelection.First ? "the first" : "balanced")}), accuracy on {testLabels.Length:N0} test samples"))
                .AddColumn("features").AddColumn("learned on").AddColumn(new TableColumn("dims").RightAligned())
                .AddColumn(new TableColumn("softmax regression").RightAligned()).AddColumn(new TableColumn($"{knnK}-NN").RightAligned());
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Features), Markup.Escape(r.FittedOn.Length == 0 ? "-" : r.FittedOn), r.Dimension.ToString(CultureInfo.InvariantCulture),
                    $"{100 * r.LogisticAccuracy:F2} %{(r.Converged ? "" : " (not converged)")}", $"{100 * r.KnnAccuracy:F2} %");
            AnsiConsole.Write(table);
            Console.WriteLine("The chapter's table (§8.2, MNIST, 1,000 labels, logistic regression): raw pixels 82 %, PCA-32 85 %, autoencoder 89 %.");
            return CommandRunner.Success;
        }));
        return command;
    }
}
