#!/usr/bin/python3
"""PyTorch's side of Bottleneck's speed comparison: the shortest honest training loop for the same models.

Mirrors bench/Bottleneck.Bench/BareLoop.cs: for each batch of 256 MNIST images, index_select on the uint8 images,
scale by 1/255, forward, loss (BCE from logits, mean per pixel; the VAE's negative ELBO in nats per image), backward,
Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7, Keras's as the toolkit uses). The models are the toolkit's presets with
the same layers and shapes (`bottleneck info --model NAME`), in PyTorch's default (NCHW) layout. A warm-up pass over
--warmup images is not timed. Prints one JSON object.

    /usr/bin/python3 bench/pytorch/reference_loop.py --model deep --threads 2 [--epochs 1] [--images 60000]

Runs with Debian's python3-torch (1.13 here); the benchmark (`compare` mode) calls it at 1 and 2 threads.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def mnist_images(root):
    path = os.path.join(root, "data", "mnist", "train-images-idx3-ubyte.gz")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    count = int.from_bytes(raw[4:8], "big")
    return torch.from_numpy(np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, 784).copy())


def dense(widths, batch_norm=False, dropout=0.0):
    """784 → widths → 32 → reversed(widths) → 784 logits; hidden layers Dense → [BN] → ReLU → [Dropout]."""

    def stack(sizes, relu_last):
        # Dense layers through `sizes`; every one but the last is a hidden block, the last gets a ReLU if asked.
        layers = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                if batch_norm:
                    layers.append(nn.BatchNorm1d(b, eps=1e-3, momentum=0.01))
                layers.append(nn.ReLU())
                if dropout:
                    layers.append(nn.Dropout(dropout))
            elif relu_last:
                layers.append(nn.ReLU())
        return layers

    # The encoder ends in the ReLU of the bottleneck; the decoder in logits.
    return nn.Sequential(*stack([784, *widths, 32], True), *stack([32, *reversed(widths), 784], False))


class Vae(nn.Module):
    """784 → 256 → (μ, log σ²: 32) → 256 → 784, as the vae preset."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 256), nn.ReLU())
        self.mu, self.log_var = nn.Linear(256, 32), nn.Linear(256, 32)
        self.decoder = nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 784))

    def loss(self, x):
        h = self.encoder(x)
        mu, log_var = self.mu(h), self.log_var(h)
        z = mu + (0.5 * log_var).exp() * torch.randn_like(mu)
        reconstruction = F.binary_cross_entropy_with_logits(self.decoder(z), x, reduction="sum")
        kl = -0.5 * (1 + log_var - mu.square() - log_var.exp()).sum()
        return (reconstruction + kl) / x.shape[0]


def conv():
    """The conv preset (§10.3): Conv(32) → MaxPool → Conv(32) → MaxPool | Conv(32) → Up → Conv(32) → Up → Conv(1)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.Upsample(scale_factor=2),
        nn.Conv2d(32, 1, 3, padding=1))


def conv_transpose():
    """The conv-transpose preset: Keras 'same' strided convs and transposed convs, padded and cropped as Keras does."""
    return nn.Sequential(
        nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(1, 32, 3, stride=2), nn.ReLU(),
        nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(32, 64, 3, stride=2), nn.ReLU(),
        nn.ConvTranspose2d(64, 64, 3, stride=2), nn.ZeroPad2d((0, -1, 0, -1)), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 3, stride=2), nn.ZeroPad2d((0, -1, 0, -1)), nn.ReLU(),
        nn.Conv2d(32, 1, 3, padding=1))


MODELS = {
    "basic": lambda: dense([]),
    "deep": lambda: dense([128, 64]),
    "deep-bn": lambda: dense([512, 256, 128], batch_norm=True, dropout=0.2),
    "vae": Vae,
    "conv": conv,
    "conv-transpose": conv_transpose,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--images", type=int, default=60000, help="train on the first N images")
    parser.add_argument("--warmup", type=int, default=10000, help="images in the untimed warm-up pass")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    images = mnist_images(args.root)[: args.images]
    image_model = args.model.startswith("conv")
    model = MODELS[args.model]()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def run(count, epochs):
        for _ in range(epochs):
            order = torch.randperm(count)
            for start in range(0, count, args.batch_size):
                x = images.index_select(0, order[start:start + args.batch_size]).float().mul_(1 / 255)
                if isinstance(model, Vae):
                    loss = model.loss(x)
                elif image_model:
                    x = x.reshape(-1, 1, 28, 28)
                    loss = F.binary_cross_entropy_with_logits(model(x), x)
                else:
                    loss = F.binary_cross_entropy_with_logits(model(x), x)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()

    run(min(args.warmup, len(images)), 1)
    cpu, wall = time.process_time(), time.perf_counter()
    run(len(images), args.epochs)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    samples = len(images) * args.epochs
    print(json.dumps({
        "model": args.model, "threads": args.threads, "torch": torch.__version__,
        "samples_per_second": round(samples / wall, 1),
        "cpu_us_per_sample": round(1e6 * cpu / samples, 2),
    }))


if __name__ == "__main__":
    main()
