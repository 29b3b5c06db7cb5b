#!/usr/bin/python3
"""Checks a Triton config.pbtxt against the ONNX file it serves, without Triton: the ONNX checker passes, the batch
dimension is dynamic when max_batch_size > 0, and every input and output the config names exists in the graph with
the config's data type and (after `reshape`) the graph's per-sample dimensions.

    python3 tools/triton/check_config.py docs/triton/model_repository/conv-blog/config.pbtxt conv-blog.onnx

Needs Python's onnx package (Debian: python3-onnx). The config is read with a small parser for the fields used here
(name, data_type, dims, reshape inside input/output blocks; max_batch_size), not Triton's own protobuf schema.
"""
import re
import sys

import onnx

ONNX_TYPES = {"TYPE_FP32": onnx.TensorProto.FLOAT, "TYPE_FP64": onnx.TensorProto.DOUBLE, "TYPE_INT64": onnx.TensorProto.INT64}


def blocks(text, section):
    """The { ... } entries of `section [ ... ]`, each as its text."""
    match = re.search(section + r"\s*\[(.*?)\n\]", text, re.S)
    return re.findall(r"\{(.*?)\n  \}", match.group(1), re.S) if match else []


def dims(text, key):
    match = re.search(key + r"\s*:\s*\[([^\]]*)\]", text)
    return None if match is None else [int(d) for d in match.group(1).replace(",", " ").split()]


def check(config_path, model_path):
    text = re.sub(r"#[^\n]*", "", open(config_path).read())
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    batched = int(re.search(r"max_batch_size\s*:\s*(\d+)", text).group(1)) > 0
    graph = {v.name: v for v in list(model.graph.input) + list(model.graph.output)}
    problems = []
    for section in ("input", "output"):
        for entry in blocks(text, section):
            name = re.search(r'name\s*:\s*"([^"]+)"', entry).group(1)
            value = graph.get(name)
            if value is None:
                problems.append(f"{section} '{name}': not in the ONNX graph (it has {', '.join(graph)})")
                continue
            tensor = value.type.tensor_type
            data_type = re.search(r"data_type\s*:\s*(\w+)", entry).group(1)
            if ONNX_TYPES.get(data_type) != tensor.elem_type:
                problems.append(f"{section} '{name}': {data_type} in the config, ONNX elem_type {tensor.elem_type} in the graph")
            shape = [d.dim_value if d.HasField("dim_value") else -1 for d in tensor.shape.dim]
            if batched:
                if not shape or shape[0] != -1:
                    problems.append(f"{section} '{name}': max_batch_size > 0 needs a dynamic first dimension, the graph has {shape}")
                shape = shape[1:]
            expected = dims(entry, r"reshape\s*:\s*\{\s*shape") if "reshape" in entry else dims(entry, "dims")
            if expected != shape:
                problems.append(f"{section} '{name}': the config gives per-sample shape {expected}, the graph {shape}")
    for problem in problems:
        print(f"{config_path}: {problem}", file=sys.stderr)
    if not problems:
        print(f"{config_path}: matches {model_path} (onnx.checker passed; inputs, outputs, types and shapes agree)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(check(sys.argv[1], sys.argv[2]))
