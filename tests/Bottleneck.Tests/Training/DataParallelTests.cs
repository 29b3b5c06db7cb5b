using Bottleneck.Data;
using Bottleneck.DataParallel;
using Bottleneck.Kernels;
using Bottleneck.Models;
using Bottleneck.Models.Vae;
using Bottleneck.Objectives;
using Bottleneck.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Training;

/// <summary>
/// Data-parallel training (<see cref="DataParallelStep"/>): the gradient the workers add up is the full batch's, as
/// float64 computes it on the whole batch at once; BatchNorm's statistics and the KL sparsity target are the whole
/// batch's; a seed and a worker count repeat a run bit for bit; the kernel guard and its simulated faults work on the
/// workers' threads; a worker's error is reported, never a hang.
/// </summary>
public class DataParallelTests
{
    // ‖a − b‖ / ‖b‖ over a whole gradient tensor. Float32 against float64 on these small models measured 1e-7 to 1e-6;
    // BatchNorm statistics computed per worker instead of over the batch are off by 1e-2 or more (the control below).
    const double Tolerance = 1e-4;

    static readonly ModelSpec Dense = new() { Name = "dense", InputShape = [64], Encoder = [32, 16], Bottleneck = 8 };
    static readonly ModelSpec Normalised = Dense with { Name = "bn", BatchNorm = true };
    static readonly ModelSpec Sparse = new()
    {
        Name = "kl", InputShape = [64], Encoder = [], Bottleneck = 16, BottleneckActivation = "sigmoid",
        Penalties = new PenaltySpec { KlSparsity = new KlSparsitySpec { Rho = 0.05, Beta = 5 } },
    };

    /// <summary>
    /// Samples whose first and second halves differ (x and 1 − x): statistics taken over each worker's half alone are
    /// far from the whole batch's, so a test that compares with the whole batch would notice them.
    /// </summary>
    static Dataset Contrasting(int count)
    {
        using var low = TestData.LowRank(count);
        var x = low.Batch(0, count);
        var half = count / 2;
        var samples = cat([x.narrow(0, 0, half), 1 - x.narrow(0, half, count - half)], 0);
        return new Dataset("contrasting", samples.DetachFromDisposeScope());
    }

    static Autoencoder Build(ModelSpec spec, long seed = 3)
    {
        random.manual_seed(seed);
        return ModelFactory.Create(spec);
    }

    /// <summary>The gradient of the batch loss as <paramref name="workers"/> workers add it up, per parameter name, in float64.</summary>
    static Dictionary<string, Tensor> WorkerGradients(Autoencoder model, Dataset data, int workers, TrainingOptions options)
    {
        model.train();
        using var step = new DataParallelStep(model, workers);
        step.StartEpoch(k => 100 + k);
        using (NewDisposeScope())
            step.Backward(data, arange(data.Count, dtype: ScalarType.Int64), options);
        return Gradients(model);
    }

    static Dictionary<string, Tensor> Gradients(Autoencoder model) => model.named_parameters().Where(p => p.parameter.grad is not null)
        .ToDictionary(p => p.name, p => p.parameter.grad!.to_type(ScalarType.Float64).DetachFromDisposeScope());

    /// <summary>A float64 copy of <paramref name="model"/> (same weights and buffers), in training mode.</summary>
    static Autoencoder Float64Copy(ModelSpec spec, Autoencoder model)
    {
        var copy = Build(spec);
        copy.load_state_dict(model.state_dict());
        copy.to(ScalarType.Float64);
        copy.train();
        return copy;
    }

    static double Relative(Tensor a, Tensor reference) => (a - reference).norm().item<double>() / Math.Max(reference.norm().item<double>(), 1e-30);

    // A bias just before a BatchNorm has a gradient of exactly zero (the mean is subtracted again), which float32 gives
    // as rounding noise: each tensor's error is measured against its own norm or 1e-3 of the whole gradient's, the larger.
    static void AssertClose(Dictionary<string, Tensor> gradients, Dictionary<string, Tensor> reference, string what)
    {
        Assert.Equal(reference.Keys.Order(), gradients.Keys.Order());
        double whole = Math.Sqrt(reference.Values.Sum(g => g.square().sum().item<double>()));
        foreach (var (name, expected) in reference)
        {
            double error = (gradients[name] - expected).norm().item<double>() / Math.Max(expected.norm().item<double>(), 1e-3 * whole);
            Assert.True(error <= Tolerance, $"{what}: gradient of {name} off by {error:e2} relative to float64 on the whole batch");
        }
    }

    [Theory]
    [InlineData("dense", 2)]
    [InlineData("dense", 3)]      // 64 samples: slices of 22, 21 and 21
    [InlineData("bn", 2)]
    [InlineData("bn", 3)]
    [InlineData("kl", 2)]
    public void Summed_worker_gradients_equal_the_full_batch_gradient_in_float64(string name, int workers)
    {
        var spec = name switch { "dense" => Dense, "bn" => Normalised, _ => Sparse };
        var options = new TrainingOptions();
        using var data = Contrasting(64);
        using var model = Build(spec);
        using var reference = Float64Copy(spec, model);
        using var scope = NewDisposeScope();
        var gradients = WorkerGradients(model, data, workers, options);
        var x = data.Batch(0, data.Count).to_type(ScalarType.Float64);
        reference.Loss(x, x, options.Loss).Total.backward();
        AssertClose(gradients, Gradients(reference), $"{name}, {workers} workers");
    }

    [Fact]
    public void Batchnorm_statistics_per_worker_would_give_a_different_gradient()
    {
        // The control for the test above: normalising each half of the batch with its own statistics (what a plain
        // BatchNorm does on each worker) moves the gradient far beyond the tolerance, so the test would catch it.
        var options = new TrainingOptions();
        using var data = TestData.LowRank(count: 64);
        using var model = Build(Normalised);
        using var reference = Float64Copy(Normalised, model);
        using var halves = Float64Copy(Normalised, model);
        using var scope = NewDisposeScope();
        var x = data.Batch(0, data.Count).to_type(ScalarType.Float64);
        reference.Loss(x, x, options.Loss).Total.backward();
        foreach (var half in new[] { x.narrow(0, 0, 32), x.narrow(0, 32, 32) })
            (halves.Loss(half, half, options.Loss).Total * 0.5).backward();
        var expected = Gradients(reference);
        var perWorker = Gradients(halves);
        Assert.True(expected.Keys.Max(k => Relative(perWorker[k], expected[k])) > 100 * Tolerance);
    }

    [Fact]
    public void Batchnorm_running_statistics_move_towards_the_whole_batchs_mean_and_variance()
    {
        // One step of the bn model on two workers; its first BatchNorm sees h = x W₀ᵀ + b₀, computed here in float64.
        using var data = TestData.LowRank(count: 50);
        using var model = Build(Normalised);
        using var scope = NewDisposeScope();
        var linear = (Linear)model.named_modules().Single(m => m.name == "encoder.0").module;
        var norm = (WholeBatchNorm)model.named_modules().Single(m => m.name == "encoder.1").module;
        var x = data.Batch(0, data.Count).to_type(ScalarType.Float64);
        var h = x.matmul(linear.weight.to_type(ScalarType.Float64).t()) + linear.bias!.to_type(ScalarType.Float64);
        var mean = h.mean([0]);
        var unbiased = h.var(0, unbiased: true);
        WorkerGradients(model, data, 2, new TrainingOptions());
        // running ← (1 − 0.01)·running + 0.01·batch value, from 0 and 1 (Keras's momentum 0.99)
        Assert.True(Relative(norm.running_mean!.to_type(ScalarType.Float64), 0.01 * mean) <= Tolerance);
        Assert.True(Relative(norm.running_var!.to_type(ScalarType.Float64), 0.99 + 0.01 * unbiased) <= Tolerance);
        Assert.Equal(1, norm.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void A_vaes_workers_draw_epsilon_from_their_own_streams_and_the_gradient_is_the_full_batchs()
    {
        // Worker k draws ε for its slice from the generator seeded 100 + k (the seeds WorkerGradients gives): the
        // float64 reference draws the same numbers, in float32 as the workers do, and runs the whole batch at once.
        var spec = new ModelSpec { Name = "vae", Family = VariationalAutoencoder.FamilyName, InputShape = [64], Encoder = [32], Bottleneck = 4 };
        var options = new TrainingOptions();
        using var data = TestData.LowRank(count: 30);
        using var model = Build(spec);
        using var reference = (VariationalAutoencoder)Float64Copy(spec, model);
        using var scope = NewDisposeScope();
        var gradients = WorkerGradients(model, data, 2, options);
        var epsilon = cat(new[] { 0, 1 }.Select(k =>
        {
            using var stream = new Generator((ulong)(100 + k));
            return randn([15, 4], generator: stream).to_type(ScalarType.Float64);
        }).ToArray(), 0);
        var x = data.Batch(0, data.Count).to_type(ScalarType.Float64);
        var (mu, logVar) = reference.Posterior(x);
        var logits = reference.DecodePreActivation(mu + (0.5 * logVar).exp() * epsilon);
        // −ELBO per image: BCE summed over the pixels + KL(N(μ, σ²) ‖ N(0, I)), averaged over the batch (§13.1)
        var loss = (nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.Sum)
                    - 0.5 * (1 + logVar - mu.square() - logVar.exp()).sum()) / x.shape[0];
        loss.backward();
        AssertClose(gradients, Gradients(reference), "vae, 2 workers");
    }

    [Fact]
    public void The_conv_preset_on_two_workers_matches_float64_and_a_wrong_kernel_is_still_replaced()
    {
        // The workers' threads check their convolutions too: channels last declared wrong in its weight gradient, every
        // conv2d falls back to the standard layout, and the gradient the workers add up is still right.
        using var simulated = SimulatedKernelFaults.Simulate("conv2d/channels_last/weight_grad");
        var spec = Presets.Get("conv").WithInputShape([12, 12]);
        var options = new TrainingOptions();
        using var data = TestData.Bytes(count: 10, side: 12);
        using var model = Build(spec);
        using var reference = Float64Copy(spec, model);
        using var scope = NewDisposeScope();
        var gradients = WorkerGradients(model, data, 2, options);
        var x = data.Batch(0, data.Count).to_type(ScalarType.Float64);
        reference.Loss(x, x, options.Loss).Total.backward();
        AssertClose(gradients, Gradients(reference), "conv, 2 workers, channels_last declared wrong");
        Assert.All(model.modules().OfType<CheckedConvolution>(), c => Assert.Equal(ConvolutionPath.Standard, c.PathInUse));
        Assert.Contains(KernelGuard.Decisions, d => d.IsFallback && d.Shape.Threads == 1 && d.Chosen == ConvolutionPath.Standard);
    }

    static (TrainingResult Result, Dictionary<string, Tensor> Weights) Train(ModelSpec spec, TrainingOptions options, Dataset data)
    {
        using var model = Build(spec, options.Seed);
        var result = new Trainer().Fit(model, data, null, options);
        return (result, model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope()));
    }

    [Theory]
    [InlineData("bn-dropout")]
    [InlineData("vae")]
    [InlineData("denoising")]
    public void A_seed_and_a_worker_count_repeat_a_run_bit_for_bit(string name)
    {
        // Dropout masks, a VAE's ε and fresh noise are drawn by every worker from its own stream.
        var (spec, options) = name switch
        {
            "bn-dropout" => (Normalised with { Dropout = 0.2 }, new TrainingOptions()),
            "vae" => (new ModelSpec { Name = "vae", Family = VariationalAutoencoder.FamilyName, InputShape = [64], Encoder = [32], Bottleneck = 4 }, new TrainingOptions()),
            _ => (Dense, new TrainingOptions { Corrupt = clean => new GaussianCorruption(0.3).Apply(clean) }),
        };
        options = options with { Epochs = 2, BatchSize = 50, Seed = 11, Workers = 2 };
        using var data = TestData.LowRank(count: 230);    // batches of 50 and a last one of 30
        var (first, a) = Train(spec, options, data);
        var (_, b) = Train(spec, options, data);
        var (_, otherSeed) = Train(spec, options with { Seed = 12 }, data);
        Assert.Equal(2, first.Workers);
        foreach (var (key, value) in a)
            Assert.True(value.Equals(b[key]), $"{name}: {key} differs between two runs with the same seed and 2 workers");
        Assert.Contains(a.Keys, key => !a[key].Equals(otherSeed[key]));
        Assert.True(first.History.Epochs[^1].Loss < first.History.Epochs[0].Loss * 1.05);
    }

    [Fact]
    public void Two_workers_train_as_well_as_one()
    {
        // The same mathematics up to float rounding and the random streams: after five epochs the losses agree closely.
        var options = new TrainingOptions { Epochs = 5, BatchSize = 32, Seed = 4, LearningRate = 3e-3 };
        using var data = TestData.LowRank(count: 256);
        var (one, _) = Train(Normalised, options, data);
        var (two, _) = Train(Normalised, options with { Workers = 2 }, data);
        Assert.Equal(1, one.Workers);
        Assert.Equal(2, two.Workers);
        Assert.Equal(one.History.Epochs[^1].Loss, two.History.Epochs[^1].Loss, 3);
        Assert.True(two.History.Epochs[^1].Loss < two.History.Epochs[0].Loss);
    }

    [Fact]
    public void A_vq_vae_trains_on_one_worker_and_says_why()
    {
        var spec = Presets.Get("vq-vae").WithInputShape([12, 12]);
        using var data = TestData.Bytes(count: 16, side: 12);
        var (result, _) = Train(spec, new TrainingOptions { Epochs = 1, BatchSize = 8, Workers = 2 }, data);
        Assert.Equal(1, result.Workers);
        Assert.Contains("codebook", result.OneWorkerReason);
    }

    [Fact]
    public void Training_on_workers_leaves_libtorchs_thread_setting_as_it_found_it()
    {
        int before = get_num_threads();
        set_num_threads(2);
        try
        {
            using var data = TestData.LowRank(count: 64);
            Train(Dense, new TrainingOptions { Epochs = 1, BatchSize = 16, Workers = 2 }, data);
            Assert.Equal(2, get_num_threads());
        }
        finally { set_num_threads(before); }
    }

    [Fact]
    public void A_worker_that_fails_is_reported_and_the_others_waiting_at_a_batchnorm_are_released()
    {
        // Worker 1 fails before its BatchNorm; worker 0 is then waiting there for worker 1's part of the statistics.
        var options = new TrainingOptions
        {
            Epochs = 1, BatchSize = 32, Workers = 2,
            Corrupt = clean => BatchShard.Current?.Index == 1 ? throw new BadInputException("worker 1 cannot read its slice") : clean,
        };
        using var data = TestData.LowRank(count: 64);
        var run = Task.Run(() => Train(Normalised, options, data));
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromMinutes(2)), "the step hung");
        var error = Assert.IsType<BadInputException>(run.Exception?.InnerException);
        Assert.Equal("worker 1 cannot read its slice", error.Message);
    }
}

/// <summary>The pieces under the data-parallel step: the crew of threads and the exchange that adds up over workers.</summary>
public class WorkerCrewTests
{
    [Fact]
    public void Each_worker_runs_once_per_round_on_its_own_thread_the_caller_being_worker_0()
    {
        using var crew = new WorkerCrew(3);
        for (int round = 0; round < 5; round++)
        {
            var threads = new int[3];
            crew.Run(k => threads[k] = Environment.CurrentManagedThreadId);
            Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);
            Assert.Equal(3, threads.Distinct().Count());
        }
    }

    [Fact]
    public void A_failure_is_rethrown_and_a_cancellation_it_caused_is_not_what_is_reported()
    {
        using var crew = new WorkerCrew(3);
        var error = Assert.Throws<InvalidOperationException>(() => crew.Run(k =>
        {
            if (k == 0) throw new OperationCanceledException("gave up because worker 2 failed");
            if (k == 2) throw new InvalidOperationException("worker 2 failed");
        }));
        Assert.Equal("worker 2 failed", error.Message);
        crew.Run(_ => { });   // the crew is still usable
    }

    [Fact]
    public void No_worker_passes_a_meeting_before_every_worker_has_reached_it()
    {
        using var crew = new WorkerCrew(3);
        foreach (var late in new[] { 0, 1, 2 })
        {
            var arrived = new int[3];
            var seenAfterFirst = new int[3];
            var seenAfterSecond = new int[3];
            crew.Run(k =>
            {
                if (k == late) Thread.Sleep(50);
                Interlocked.Exchange(ref arrived[k], 1);
                crew.Meet();
                seenAfterFirst[k] = Volatile.Read(ref arrived[0]) + Volatile.Read(ref arrived[1]) + Volatile.Read(ref arrived[2]);
                if (k == late) Thread.Sleep(50);
                Interlocked.Exchange(ref arrived[k], 2);
                crew.Meet();   // twice in a round
                seenAfterSecond[k] = Volatile.Read(ref arrived[0]) + Volatile.Read(ref arrived[1]) + Volatile.Read(ref arrived[2]);
            });
            Assert.All(seenAfterFirst, seen => Assert.True(seen >= 3, $"a worker passed the first meeting having seen {seen}"));
            Assert.All(seenAfterSecond, seen => Assert.Equal(6, seen));
        }
    }

    [Fact]
    public void A_worker_that_could_not_start_does_not_hold_up_a_meeting()
    {
        using var crew = new WorkerCrew(2, onStart: _ => throw new InvalidOperationException("worker 1 could not start"));
        var run = Task.Run(() => crew.Run(_ => crew.Meet()));
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromMinutes(1)), "the meeting hung");
        Assert.Equal("worker 1 could not start", Assert.IsType<InvalidOperationException>(run.Exception?.InnerException).Message);
    }

    [Fact]
    public void The_exchange_adds_in_worker_order_whatever_order_the_workers_arrive_in()
    {
        // In float32 (1e8 + 1) − 1e8 = 0 but (1e8 − 1e8) + 1 = 1: only worker order gives 0 every time.
        float[] parts = [1e8f, 1f, -1e8f];
        using var crew = new WorkerCrew(3);
        using var exchange = new ShardExchange();
        foreach (var late in new[] { 0, 1, 2 })
        {
            exchange.Reset(3);
            var sums = new float[3];
            crew.Run(k =>
            {
                if (k == late) Thread.Sleep(50);
                using var scope = NewDisposeScope();
                sums[k] = exchange.Sum(k, tensor(new[] { parts[k] })).item<float>();
            });
            Assert.All(sums, s => Assert.Equal(0f, s));
        }
    }

    [Fact]
    public void Outside_a_data_parallel_step_a_whole_batch_mean_is_the_plain_mean()
    {
        using var scope = NewDisposeScope();
        var x = arange(12, dtype: ScalarType.Float64).reshape(4, 3);
        Assert.Equal(new[] { 4.5, 5.5, 6.5 }, WholeBatch.Mean(x, [0]).data<double>().ToArray());
    }
}
