#!/usr/bin/python3
"""PyTorch's side of `gemm-shapes` (bench/Bottleneck.Bench/GemmShapes.cs): a Dense stack's matrix products, call form
by call form, on one thread, in the thread's CPU time (µs per call). Run with OpenBLAS, as the `compare` mode does:

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/pytorch/gemm_shapes.py \
        [--widths 784,128,64,32,64,128,784] [--batches 256,128]

Prints one JSON object shaped like the C# side's.
"""
import argparse
import json
import time

import torch


def timed(call, repeats=200):
    for _ in range(20):
        call()
    start = time.thread_time()
    for _ in range(repeats):
        call()
    return 1e6 * (time.thread_time() - start) / repeats


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--widths", default="784,128,64,32,64,128,784")
    parser.add_argument("--batches", default="256,128")
    args = parser.parse_args()
    torch.set_num_threads(1)
    widths = [int(w) for w in args.widths.split(",")]
    result = {"library": f"PyTorch {torch.__version__}", "widths": args.widths}
    for batch in (int(b) for b in args.batches.split(",")):
        rows, totals = [], {}
        for n_in, n_out in zip(widths, widths[1:]):
            x, w, b, dy = torch.randn(batch, n_in), torch.randn(n_out, n_in), torch.randn(n_out), torch.randn(batch, n_out)
            wt = w.t().contiguous()
            forms = {
                "linear": lambda: torch.nn.functional.linear(x, w, b),
                "addmm_wt_view": lambda: torch.addmm(b, x, w.t()),
                "addmm_wt_contiguous": lambda: torch.addmm(b, x, wt),
                "dx_dy_mm_w": lambda: dy.mm(w),
                "dw_dyt_mm_x": lambda: dy.t().mm(x),
                "dw_xt_mm_dy": lambda: x.t().mm(dy),
                "db_sum": lambda: dy.sum(0),
            }
            row = {"in": n_in, "out": n_out}
            for name, call in forms.items():
                us = timed(call)
                row[name] = round(us, 1)
                totals[name] = totals.get(name, 0.0) + us
            rows.append(row)
        result[f"batch_{batch}"] = {"layers": rows, "total_us": {k: round(v, 1) for k, v in totals.items()}}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
