#!/usr/bin/python3
"""Trains a Bottleneck model with PyTorch's DistributedDataParallel: one process per CPU core, GPU or machine.

Each process builds the same module (bottleneck_torch.build) from a spec or model folder, optionally starts from a
model folder's weights, trains on its own shard of an .npy dataset while DDP averages the gradients, and process 0
saves the state_dict as safetensors, which `bottleneck import` turns back into a model folder:

    torchrun --nproc_per_node 2 tools/pytorch/train_ddp.py --spec runs/deep --init runs/deep \\
        --data x_train.npy --epochs 5 --out deep-ddp.safetensors
    bottleneck import --weights deep-ddp.safetensors --model deep --out runs/deep-ddp

Across machines, run the same torchrun line on each with --nnodes N --node_rank R --rdzv_endpoint HOST:PORT.
The objective is the toolkit's: BCE from logits (mean per element) for a sigmoid output, MSE otherwise; a VAE's
negative ELBO in nats per image (BCE summed over pixels + β·KL). The VQ-VAE's codebook revival is not reproduced here.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bottleneck_torch as bt  # noqa: E402


class Objective(nn.Module):
    """The training loss of one batch as a forward pass, so DDP sees every parameter used through its own forward."""

    def __init__(self, model, spec):
        super().__init__()
        self.model, self.spec = model, spec

    def forward(self, x):
        m, family = self.model, self.spec.get("family", "dense")
        if family == "vae":
            features = m.encoder(x.reshape((len(x),) + m.input_shape))
            mu, log_var = m.mu(features), m.log_var(features)
            z = mu + (0.5 * log_var).exp() * torch.randn_like(mu)           # z = μ + σ ⊙ ε (§13.1)
            logits = m.decoder(z).reshape(len(x), -1)
            reconstruction = F.binary_cross_entropy_with_logits(logits, x.reshape(len(x), -1), reduction="sum") / len(x)
            kl = -0.5 * (1 + log_var - mu.square() - log_var.exp()).sum() / len(x)
            return reconstruction + (self.spec.get("vae") or {}).get("beta", 1.0) * kl
        target = m.layout.to_chw(x) if family == "conv" else x.reshape(len(x), -1)
        pre_activation = m.decoder(m.encode(x))
        if self.spec.get("output_activation", "sigmoid") == "sigmoid":
            return F.binary_cross_entropy_with_logits(pre_activation, target)
        return F.mse_loss(m.output(pre_activation), target)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", required=True, help="a spec .json, model.json or model folder")
    parser.add_argument("--input-shape", type=lambda t: [int(d) for d in t.split(",")], help="when the spec has none")
    parser.add_argument("--init", help="a model folder (or .safetensors) to start from; default: PyTorch's initialisation")
    parser.add_argument("--data", required=True, help=".npy of samples; uint8 is scaled by 1/255 as the toolkit does")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=256, help="per process")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True, help="where process 0 writes the state_dict (.safetensors)")
    args = parser.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if cuda else torch.device("cpu")
    torch.manual_seed(args.seed)  # DDP also broadcasts process 0's weights at the start

    spec = bt.read_spec(args.spec, args.input_shape)
    if spec.get("family") == "vq-vae":
        sys.exit("train_ddp.py: the vq-vae family's codebook revival is not reproduced here; train it with bottleneck train")
    model = bt.build(spec).train()
    if args.init:
        path = os.path.join(args.init, "weights.safetensors") if os.path.isdir(args.init) else args.init
        model.load_state_dict(bt.read_safetensors(path)[0], strict=True)
    model.to(device)
    objective = DistributedDataParallel(Objective(model, spec), device_ids=[device.index] if cuda else None)

    x = np.load(args.data)
    x = torch.from_numpy(x.astype(np.float32) / 255 if x.dtype == np.uint8 else x.astype(np.float32))
    sampler = DistributedSampler(TensorDataset(x), num_replicas=world, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(TensorDataset(x), batch_size=args.batch_size, sampler=sampler)
    optimiser = torch.optim.Adam(objective.parameters(), lr=args.lr)
    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)  # a different shuffle each epoch, the same on every process
        total = torch.zeros(2, device=device)
        for (batch,) in loader:
            loss = objective(batch.to(device))
            optimiser.zero_grad()
            loss.backward()       # DDP averages the gradients of all processes here
            optimiser.step()
            total += torch.stack([loss.detach() * len(batch), torch.tensor(float(len(batch)), device=device)])
        dist.all_reduce(total)
        if rank == 0:
            print(f"epoch {epoch + 1}/{args.epochs}: loss {float(total[0] / total[1]):.5f} over {int(total[1])} samples on {world} processes", flush=True)
    if rank == 0:
        bt.write_safetensors(args.out, {k: v.cpu() for k, v in model.state_dict().items()},
                             {"format": "pt", "producer": f"torch {torch.__version__} DistributedDataParallel x{world}"})
        print(f"wrote {args.out}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
