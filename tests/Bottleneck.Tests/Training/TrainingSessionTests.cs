using System.Globalization;
using System.Text;
using Bottleneck.Applications.Anomaly;
using Bottleneck.Applications.Compression;
using Bottleneck.Models;
using Bottleneck.Persistence;
using Bottleneck.Reporting;
using Bottleneck.Training;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Training;

/// <summary>
/// A training session trains and measures without writing a file; the run folder writes what it returns, and only the
/// checkpoints a caller asks for are ever saved (anomaly fit and sweep ask for none, so they have none to delete).
/// </summary>
public class TrainingSessionTests
{
    static readonly ModelSpec Small = new() { Name = "small", Encoder = [32], Bottleneck = 8 };

    [Fact]
    public void A_session_writes_nothing_and_measures_its_model_on_the_test_data()
    {
        using var data = TestData.LowRank(count: 300);
        using var train = data.Slice(0, 200);
        using var validation = data.Slice(200, 50);
        using var test = data.Slice(250, 50);
        // Anything the session wrote would land under the working directory or a path it was given; it is given none.
        var before = Snapshot(Environment.CurrentDirectory);

        var recorder = new Recorder();
        using var session = new TrainingSession
        {
            Spec = Small, Train = train, Validation = validation, Test = test, DataName = "low-rank",
            Options = new TrainingOptions { Epochs = 4, BatchSize = 32, Seed = 3 },
        };
        var result = session.Run([recorder]);
        using var model = result.Model;
        Assert.Equal(before, Snapshot(Environment.CurrentDirectory));

        // The trainer called the callback once per epoch, with every epoch so far, and at each improvement.
        Assert.Equal([1, 2, 3, 4], recorder.EndedEpochs);
        double best = double.PositiveInfinity;
        var improved = result.Training.History.Epochs.Where(e => { bool better = e.Monitored < best; if (better) best = e.Monitored; return better; }).Select(e => e.Epoch);
        Assert.Equal(improved, recorder.ImprovedEpochs);

        // The test figures, recomputed here in float64 from the model's reconstructions: the mean of (x − x̂)² and the
        // population standard deviation of the per-sample means.
        var metrics = result.Metrics;
        Assert.Equal("test", metrics.EvaluatedOn);
        using (no_grad())
        {
            model.eval();
            var x = test.Batch(0, test.Count).reshape(test.Count, -1).to_type(ScalarType.Float64);
            var xHat = model.Reconstruct(test.Batch(0, test.Count)).reshape(test.Count, -1).to_type(ScalarType.Float64);
            var perSample = (x - xHat).square().mean([1]).data<double>().ToArray();
            double mean = perSample.Average();
            Assert.Equal(mean, metrics.Test!.Mse, 6);
            Assert.Equal(Math.Sqrt(perSample.Average(v => (v - mean) * (v - mean))), metrics.Test.PerSampleMseStd, 6);
            Assert.Equal(10 * Math.Log10(1 / mean), metrics.Test.Psnr!.Value, 4);
        }
        Assert.Equal(result.Training.History.Epochs[^1].Loss, metrics.FinalLoss);
        Assert.Equal(model.TrainableParameterCount, metrics.Params);
    }

    [Fact]
    public void Every_check_comes_before_the_run_folder_exists()
    {
        using var folder = new TempFolder();
        using var data = TestData.LowRank(count: 64);
        using var session = new TrainingSession
        {
            Spec = Small with { Encoder = [] }, Train = data, DataName = "low-rank",
            Options = new TrainingOptions { Epochs = 1 },
            Pretraining = new LayerwisePretraining(1),   // a one-layer encoder has no pairs to pretrain
        };
        var e = Assert.Throws<OptionException>(() => SessionRuns.Into(folder["run"], session));
        Assert.Contains("single encoder layer", e.Message);
        Assert.False(Directory.Exists(folder["run"]));
    }

    [Fact]
    public void Anomaly_fit_writes_its_model_json_once_and_never_a_resume_or_checkpoint_folder()
    {
        using var folder = new TempFolder();
        var random = new Random(2);
        var csv = new StringBuilder("a,b,c,d,e,f\n");
        for (int i = 0; i < 200; i++)
            csv.AppendLine(string.Join(",", Enumerable.Range(0, 6).Select(_ => (10 + 3 * random.NextDouble()).ToString("F4", CultureInfo.InvariantCulture))));
        var output = folder["detector"];
        var observer = new FolderWatch(output);
        using var watcher = ModelJsonWrites(folder.Path, out var writes);
        var result = AnomalyFit.Run(new AnomalyFitRequest
        {
            Data = folder.Write("normal.csv", csv.ToString()), Spec = Presets.Get("basic"), SpecIsPreset = true,
            Threshold = AnomalyThreshold.From(95, null), Training = new TrainingOptions { Epochs = 3, BatchSize = 32 }, OutputDirectory = output,
        }, observer);
        result.Training.Model.Dispose();
        Thread.Sleep(300);

        Assert.Equal(3, observer.Epochs);
        Assert.Empty(observer.Seen);   // during training: no resume/, no checkpoint/
        Assert.False(Directory.Exists(Path.Combine(output, ResumeState.Folder)));
        Assert.False(Directory.Exists(Path.Combine(output, RunFolder.CheckpointFolder)));
        lock (writes) Assert.Single(writes);   // written once, with its threshold (the fit no longer re-reads and re-saves it)
        using var detector = AnomalyDetector.Load(output);
        Assert.Equal(result.Settings.Threshold, detector.Settings.Threshold);
        Assert.Equal(3, RunMetrics.Load(Path.Combine(output, RunFolder.MetricsFile)).EpochsRun);
    }

    [Fact]
    public void A_sweep_model_folder_never_holds_a_resume_folder()
    {
        using var folder = new TempFolder();
        var random = new Random(4);
        var csv = new StringBuilder(string.Join(",", Enumerable.Range(0, 16).Select(i => $"x{i}")) + "\n");
        for (int i = 0; i < 120; i++)
            csv.AppendLine(string.Join(",", Enumerable.Range(0, 16).Select(_ => random.NextDouble().ToString("F4", CultureInfo.InvariantCulture))));
        var output = folder["sweep"];
        var observers = new List<FolderWatch>();
        var rows = BottleneckSweep.Run(new SweepRequest
        {
            Data = folder.Write("rows.csv", csv.ToString()), Spec = Presets.Get("basic"), CodeSizes = [2, 4],
            Training = new TrainingOptions { Epochs = 2, BatchSize = 32 }, OutputDirectory = output,
        }, k => { var watch = new FolderWatch(Path.Combine(output, $"k{k}")); observers.Add(watch); return watch; });

        Assert.Equal([2, 4], rows.Select(r => r.CodeSize));
        Assert.All(observers, o => Assert.Equal(2, o.Epochs));
        Assert.All(observers, o => Assert.Empty(o.Seen));
        Assert.All(rows, r => Assert.False(Directory.Exists(Path.Combine(r.Folder, ResumeState.Folder))));
        Assert.All(rows, r => Assert.True(File.Exists(Path.Combine(r.Folder, RunFolder.MetricsFile))));
    }

    /// <summary>Every file under <paramref name="directory"/> with its size and last write time.</summary>
    static string[] Snapshot(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Select(f => $"{f.FullName} {f.Length} {f.LastWriteTimeUtc:O}").Order().ToArray();

    static FileSystemWatcher ModelJsonWrites(string directory, out List<string> writes)
    {
        var seen = writes = [];
        var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        // AtomicFile renames a finished temporary file onto the target: one rename per write.
        watcher.Renamed += (_, e) => { if (Path.GetFileName(e.FullPath) == "model.json") lock (seen) seen.Add(e.FullPath); };
        return watcher;
    }

    /// <summary>Records the callbacks' calls.</summary>
    sealed class Recorder : ITrainingCallback
    {
        public List<int> ImprovedEpochs { get; } = [];
        public List<int> EndedEpochs { get; } = [];
        public void Improved(Autoencoder model, EpochRecord record) => ImprovedEpochs.Add(record.Epoch);
        public void EpochEnded(Autoencoder model, IReadOnlyList<EpochRecord> epochs, optim.Optimizer optimizer)
        {
            Assert.Equal(Enumerable.Range(1, epochs.Count), epochs.Select(e => e.Epoch));
            EndedEpochs.Add(epochs[^1].Epoch);
        }
    }

    /// <summary>After each epoch, notes any resume or checkpoint folder inside the run folder.</summary>
    sealed class FolderWatch(string output) : ITrainingObserver
    {
        public int Epochs { get; private set; }
        public List<string> Seen { get; } = [];
        public void EpochStarted(int epoch, int epochs, int batches) { }
        public void BatchCompleted(int epoch, int batch, int batches, double? runningLoss) { }
        public void EpochCompleted(EpochRecord record, IReadOnlyList<string> events)
        {
            Epochs++;
            foreach (var name in new[] { ResumeState.Folder, RunFolder.CheckpointFolder })
                if (Directory.Exists(Path.Combine(output, name))) Seen.Add(name);
        }
    }
}
