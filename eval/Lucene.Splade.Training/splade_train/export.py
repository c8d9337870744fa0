"""Writing what training produced: the head as safetensors, and a complete model folder (ONNX + vocab + config)."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import struct

import numpy as np
import torch
from torch import nn

from .bert_onnx import BertEncoder, run_encoder
from .model import SpladeHead

HEAD_FILE = "head.safetensors"
QUERY_WEIGHTS_FILE = "query_weights.safetensors"
TOP_LAYERS_FILE = "top_layers.safetensors"
OUTPUT_NAME = "splade_weights"


def write_safetensors(path: str, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> None:
    """The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data).

    Hand-written because Debian's python3 has no `safetensors` package; the format is twenty lines.
    """
    dtypes = {torch.float32: "F32", torch.float16: "F16"}
    header: dict[str, object] = {}
    blobs, offset = [], 0
    for name, tensor in tensors.items():
        if tensor.dtype not in dtypes:
            raise ValueError(f"tensor '{name}' has dtype {tensor.dtype}; only float32 and float16 are written")
        array = tensor.detach().cpu().contiguous().numpy()
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dtypes[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    temp = path + ".tmp"
    with open(temp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)
    os.replace(temp, path)


def read_safetensors(path: str) -> dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        if length > 100_000_000:
            raise ValueError(f"'{path}' is not a safetensors file (header length {length})")
        header = json.loads(f.read(length))
        data = f.read()
    dtypes = {"F32": np.float32, "F16": np.float16}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=np.dtype(dtypes[info["dtype"]]).newbyteorder("<"))
        out[name] = torch.from_numpy(array.astype(np.float32).reshape(info["shape"]))
    return out


def head_tensors(head: SpladeHead, dtype: torch.dtype = torch.float16) -> dict[str, torch.Tensor]:
    """The head in Hugging Face ``cls.predictions`` names, which the C# ``MlmHeadWeights`` reads."""
    return {
        "cls.predictions.transform.dense.weight": head.dense.weight.to(dtype),
        "cls.predictions.transform.dense.bias": head.dense.bias.to(dtype),
        "cls.predictions.transform.LayerNorm.weight": head.norm.weight.to(dtype),
        "cls.predictions.transform.LayerNorm.bias": head.norm.bias.to(dtype),
        "cls.predictions.bias": head.bias.to(dtype),
    }


def top_layer_tensors(head: SpladeHead, dtype: torch.dtype = torch.float16) -> dict[str, torch.Tensor]:
    """The trained top encoder layers in Hugging Face names (``encoder.layer.5.attention.self.query.weight``, in
    torch.nn.Linear's [out, in] layout), numbered as in the encoder they replace layers of."""
    if head.top_layers is None:
        return {}
    return {f"encoder.layer.{head.first_top_layer + i}.{name}": value.detach().to(dtype)
            for i, layer in enumerate(head.top_layers) for name, value in layer.state_dict().items()}


def load_top_layers(path: str, encoder: BertEncoder) -> tuple[int, nn.ModuleList]:
    """(index of the first layer, trained copies) of the top encoder layers stored in ``path``.

    Each copy starts as the encoder's own layer and takes every tensor from the file, so a file that does not fit the
    encoder (other shapes, missing tensors, layers the encoder does not have) is refused."""
    tensors = read_safetensors(path)
    by_layer: dict[int, dict[str, torch.Tensor]] = {}
    for name, value in tensors.items():
        m = re.fullmatch(r"encoder\.layer\.(\d+)\.(.+)", name)
        if m is None:
            raise ValueError(f"'{path}': unexpected tensor '{name}'")
        by_layer.setdefault(int(m.group(1)), {})[m.group(2)] = value
    indices = sorted(by_layer)
    layers = encoder.encoder.layer
    if not indices or indices != list(range(indices[0], len(layers))):
        raise ValueError(f"'{path}' holds layers {indices}; expected the top layers of an encoder with {len(layers)}")
    copies = nn.ModuleList()
    for i in indices:
        layer = copy.deepcopy(layers[i])
        wanted = layer.state_dict()
        if set(by_layer[i]) != set(wanted) or any(by_layer[i][k].shape != wanted[k].shape for k in wanted):
            raise ValueError(f"'{path}': layer {i} does not fit the encoder's layer")
        layer.load_state_dict(by_layer[i])
        copies.append(layer)
    return indices[0], copies


def stored_top_layers(head_path: str) -> str | None:
    """The top-layers file written next to a head file, or None when the head was trained on a frozen encoder."""
    path = os.path.join(os.path.dirname(head_path), TOP_LAYERS_FILE)
    return path if os.path.isfile(path) else None


def trainable_top_layers(encoder: BertEncoder, count: int) -> tuple[int, nn.ModuleList]:
    """Trainable copies of the encoder's top ``count`` layers (the encoder's own stay frozen)."""
    layers = encoder.encoder.layer
    if not 0 < count < len(layers):
        raise ValueError(f"--train-top-layers must be between 1 and {len(layers) - 1} for an encoder with {len(layers)} layers")
    copies = nn.ModuleList([copy.deepcopy(layer) for layer in layers[len(layers) - count:]])
    for p in copies.parameters():
        p.requires_grad_(True)
    return len(layers) - count, copies


def head_files(source: str) -> tuple[str, str | None]:
    """(head file, query weights file or None) for a folder holding head.safetensors, or for the head file itself."""
    head_path = os.path.join(source, HEAD_FILE) if os.path.isdir(source) else source
    if not os.path.isfile(head_path):
        raise FileNotFoundError(f"head file not found: '{head_path}'")
    query_path = os.path.join(os.path.dirname(head_path), QUERY_WEIGHTS_FILE)
    return head_path, query_path if os.path.isfile(query_path) else None


def write_head_files(folder: str, head: SpladeHead, record: dict) -> None:
    """head.safetensors, query_weights.safetensors (when the head has them) and training.json."""
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, HEAD_FILE), head_tensors(head))
    top_path = os.path.join(folder, TOP_LAYERS_FILE)
    if head.top_layers is not None:
        write_safetensors(top_path, top_layer_tensors(head))
    elif os.path.isfile(top_path):
        os.remove(top_path)  # a stale file would make the folder's head look like it had trained layers
    if head.query_weights is not None:
        write_safetensors(os.path.join(folder, QUERY_WEIGHTS_FILE),
                          {"query_weights": torch.relu(head.query_weights.detach()).to(torch.float16)})
    with open(os.path.join(folder, "training.json"), "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)


def load_head(path: str, embeddings: torch.Tensor, query_weights_path: str | None = None,
              excluded: torch.Tensor | None = None) -> SpladeHead:
    tensors = read_safetensors(path)

    def find(suffix: str) -> torch.Tensor:
        for name, value in tensors.items():
            if name.endswith(suffix):
                return value
        raise ValueError(f"'{path}' has no tensor '*{suffix}'")

    head = SpladeHead(embeddings, inference_free=query_weights_path is not None, excluded=excluded)
    with torch.no_grad():
        head.dense.weight.copy_(find("transform.dense.weight"))
        head.dense.bias.copy_(find("transform.dense.bias"))
        head.norm.weight.copy_(find("transform.LayerNorm.weight"))
        head.norm.bias.copy_(find("transform.LayerNorm.bias"))
        head.bias.copy_(find("predictions.bias"))
        if query_weights_path is not None:
            head.query_weights.copy_(read_safetensors(query_weights_path)["query_weights"])
    return head


class _ExportedModel(nn.Module):
    """Encoder + head + masked max pooling, the graph a model folder's ``model.onnx`` holds.

    The encoder's modules sit at the top level so the exported initializers keep Hugging Face's names
    (``embeddings.word_embeddings.weight``, ``encoder.layer.0...``) and the folder can be a base for more training;
    the decoder uses the word-embedding matrix itself, so it is stored once.
    """

    def __init__(self, encoder: BertEncoder, head: SpladeHead, unknown_id: int | None = None):
        super().__init__()
        self.unknown_id = unknown_id
        self.embeddings = encoder.embeddings
        self.encoder = nn.Module()
        layers = list(encoder.encoder.layer)
        if head.top_layers is not None:  # the trained copies replace the encoder's own top layers
            layers = layers[: head.first_top_layer] + list(head.top_layers)
        self.encoder.layer = nn.ModuleList(layers)
        self.cls = nn.Module()
        self.cls.predictions = nn.Module()
        self.cls.predictions.transform = nn.Module()
        self.cls.predictions.transform.dense = head.dense
        self.cls.predictions.transform.LayerNorm = head.norm
        self.cls.predictions.bias = head.bias

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        del token_type_ids  # single-segment inputs; kept so the signature is the usual BERT one
        hidden = run_encoder(self.embeddings, self.encoder.layer, input_ids, attention_mask)
        t = self.cls.predictions.transform
        logits = t.LayerNorm(nn.functional.gelu(t.dense(hidden))) @ self.embeddings.word_embeddings.weight.T
        logits = logits + self.cls.predictions.bias
        # [UNK] positions carry no text of their own: they are attended to but not pooled (as the C# graphs do).
        pooled = attention_mask if self.unknown_id is None else attention_mask * (input_ids != self.unknown_id).to(attention_mask.dtype)
        weights = torch.log1p(torch.relu(logits)) * pooled.unsqueeze(-1).to(logits.dtype)
        return weights.max(dim=1).values


def write_model_folder(folder: str, encoder: BertEncoder, head: SpladeHead, vocab_path: str, max_length: int,
                       description: str, training_record: dict) -> None:
    """A model folder the C# library, the console and the eval harness load like any other."""
    os.makedirs(folder, exist_ok=True)
    # The head files are fp16; round the graph's copy the same way so every artifact computes the same weights.
    with torch.no_grad():
        for parameter in head.parameters():
            parameter.copy_(parameter.half().float())
    with open(vocab_path, encoding="utf-8") as f:
        ids_of = {line.rstrip("\r\n"): i for i, line in enumerate(f)}
    model = _ExportedModel(encoder, head, ids_of.get("[UNK]")).eval()
    cls, sep, pad = ids_of["[CLS]"], ids_of["[SEP]"], ids_of["[PAD]"]
    word = max(ids_of.values())
    ids = torch.tensor([[cls, word, word, sep], [cls, word, sep, pad]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    temp = os.path.join(folder, "model.onnx.tmp")
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, torch.zeros_like(ids)), temp, opset_version=14, do_constant_folding=False,
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=[OUTPUT_NAME],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "attention_mask": {0: "batch", 1: "sequence"},
                                        "token_type_ids": {0: "batch", 1: "sequence"},
                                        OUTPUT_NAME: {0: "batch"}})
    os.replace(temp, os.path.join(folder, "model.onnx"))
    shutil.copyfile(vocab_path, os.path.join(folder, "vocab.txt"))
    write_head_files(folder, head, training_record)
    config = {
        "max_length": max_length,
        "pooling": "Max",
        "output_kind": "PooledWeights",
        "output_name": OUTPUT_NAME,
        "lowercase": True,
        "description": description,
    }
    with open(os.path.join(folder, "splade_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
