#!/usr/bin/python3
"""Bottleneck models in PyTorch: the module the README documents for each family, built from a model.json spec.

    check    loads a Bottleneck model folder (model.json + weights.safetensors) into the PyTorch module and compares its
             codes and reconstructions with ones the toolkit wrote (`bottleneck encode` / `bottleneck decode` .npy files)
    fixture  initialises the PyTorch module with PyTorch's own initialisers, saves its state_dict as safetensors with
             inputs and PyTorch's outputs (float64), for `bottleneck import` and the C# test that loads them
    module   builds the module for a spec and prints its state_dict names and shapes (what `bottleneck import` expects)

Needs only torch and numpy (Debian 12: apt-get install python3-torch python3-numpy). Safetensors files are read and
written here with json + numpy, so the `safetensors` package is not needed; `safetensors.torch.load_file` reads them too.
Nothing here unpickles anything.
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

# ---- safetensors (https://github.com/huggingface/safetensors: 8-byte LE header length, JSON header, raw data) ----

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "F16": np.float16, "I32": np.int32, "U8": np.uint8}


def read_safetensors(path):
    """name → torch tensor, and the header's metadata."""
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    data = memoryview(blob)[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
    return tensors, header.get("__metadata__") or {}


def write_safetensors(path, tensors, metadata=None):
    """Writes name → tensor as the reference writer lays it out (widest dtype first, then by name, so every tensor is
    aligned to its element size), header padded with spaces to 8 bytes."""
    names = {np.dtype(v): k for k, v in DTYPES.items()}
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors, key=lambda n: (-tensors[n].element_size(), n)):
        array = tensors[name].detach().cpu().numpy()  # 0-d stays 0-d (np.ascontiguousarray would make it [1])
        raw = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
    os.replace(path + ".tmp", path)


# ---- the modules ----

def activation(name, slope):
    return {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(slope), "elu": nn.ELU, "tanh": nn.Tanh,
            "sigmoid": nn.Sigmoid, "linear": nn.Identity}[name.strip().lower()]()


def output_function(name, slope):
    """The output layer's activation, applied outside the decoder's Sequential (the toolkit keeps logits for BCE)."""
    name = name.strip().lower()
    return {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu, "elu": F.elu,
            "leaky_relu": lambda x: F.leaky_relu(x, slope), "linear": lambda x: x}[name]


def add_hidden(layers, n_in, n_out, spec):
    """Dense → [BatchNorm1d (Keras's ε = 1e-3, momentum 0.99)] → activation → [Dropout], as DenseAutoencoder.AddHidden."""
    layers.append(nn.Linear(n_in, n_out))
    if spec.get("batch_norm"):
        layers.append(nn.BatchNorm1d(n_out, eps=1e-3, momentum=0.01))
    layers.append(activation(spec.get("activation", "relu"), spec.get("leaky_relu_slope", 0.01)))
    if spec.get("dropout", 0) > 0:
        layers.append(nn.Dropout(spec["dropout"]))


def input_size(spec):
    return math.prod(spec["input_shape"])


def decoder_widths(spec):
    return spec["decoder"] if spec.get("decoder") is not None else list(reversed(spec.get("encoder", [])))


class DenseAutoencoder(nn.Module):
    """encoder.N / decoder.N as nn.Sequential; the code is the bottleneck Linear's activation."""

    def __init__(self, spec):
        super().__init__()
        slope = spec.get("leaky_relu_slope", 0.01)
        self.n = input_size(spec)
        encoder, width = [], self.n
        for w in spec.get("encoder", []):
            add_hidden(encoder, width, w, spec)
            width = w
        encoder += [nn.Linear(width, spec["bottleneck"]),
                    activation(spec.get("bottleneck_activation") or spec.get("activation", "relu"), slope)]
        decoder, width = [], spec["bottleneck"]
        for w in decoder_widths(spec):
            add_hidden(decoder, width, w, spec)
            width = w
        decoder.append(nn.Linear(width, self.n))
        self.encoder, self.decoder = nn.Sequential(*encoder), nn.Sequential(*decoder)
        self.output = output_function(spec.get("output_activation", "sigmoid"), slope)

    def encode(self, x):
        return self.encoder(x.reshape(len(x), self.n))

    def decode(self, h):
        return self.output(self.decoder(h))


class TiedLinear(nn.Module):
    """x̂ = W_eᵀh + b_d (§3.3.3): borrows the encoder layer's weight, holds only its own bias."""

    def __init__(self, encoder_layer):
        super().__init__()
        self._encoder_layer = [encoder_layer]  # a list, so the encoder's weight is not registered a second time
        self.bias = nn.Parameter(torch.zeros(encoder_layer.in_features))

    def forward(self, h):
        return h @ self._encoder_layer[0].weight + self.bias


class TiedAutoencoder(DenseAutoencoder):
    """decoder.N holds only a bias; the weight is encoder[M].weight transposed."""

    def __init__(self, spec):
        nn.Module.__init__(self)
        slope = spec.get("leaky_relu_slope", 0.01)
        hidden = spec.get("activation", "relu")
        self.n = input_size(spec)
        widths = list(spec.get("encoder", [])) + [spec["bottleneck"]]
        encoder, dense, width = [], [], self.n
        for i, w in enumerate(widths):
            is_code = i == len(widths) - 1
            dense.append(nn.Linear(width, w))
            encoder += [dense[-1], activation((spec.get("bottleneck_activation") or hidden) if is_code else hidden, slope)]
            if not is_code and spec.get("dropout", 0) > 0:
                encoder.append(nn.Dropout(spec["dropout"]))
            width = w
        decoder = []
        for i in reversed(range(len(dense))):
            decoder.append(TiedLinear(dense[i]))
            if i == 0:
                break
            decoder.append(activation(hidden, slope))
            if spec.get("dropout", 0) > 0:
                decoder.append(nn.Dropout(spec["dropout"]))
        self.encoder, self.decoder = nn.Sequential(*encoder), nn.Sequential(*decoder)
        self.output = output_function(spec.get("output_activation", "sigmoid"), slope)


def same_padding(size, kernel, stride):
    """Keras's 'same': total = max((⌈I/S⌉ − 1)·S + K − I, 0), ⌊total/2⌋ before, the rest after."""
    total = max(((size + stride - 1) // stride - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv_stack(layers_spec, shape, output, slope):
    """ConvStack.Build: an nn.Sequential for the spec's layers with Keras's padding made explicit, and its output shape."""
    layers = []
    for i, layer in enumerate(layers_spec):
        kind, is_output = layer["type"], output is not None and i == len(layers_spec) - 1
        act = output if is_output else (layer.get("activation") or "relu")
        k, s, p = layer.get("kernel") or 3, layer.get("stride") or 1, layer.get("size") or 2
        same = (layer.get("padding") or "same") == "same"
        if kind == "conv":
            c, h, w = shape
            if same:
                rows, cols = same_padding(h, k, s), same_padding(w, k, s)
                out = ((h + s - 1) // s, (w + s - 1) // s)
            else:
                rows, cols, out = (0, 0), (0, 0), ((h - k) // s + 1, (w - k) // s + 1)
            even = rows[0] == rows[1] and cols[0] == cols[1]
            if not even:
                layers.append(nn.ZeroPad2d((cols[0], cols[1], rows[0], rows[1])))
            layers.append(nn.Conv2d(c, layer["filters"], k, s, padding=(rows[0], cols[0]) if even else 0))
            shape = (layer["filters"],) + out
        elif kind == "conv_transpose":
            c, h, w = shape
            crop = max(k - s, 0) if same else 0
            before, after = crop // 2, crop - crop // 2
            layers.append(nn.ConvTranspose2d(c, layer["filters"], k, s, padding=before, output_padding=max(s - k, 0)))
            if after > before:  # the odd pixel Keras crops at the bottom/right
                layers.append(nn.ZeroPad2d((0, before - after, 0, before - after)))
            grow = 0 if same else max(k - s, 0)
            shape = (layer["filters"], h * s + grow, w * s + grow)
        elif kind == "max_pool":
            c, h, w = shape
            if not same:
                layers.append(nn.MaxPool2d(p, p))
                shape = (c, (h - p) // p + 1, (w - p) // p + 1)
            else:
                rows, cols = same_padding(h, p, p), same_padding(w, p, p)
                layers.append(nn.MaxPool2d(p, p, padding=(rows[0], cols[0]), ceil_mode=rows[1] > 0 or cols[1] > 0))
                shape = (c, (h + p - 1) // p, (w + p - 1) // p)
        elif kind == "upsample":
            layers.append(nn.Upsample(scale_factor=p, mode="nearest"))
            shape = (shape[0], shape[1] * p, shape[2] * p)
        elif kind == "flatten":
            layers.append(nn.Flatten())
            shape = (math.prod(shape),)
        elif kind == "dense":
            layers.append(nn.Linear(shape[0], layer["units"]))
            shape = (layer["units"],)
        elif kind == "reshape":
            layers.append(nn.Unflatten(1, tuple(layer["shape"])))
            shape = tuple(layer["shape"])
        else:
            raise ValueError(f"unknown layer type {kind}")
        if kind in ("conv", "conv_transpose", "dense") and not is_output and act != "linear":
            layers.append(activation(act, slope))
    return nn.Sequential(*layers), shape


class ImageLayout:
    """[H, W], [H, W, C] (C = 1 or 3: channels last), [C, H, W] or a square vector, to and from [B, C, H, W]."""

    def __init__(self, shape):
        self.shape = list(shape)
        self.channels_last = False
        if len(shape) == 1:
            side = math.isqrt(shape[0])
            self.chw = (1, side, side)
        elif len(shape) == 2:
            self.chw = (1, shape[0], shape[1])
        elif shape[2] in (1, 3):
            self.chw, self.channels_last = (shape[2], shape[0], shape[1]), True
        else:
            self.chw = tuple(shape)

    def to_chw(self, x):
        c, h, w = self.chw
        return x.reshape(len(x), h, w, c).permute(0, 3, 1, 2) if self.channels_last else x.reshape(len(x), c, h, w)

    def from_chw(self, x):
        return x.permute(0, 2, 3, 1) if self.channels_last else x.reshape([len(x)] + self.shape)


class ConvolutionalAutoencoder(nn.Module):
    def __init__(self, spec):
        super().__init__()
        slope = spec.get("leaky_relu_slope", 0.01)
        self.layout = ImageLayout(spec["input_shape"])
        self.encoder, self.code_shape = conv_stack(spec["conv"]["encoder"], self.layout.chw, None, slope)
        self.decoder, _ = conv_stack(spec["conv"]["decoder"], self.code_shape, spec.get("output_activation", "sigmoid"), slope)
        self.output = output_function(spec.get("output_activation", "sigmoid"), slope)

    def encode(self, x):
        return self.encoder(self.layout.to_chw(x))

    def decode(self, h):
        return self.layout.from_chw(self.output(self.decoder(h.reshape((len(h),) + tuple(self.code_shape)))))


def strided_down(channels):
    """3×3 stride-2 convs with padding 1, each halving the side, each followed by a ReLU."""
    layers, c_in = [], 1
    for c in channels:
        layers += [nn.Conv2d(c_in, c, 3, 2, 1), nn.ReLU()]
        c_in = c
    return layers


def strided_up(channels, out_channels):
    """The mirror: 3×3 stride-2 transposed convs with padding 1 and output padding 1, ReLU between, none after the last."""
    layers = []
    for i in reversed(range(len(channels))):
        layers.append(nn.ConvTranspose2d(channels[i], channels[i - 1] if i > 0 else out_channels, 3, 2, 1, output_padding=1))
        if i > 0:
            layers.append(nn.ReLU())
    return layers


def greyscale(spec):
    shape = spec["input_shape"]
    if len(shape) == 1:
        side = math.isqrt(shape[0])
        return side, side
    return (shape[1], shape[2]) if len(shape) == 3 and shape[0] == 1 else (shape[0], shape[1])


class VariationalAutoencoder(nn.Module):
    """encoder.N, mu, log_var, decoder.N (§13.1); encode returns μ, as the toolkit's code."""

    def __init__(self, spec):
        super().__init__()
        vae = spec.get("vae") or {}
        channels = vae.get("conv_channels")
        encoder, decoder = [], []
        if channels:
            h, w = greyscale(spec)
            self.input_shape = (1, h, w)
            encoder += strided_down(channels) + [nn.Flatten()]
            reduction = 2 ** len(channels)
            feature_map = (channels[-1], h // reduction, w // reduction)
            width = math.prod(feature_map)
        else:
            self.input_shape = (input_size(spec),)
            width = input_size(spec)
        for w in spec.get("encoder", []):
            add_hidden(encoder, width, w, spec)
            width = w
        self.mu, self.log_var = nn.Linear(width, spec["bottleneck"]), nn.Linear(width, spec["bottleneck"])
        width = spec["bottleneck"]
        for w in decoder_widths(spec):
            add_hidden(decoder, width, w, spec)
            width = w
        if channels:
            decoder += [nn.Linear(width, math.prod(feature_map)), nn.ReLU(), nn.Unflatten(1, feature_map)]
            decoder += strided_up(channels, 1)
        else:
            decoder.append(nn.Linear(width, input_size(spec)))
        self.encoder, self.decoder = nn.Sequential(*encoder), nn.Sequential(*decoder)
        self.sample_shape = spec["input_shape"]

    def encode(self, x):
        return self.mu(self.encoder(x.reshape((len(x),) + self.input_shape)))

    def decode(self, z):
        return torch.sigmoid(self.decoder(z))


class VectorQuantizer(nn.Module):
    """codebook [K, D] and the toolkit's int64 usage counters (buffers: usage, batches_seen, codes_revived)."""

    def __init__(self, codebook_size, code_size):
        super().__init__()
        self.codebook = nn.Parameter(torch.empty(codebook_size, code_size).uniform_(-1 / codebook_size, 1 / codebook_size))
        self.register_buffer("usage", torch.zeros(codebook_size, dtype=torch.int64))
        self.register_buffer("batches_seen", torch.zeros(1, dtype=torch.int64))
        self.register_buffer("codes_revived", torch.zeros(1, dtype=torch.int64))

    def assign(self, z_e):
        """k = argmin_j ‖v − e_j‖² for each D-vector of z_e [B, D, h, w] → int64 [B, h, w]."""
        vectors = z_e.movedim(1, -1).reshape(-1, self.codebook.shape[1])
        distances = self.codebook.square().sum(1).unsqueeze(0) - 2 * vectors @ self.codebook.t()
        return distances.argmin(1).reshape((len(z_e),) + tuple(z_e.shape[2:]))

    def lookup(self, indices):
        return self.codebook[indices.long()].movedim(-1, 1)


class VectorQuantizedAutoencoder(nn.Module):
    """encoder.N, quantizer.*, decoder.N (§13.3); the code is the grid of codebook indices."""

    def __init__(self, spec):
        super().__init__()
        vq = spec.get("vq") or {}
        channels = vq.get("conv_channels") or [32, 64]
        d = spec["bottleneck"]
        h, w = greyscale(spec)
        self.input_shape = (1, h, w)
        self.encoder = nn.Sequential(*strided_down(channels), nn.Conv2d(channels[-1], d, 1, 1, 0))
        self.quantizer = VectorQuantizer(vq.get("codebook_size") or 64, d)
        self.decoder = nn.Sequential(nn.Conv2d(d, channels[-1], 3, 1, 1), nn.ReLU(), *strided_up(channels, 1))
        self.output = output_function(spec.get("output_activation", "sigmoid"), spec.get("leaky_relu_slope", 0.01))

    def encode(self, x):
        return self.quantizer.assign(self.encoder(x.reshape((len(x),) + self.input_shape))).to(x.dtype)

    def decode(self, indices):
        return self.output(self.decoder(self.quantizer.lookup(indices).to(self.quantizer.codebook.dtype)))


FAMILIES = {"dense": DenseAutoencoder, "tied": TiedAutoencoder, "conv": ConvolutionalAutoencoder,
            "vae": VariationalAutoencoder, "vq-vae": VectorQuantizedAutoencoder}


def build(spec):
    """The PyTorch module for a Bottleneck spec (the 'spec' object of model.json), in eval mode."""
    return FAMILIES[spec.get("family", "dense")](spec).eval()


def read_spec(path, input_shape=None):
    """A spec file, or a model.json / model folder (its 'spec'); input_shape fills in a spec that has none."""
    if os.path.isdir(path):
        path = os.path.join(path, "model.json")
    with open(path) as f:
        document = json.load(f)
    spec = document.get("spec", document) if document.get("format") == "bottleneck-model" else document
    if input_shape:
        spec["input_shape"] = input_shape
    if not spec.get("input_shape"):
        sys.exit(f"{path}: the spec has no input_shape; give --input-shape")
    return spec


def load_folder(folder):
    spec = read_spec(folder)
    model = build(spec)
    tensors, _ = read_safetensors(os.path.join(folder, "weights.safetensors"))
    model.load_state_dict(tensors, strict=True)  # every name and shape must match, both ways
    return model.eval(), spec


# ---- commands ----

def check(args):
    model, spec = load_folder(args.model)
    x = np.load(args.inputs)
    x = torch.from_numpy(x.astype(np.float32) / 255 if x.dtype == np.uint8 else x.astype(np.float32))
    codes = torch.from_numpy(np.load(args.codes))
    decoded = torch.from_numpy(np.load(args.decoded)).double()
    report = {"model": args.model, "family": spec.get("family", "dense"), "name": spec.get("name"), "samples": len(x)}
    with torch.no_grad():
        for precision, m, dtype in (("float32", model, torch.float32), ("float64", build(spec).double(), torch.float64)):
            if dtype == torch.float64:
                m.load_state_dict({k: (v.double() if v.is_floating_point() else v) for k, v in model.state_dict().items()})
                m.eval()
            ours = m.encode(x.to(dtype)).reshape(codes.shape)
            if report["family"] == "vq-vae":
                report[f"{precision}_code_indices_differing"] = int((ours.long() != codes.long()).sum())
            else:
                report[f"{precision}_max_abs_diff_code"] = float((ours.double() - codes.double()).abs().max())
            # decode the toolkit's codes, so a difference in the decoder is not mixed with one in the encoder
            out = m.decode(codes.to(dtype) if report["family"] != "vq-vae" else codes.long())
            report[f"{precision}_max_abs_diff_decoded"] = float((out.double().reshape(decoded.shape) - decoded).abs().max())
    print(json.dumps(report))
    return 0


def fixture(args):
    torch.manual_seed(args.seed)
    spec = read_spec(args.spec, args.input_shape)
    model = build(spec)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm1d):  # statistics a trained model would have, not 0 and 1
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
                module.num_batches_tracked.fill_(100)
            if isinstance(module, VectorQuantizer):
                module.codebook.normal_()
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    write_safetensors(os.path.join(args.out, "weights.safetensors"), model.state_dict(), {"format": "pt", "producer": f"torch {torch.__version__}"})
    x = torch.rand([args.count] + list(spec["input_shape"]))
    reference = build(spec).double().eval()
    reference.load_state_dict({k: (v.double() if v.is_floating_point() else v) for k, v in model.state_dict().items()})
    with torch.no_grad():
        codes64 = reference.encode(x.double())
        recon64 = reference.decode(codes64 if spec.get("family") != "vq-vae" else codes64.long())
        recon32 = model.decode(model.encode(x) if spec.get("family") != "vq-vae" else model.encode(x).long())
    write_safetensors(os.path.join(args.out, "reference.safetensors"),
                      {"inputs": x, "codes": codes64, "reconstructions": recon64},
                      {"torch": torch.__version__, "note": "codes and reconstructions: PyTorch in float64 from the float32 weights"})
    with open(os.path.join(args.out, "spec.json"), "w") as f:
        json.dump(spec, f, indent=2)
    print(json.dumps({"out": args.out, "tensors": len(model.state_dict()), "samples": args.count,
                      "float32_vs_float64_max_abs_diff": float((recon32.double() - recon64).abs().max())}))
    return 0


def module(args):
    spec = read_spec(args.spec, args.input_shape)
    model = build(spec)
    print(model)
    for name, tensor in model.state_dict().items():
        print(f"{name}\t{str(tensor.dtype).replace('torch.', '')}\t{list(tensor.shape)}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("check", help="compare the PyTorch module with the toolkit's outputs")
    c.add_argument("--model", required=True, help="a Bottleneck model folder")
    c.add_argument("--inputs", required=True, help=".npy the toolkit encoded (uint8 is scaled by 1/255, as the toolkit does)")
    c.add_argument("--codes", required=True, help=".npy written by `bottleneck encode`")
    c.add_argument("--decoded", required=True, help=".npy written by `bottleneck decode` from those codes")
    c.set_defaults(run=check)
    shape = lambda text: [int(d) for d in text.split(",")]
    f = commands.add_parser("fixture", help="PyTorch-initialised weights, inputs and PyTorch's outputs")
    f.add_argument("--spec", required=True, help="a spec .json, model.json or model folder")
    f.add_argument("--input-shape", type=shape, help="e.g. 784 or 28,28 when the spec has none")
    f.add_argument("--out", required=True)
    f.add_argument("--count", type=int, default=8)
    f.add_argument("--seed", type=int, default=0)
    f.set_defaults(run=fixture)
    m = commands.add_parser("module", help="print the module and its state_dict names")
    m.add_argument("--spec", required=True)
    m.add_argument("--input-shape", type=shape)
    m.set_defaults(run=module)
    args = parser.parse_args()
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()
