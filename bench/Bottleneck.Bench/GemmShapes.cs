using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Bottleneck.Bench;

/// <summary>
/// The matrix products of a Dense stack's training step, one call form at a time, on one thread, in the thread's CPU
/// time (µs per call): the forward pass as <c>linear</c> (what nn.Linear runs), as <c>addmm</c> with the transposed
/// weight as a view and as a contiguous copy; the input gradient ∂x = ∂y W; the weight gradient as ∂yᵀ x (what
/// libtorch's linear backward computes) and as xᵀ ∂y (the gradient of a weight stored transposed); the bias gradient
/// Σ ∂y. bench/pytorch/gemm_shapes.py times the same calls in PyTorch with OpenBLAS, so that the two libraries' GEMMs
/// can be compared shape by shape.
///
///   dotnet run --project bench/Bottleneck.Bench -c Release -- gemm-shapes [784,128,64,32,64,128,784] [256,128]
/// </summary>
static class GemmShapes
{
    public static JsonObject Measure(int[] widths, int[] batches, int repeats = 200)
    {
        set_num_threads(1);
        var result = new JsonObject { ["library"] = "TorchSharp (libtorch " + __version__ + ")", ["widths"] = string.Join(",", widths) };
        foreach (var batch in batches)
        {
            var rows = new JsonArray();
            var totals = new Dictionary<string, double>();
            for (int l = 0; l + 1 < widths.Length; l++)
            {
                using var scope = NewDisposeScope();
                int inWidth = widths[l], outWidth = widths[l + 1];
                var x = randn(batch, inWidth);
                var w = randn(outWidth, inWidth);
                var b = randn(outWidth);
                var dy = randn(batch, outWidth);
                var wt = w.t().contiguous();
                var forms = new (string Name, Func<Tensor> Call)[]
                {
                    ("linear", () => nn.functional.linear(x, w, b)),
                    ("addmm_wt_view", () => addmm(b, x, w.t(), 1, 1)),
                    ("addmm_wt_contiguous", () => addmm(b, x, wt, 1, 1)),
                    ("dx_dy_mm_w", () => dy.mm(w)),
                    ("dw_dyt_mm_x", () => dy.t().mm(x)),
                    ("dw_xt_mm_dy", () => x.t().mm(dy)),
                    ("db_sum", () => dy.sum(0)),
                };
                var row = new JsonObject { ["in"] = inWidth, ["out"] = outWidth };
                foreach (var (name, call) in forms)
                {
                    double us = Time(call, repeats);
                    row[name] = Math.Round(us, 1);
                    totals[name] = totals.GetValueOrDefault(name) + us;
                }
                rows.Add(row);
            }
            var total = new JsonObject();
            foreach (var (name, us) in totals) total[name] = Math.Round(us, 1);
            result[$"batch_{batch}"] = new JsonObject { ["layers"] = rows, ["total_us"] = total };
        }
        return result;
    }

    static double Time(Func<Tensor> call, int repeats)
    {
        for (int r = 0; r < 20; r++) call().Dispose();
        double start = ThreadClock.Seconds();
        for (int r = 0; r < repeats; r++) call().Dispose();
        return 1e6 * (ThreadClock.Seconds() - start) / repeats;
    }
}
