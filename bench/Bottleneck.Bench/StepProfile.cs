using System.Globalization;
using System.Text.Json.Nodes;
using Bottleneck.Data;
using Bottleneck.Models;
using Bottleneck.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>
/// Where one training step's time goes, on one thread, measured in the thread's CPU time (robust on a busy machine):
/// the batch (index_select, scale), the forward pass and loss, the backward pass, the optimiser step, and for
/// comparison the same model's matrix products alone (each Dense layer's forward, input-gradient and weight-gradient
/// GEMM at the batch's shapes) and, for models with convolutions, every layer's time forward and backward (GFLOP/s
/// for the convolutions). The steps run twice: with TorchSharp's Adam.step and with the fused update the trainer uses.
/// </summary>
internal static class StepProfile
{
    public static JsonObject Measure(string preset, int steps, int batch = 256)
    {
        set_num_threads(1);
        using var mnist = DataSource.Load("mnist");
        var spec = Presets.Get(preset).WithInputShape(mnist.Train.SampleShape);
        var result = new JsonObject { ["model"] = preset, ["batch"] = batch, ["steps"] = steps };
        // The same steps twice: with TorchSharp's Adam.step, then with the fused update the trainer uses.
        foreach (var fusedUpdate in new[] { false, true })
        {
            random.manual_seed(1);
            using var model = ModelFactory.Create(spec);
            model.train();
            using var optimizer = Optimizers.Create(OptimizerKind.Adam, model.parameters(), 1e-3);
            var fused = fusedUpdate ? FusedAdam.For(optimizer) : null;
            var options = new TrainingOptions();
            using var order = randperm(mnist.Train.Count);
            var phases = new[] { "batch", "forward_and_loss", "backward", "zero_grad", "optimizer_step", "collection" };
            var seconds = new double[phases.Length];
            for (int s = -10; s < steps; s++)   // ten steps of warm-up, not counted
            {
                using var scope = NewDisposeScope();
                var t = new double[phases.Length + 1];
                t[0] = ThreadClock.Seconds();
                var indices = order.narrow(0, (long)(s + 10) * batch % (mnist.Train.Count - batch), batch);
                var x = mnist.Train.Batch(indices);
                t[1] = ThreadClock.Seconds();
                var loss = model.Loss(x, x, options.Loss).Total;
                t[2] = ThreadClock.Seconds();
                loss.backward();
                t[3] = ThreadClock.Seconds();
                optimizer.zero_grad();
                t[4] = ThreadClock.Seconds();
                if (fused is null) optimizer.step();
                else
                    for (int i = 0; i < fused.Parameters.Count; i++)
                        if (fused.Parameters[i].grad is { } g) fused.Update(i, [g]);
                t[5] = ThreadClock.Seconds();
                ScalarCollection.AfterStep(s + 11);
                t[6] = ThreadClock.Seconds();
                if (s >= 0) for (int p = 0; p < phases.Length; p++) seconds[p] += t[p + 1] - t[p];
            }
            double total = seconds.Sum();
            var parts = new JsonObject { ["ms_per_step"] = Math.Round(1e3 * total / steps, 3) };
            for (int p = 0; p < phases.Length; p++)
                parts[phases[p]] = new JsonObject { ["ms"] = Math.Round(1e3 * seconds[p] / steps, 3), ["percent"] = Math.Round(100 * seconds[p] / total, 1) };
            result[fusedUpdate ? "fused_adam" : "torchsharp_adam"] = parts;
            if (fusedUpdate)
            {
                result["dense_gemms_ms"] = Math.Round(1e3 * DenseGemms(model, batch, 20), 3);
                result["layers"] = Layers(model, mnist.Train, batch, 5);
            }
        }
        return result;
    }

    // The three GEMMs of every Dense layer at the batch's shapes (y = x Wᵀ + b; ∂x = ∂y W; ∂W = ∂yᵀ x), per step.
    static double DenseGemms(Autoencoder model, int batch, int repeats)
    {
        using var scope = NewDisposeScope();
        var layers = model.modules().OfType<Linear>().ToList();
        double start = ThreadClock.Seconds();
        for (int r = 0; r < repeats; r++)
            foreach (var l in layers)
            {
                using var inner = NewDisposeScope();
                var x = ones(batch, l.in_features);
                var dy = ones(batch, l.out_features);
                nn.functional.linear(x, l.weight, l.bias);
                dy.mm(l.weight);
                dy.t().mm(x);
            }
        return (ThreadClock.Seconds() - start) / repeats;
    }

    // Every layer of the model (as Layers() walks it), forward and backward on its own at the batch's shapes, per step.
    // A layer's input needs a gradient except the first layer's (the data): training computes none there either.
    static JsonArray Layers(Autoencoder model, Dataset data, int batch, int repeats)
    {
        var rows = new JsonArray();
        if (!model.modules().OfType<Bottleneck.Kernels.CheckedConvolution>().Any()) return rows;
        using var outer = NewDisposeScope();
        var inputs = new List<(string Name, nn.Module<Tensor, Tensor> Layer, Tensor Input)>();
        using (no_grad())
        {
            var x = data.Batch(0, batch).reshape([batch, .. model.InputShape]);
            foreach (var (name, layer, _) in model.Layers())
            {
                inputs.Add((name, layer, x));
                x = layer.forward(x);
            }
        }
        bool first = true;
        foreach (var (name, layer, input) in inputs)
        {
            using var scope = NewDisposeScope();
            var x = input.detach().clone();
            if (!first) x.requires_grad_();
            first = false;
            var dy = ones_like(layer.forward(x));
            double forward = 0, backward = 0;
            for (int r = -1; r < repeats; r++)
            {
                using var inner = NewDisposeScope();
                double t0 = ThreadClock.Seconds();
                var output = layer.forward(x);
                double t1 = ThreadClock.Seconds();
                if (output.requires_grad) autograd.backward([output], [dy]);
                double t2 = ThreadClock.Seconds();
                if (r >= 0) { forward += t1 - t0; backward += t2 - t1; }
            }
            forward /= repeats; backward /= repeats;
            var row = new JsonObject
            {
                ["layer"] = name,
                ["forward_ms"] = Math.Round(1e3 * forward, 3),
                ["backward_ms"] = Math.Round(1e3 * backward, 3),
            };
            if (layer is Bottleneck.Kernels.CheckedConvolution conv && conv.LastShape is { } shape)
            {
                long outH = dy.shape[2], outW = dy.shape[3];
                // multiply-adds: weights × output pixels (regular), weights × input pixels (transposed); backward twice forward
                double macs = conv.weight!.numel() * (conv.transposed ? shape.Height * shape.Width : outH * outW) * (double)batch;
                row["shape"] = shape.ToString();
                row["path"] = conv.PathInUse?.ToString();
                row["forward_gflops"] = Math.Round(2 * macs / forward / 1e9, 2);
                row["backward_gflops"] = Math.Round((x.requires_grad ? 4 : 2) * macs / backward / 1e9, 2);
            }
            rows.Add(row);
            layer.zero_grad();
        }
        return rows;
    }
}
