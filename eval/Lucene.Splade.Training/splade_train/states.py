"""Encoder hidden states, computed once and cached on disk.

Training changes only the head (and, with ``--train-top-layers K``, the encoder's top K layers) on top of the frozen
encoder, so each text goes through the frozen layers once; the cache (fp16, one flat tensor) makes re-runs with other
lambdas or step counts start in seconds. With K top layers in training, the cached states are those of layer L - K.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time

import torch

from .bert_onnx import BertEncoder, run_encoder
from .provenance import file_sha256
from .tokenizer import WordPieceTokenizer


class HiddenStates:
    """Token ids and hidden states (final, or below the top layers in training) of a set of texts; ``span(text)``
    gives its rows."""

    def __init__(self, texts: list[str], offsets: torch.Tensor, token_ids: torch.Tensor, states: torch.Tensor):
        self.index = {t: i for i, t in enumerate(texts)}
        self.offsets = offsets  # [n + 1] int64
        self.token_ids = token_ids  # [tokens] int32
        self.states = states  # [tokens, hidden] float16

    def __contains__(self, text: str) -> bool:
        return text in self.index

    def span(self, text: str) -> tuple[int, int]:
        i = self.index[text]
        return int(self.offsets[i]), int(self.offsets[i + 1])

    def hidden(self, text: str) -> torch.Tensor:
        start, end = self.span(text)
        return self.states[start:end]

    def ids(self, text: str) -> torch.Tensor:
        start, end = self.span(text)
        return self.token_ids[start:end]


def compute(encoder: BertEncoder, tokenizer: WordPieceTokenizer, texts: list[str], batch_tokens: int = 8192,
            progress: bool = True, skip_top_layers: int = 0) -> HiddenStates:
    """Encodes texts in length-sorted batches (little padding) and keeps the unpadded rows as fp16.

    ``skip_top_layers`` leaves out the encoder's top layers (they are trained, so they run in each step instead)."""
    layers = encoder.encoder.layer
    if not 0 <= skip_top_layers < len(layers):
        raise ValueError(f"cannot leave out {skip_top_layers} of the encoder's {len(layers)} layers")
    frozen = layers[: len(layers) - skip_top_layers]
    texts = list(dict.fromkeys(texts))
    encoded = [tokenizer.encode(t) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
    lengths = torch.tensor([len(e) for e in encoded], dtype=torch.int64)
    offsets = torch.zeros(len(texts) + 1, dtype=torch.int64)
    offsets[1:] = torch.cumsum(lengths, 0)
    total = int(offsets[-1])
    states = torch.empty(total, encoder.shape.hidden, dtype=torch.float16)
    token_ids = torch.empty(total, dtype=torch.int32)
    start_time, done, position = time.time(), 0, 0
    while position < len(order):
        longest = len(encoded[order[min(len(order) - 1, position)]])
        count = max(1, batch_tokens // max(1, longest))
        batch = order[position: position + count]
        position += len(batch)
        width = max(len(encoded[i]) for i in batch)
        ids = torch.zeros(len(batch), width, dtype=torch.int64)
        mask = torch.zeros(len(batch), width, dtype=torch.int64)
        for row, i in enumerate(batch):
            ids[row, : len(encoded[i])] = torch.tensor(encoded[i])
            mask[row, : len(encoded[i])] = 1
        with torch.inference_mode():
            hidden = run_encoder(encoder.embeddings, frozen, ids, mask)
        for row, i in enumerate(batch):
            n = len(encoded[i])
            states[offsets[i]: offsets[i] + n] = hidden[row, :n].to(torch.float16)
            token_ids[offsets[i]: offsets[i] + n] = ids[row, :n].to(torch.int32)
        done += int(mask.sum())
        if progress:
            rate = done / max(1e-9, time.time() - start_time)
            print(f"\rencoding texts: {position}/{len(texts)}  {done}/{total} tokens  {rate:.0f} tokens/s  "
                  f"ETA {(total - done) / max(rate, 1e-9):.0f} s", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return HiddenStates(texts, offsets, token_ids, states)


def cached(encoder_path: str, encoder: BertEncoder, tokenizer: WordPieceTokenizer, texts: list[str], cache_dir: str | None,
           progress: bool = True, skip_top_layers: int = 0) -> HiddenStates:
    """``compute`` with an on-disk cache keyed by the encoder file, the max length, the layers left out and the texts."""
    texts = sorted(set(texts))
    if not cache_dir:
        return compute(encoder, tokenizer, texts, progress=progress, skip_top_layers=skip_top_layers)
    digest = hashlib.sha256()
    digest.update(file_sha256(encoder_path).encode())
    digest.update(str(tokenizer.max_length).encode())
    if skip_top_layers:  # (absent for 0, so caches written before the option existed stay valid)
        digest.update(f"skip_top_layers={skip_top_layers}".encode())
    for t in texts:
        digest.update(t.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    path = os.path.join(cache_dir, f"states-{digest.hexdigest()[:24]}.pt")
    if os.path.isfile(path):
        return _load(path)
    encoder_sha = file_sha256(encoder_path)
    superset = _find_superset(cache_dir, encoder_sha, tokenizer.max_length, skip_top_layers, texts)
    if superset is not None:
        return _load(superset)
    result = compute(encoder, tokenizer, texts, progress=progress, skip_top_layers=skip_top_layers)
    os.makedirs(cache_dir, exist_ok=True)
    temp = path + f".{os.getpid()}.tmp"
    texts_in_order = [None] * len(result.index)
    for t, i in result.index.items():
        texts_in_order[i] = t
    torch.save({"texts": texts_in_order, "offsets": result.offsets, "token_ids": result.token_ids,
                "states": result.states}, temp)
    os.replace(temp, path)
    write_sidecar(path, encoder_sha, tokenizer.max_length, texts_in_order, skip_top_layers)
    return result


def write_sidecar(path: str, encoder_sha: str, max_length: int, texts: list[str], skip_top_layers: int = 0) -> None:
    """Lists a cache file's encoder, max length, layers left out and texts, so a run needing a subset of them reuses
    the file."""
    temp = path + f".{os.getpid()}.json.tmp"
    with open(temp, "w", encoding="utf-8") as f:
        json.dump({"encoder_sha256": encoder_sha, "max_length": max_length, "skip_top_layers": skip_top_layers,
                   "texts": texts}, f)
    os.replace(temp, path[: -len(".pt")] + ".json")


def _find_superset(cache_dir: str, encoder_sha: str, max_length: int, skip_top_layers: int, texts: list[str]) -> str | None:
    if not os.path.isdir(cache_dir):
        return None
    needed = set(texts)
    for name in sorted(os.listdir(cache_dir)):
        if not (name.startswith("states-") and name.endswith(".json")):
            continue
        try:
            with open(os.path.join(cache_dir, name), encoding="utf-8") as f:
                meta = json.load(f)
        except (OSError, ValueError):
            continue  # a damaged sidecar only costs a re-encode
        data = os.path.join(cache_dir, name[: -len(".json")] + ".pt")
        if (meta.get("encoder_sha256") == encoder_sha and meta.get("max_length") == max_length
                and meta.get("skip_top_layers", 0) == skip_top_layers and os.path.isfile(data)
                and needed <= set(meta.get("texts", []))):
            return data
    return None


def _load(path: str) -> HiddenStates:
    saved = torch.load(path)
    return HiddenStates(saved["texts"], saved["offsets"], saved["token_ids"], saved["states"])
