"""Rebuild a BERT encoder (all-MiniLM-L6-v2 and other Hugging Face BERT exports) in PyTorch from an ONNX graph.

No transformer weights can be downloaded where this tool runs, but the encoder we ship is an ONNX file. Its
initializers carry the Hugging Face parameter names, except the MatMul weights of the linear layers, which the
exporter left anonymous (``onnx::MatMul_925`` or ``925``). Each such MatMul feeds an Add whose other input is the
named bias (``encoder.layer.0.attention.self.query.bias``), so the weight is named by following the graph.
The rebuilt encoder reproduces ONNX Runtime's hidden states to about 2e-6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn


class OnnxModelError(ValueError):
    """The ONNX file is not a BERT encoder this tool can rebuild."""


@dataclass(frozen=True)
class BertShape:
    vocab_size: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    max_positions: int


def load_bert_state(path: str) -> tuple[dict[str, torch.Tensor], BertShape]:
    """Reads the encoder's parameters from an ONNX file, in Hugging Face names and PyTorch layouts."""
    try:
        model = onnx.load(path)
    except Exception as e:  # onnx raises DecodeError, OSError, ...: all mean "not a readable ONNX file"
        raise OnnxModelError(f"cannot read ONNX model '{path}': {e}") from e

    graph = model.graph
    quantized = sorted({n.op_type for n in graph.node if n.op_type in ("MatMulInteger", "DynamicQuantizeLinear", "QLinearMatMul", "MatMulIntegerToFloat")})
    if quantized:
        raise OnnxModelError(f"'{path}' is a quantized graph ({', '.join(quantized)}): training rebuilds the encoder from "
                             "float weights; pass the float model folder (the build writes the embedded default's as "
                             "src/Lucene.Splade.Embedded/obj/models/minilm-l6-splade-fp32)")
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    state: dict[str, torch.Tensor] = {}
    for name, init in inits.items():
        if name.startswith("embeddings.") or name.startswith("encoder.layer."):
            state[name] = torch.from_numpy(numpy_helper.to_array(init).astype(np.float32).copy())

    for node in graph.node:
        if node.op_type != "MatMul" or len(node.input) != 2 or node.input[1] not in inits:
            continue
        adds = [n for n in consumers.get(node.output[0], []) if n.op_type == "Add"]
        if len(adds) != 1:
            continue
        bias = [i for i in adds[0].input if i != node.output[0]]
        if len(bias) != 1 or not bias[0].endswith(".bias") or not bias[0].startswith("encoder.layer."):
            continue
        weight = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
        # ONNX MatMul computes x @ W with W [in, out]; torch.nn.Linear stores [out, in].
        state[bias[0][: -len(".bias")] + ".weight"] = torch.from_numpy(weight.T.copy())

    if "embeddings.word_embeddings.weight" not in state:
        raise OnnxModelError(f"'{path}' has no initializer 'embeddings.word_embeddings.weight': not a BERT export")
    vocab, hidden = state["embeddings.word_embeddings.weight"].shape
    layers = 0
    while f"encoder.layer.{layers}.attention.self.query.weight" in state:
        layers += 1
    if layers == 0:
        raise OnnxModelError(f"'{path}': no encoder layer weights could be named (expected MatMul -> Add(bias) pairs)")
    for i in range(layers):
        for part in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                     "intermediate.dense", "output.dense"):
            if f"encoder.layer.{i}.{part}.weight" not in state:
                raise OnnxModelError(f"'{path}': weight of encoder.layer.{i}.{part} not found")
    intermediate = state["encoder.layer.0.intermediate.dense.weight"].shape[0]
    heads = _attention_heads(graph, inits, hidden)
    shape = BertShape(vocab, hidden, layers, heads, intermediate, state["embeddings.position_embeddings.weight"].shape[0])
    return state, shape


def _attention_heads(graph: onnx.GraphProto, inits: dict, hidden: int) -> int:
    """Reads the head width from the attention's scaling: scores = (q @ k^T) / sqrt(head_dim)."""
    constants = {name: numpy_helper.to_array(init) for name, init in inits.items()}
    for node in graph.node:
        if node.op_type == "Constant":
            for attr in node.attribute:
                if attr.name == "value":
                    constants[node.output[0]] = numpy_helper.to_array(attr.t)
    producers = {out: node for node in graph.node for out in node.output}
    for node in graph.node:
        if node.op_type not in ("Div", "Mul") or len(node.input) != 2:
            continue
        source = producers.get(node.input[0])
        if source is None or source.op_type != "MatMul" or any(i in inits for i in source.input):
            continue
        scale = constants.get(node.input[1])
        if scale is None or scale.size != 1:
            continue
        value = float(scale.reshape(-1)[0])
        if value <= 0:
            continue
        head_dim = round(value * value) if node.op_type == "Div" else round(1.0 / (value * value))
        if head_dim > 0 and hidden % head_dim == 0:
            return hidden // head_dim
    raise OnnxModelError("cannot find the attention scaling (q @ k^T / sqrt(d)) to read the number of heads")


class BertEncoder(nn.Module):
    """A post-LayerNorm BERT encoder (GELU, LayerNorm eps 1e-12), with Hugging Face's parameter names.

    Keeping the names means a graph exported from this module (a trained model folder) can itself be read back by
    ``load_bert_state`` and trained further.
    """

    def __init__(self, shape: BertShape):
        super().__init__()
        self.shape = shape
        self.embeddings = _Embeddings(shape)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([_Layer(shape.hidden, shape.heads, shape.intermediate) for _ in range(shape.layers)])

    @property
    def word_embeddings(self) -> torch.Tensor:
        return self.embeddings.word_embeddings.weight

    @staticmethod
    def from_onnx(path: str) -> "BertEncoder":
        state, shape = load_bert_state(path)
        enc = BertEncoder(shape)
        wanted = enc.state_dict().keys()
        missing = [k for k in wanted if k not in state]
        if missing:
            raise OnnxModelError(f"'{path}': parameters not found: {', '.join(missing[:5])}")
        enc.load_state_dict({k: state[k] for k in wanted}, strict=True)
        enc.eval()
        for param in enc.parameters():
            param.requires_grad_(False)
        return enc

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return run_encoder(self.embeddings, self.encoder.layer, input_ids, attention_mask)


def run_encoder(embeddings: nn.Module, layers: nn.ModuleList, input_ids: torch.Tensor,
                attention_mask: torch.Tensor) -> torch.Tensor:
    """Final hidden states [batch, sequence, hidden]; padded positions get no attention."""
    x = embeddings(input_ids)
    bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
    for layer in layers:
        x = layer(x, bias)
    return x


class _Embeddings(nn.Module):
    def __init__(self, shape: BertShape):
        super().__init__()
        self.word_embeddings = nn.Embedding(shape.vocab_size, shape.hidden)
        self.position_embeddings = nn.Embedding(shape.max_positions, shape.hidden)
        self.token_type_embeddings = nn.Embedding(2, shape.hidden)
        self.LayerNorm = nn.LayerNorm(shape.hidden, eps=1e-12)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)
        x = x + self.token_type_embeddings(torch.zeros_like(input_ids))
        return self.LayerNorm(x)


def _named(**modules: nn.Module) -> nn.Module:
    holder = nn.Module()
    for name, module in modules.items():
        setattr(holder, name, module)
    return holder


class _Layer(nn.Module):
    def __init__(self, hidden: int, heads: int, intermediate: int):
        super().__init__()
        self.heads = heads
        self.attention = _named(self=_named(query=nn.Linear(hidden, hidden), key=nn.Linear(hidden, hidden),
                                            value=nn.Linear(hidden, hidden)),
                                output=_named(dense=nn.Linear(hidden, hidden), LayerNorm=nn.LayerNorm(hidden, eps=1e-12)))
        self.intermediate = _named(dense=nn.Linear(hidden, intermediate))
        self.output = _named(dense=nn.Linear(intermediate, hidden), LayerNorm=nn.LayerNorm(hidden, eps=1e-12))

    def forward(self, x: torch.Tensor, mask_bias: torch.Tensor) -> torch.Tensor:
        b, s, h = x.shape
        d = h // self.heads
        attn = self.attention

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, s, self.heads, d).transpose(1, 2)

        q, k, v = split(attn.self.query(x)), split(attn.self.key(x)), split(attn.self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + mask_bias
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, s, h)
        x = attn.output.LayerNorm(x + attn.output.dense(context))
        return self.output.LayerNorm(x + self.output.dense(nn.functional.gelu(self.intermediate.dense(x))))
