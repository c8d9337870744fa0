"""A tiny BERT encoder and collection for tests: ``python3 -m splade_train.tiny OUT`` writes both.

The encoder is random (seeded) but exported the way Hugging Face exports BERT to ONNX (anonymous MatMul weights,
named biases), so the tests exercise the same loading path as the real MiniLM encoder. The collection has
documents on distinct topics and one judged query per topic, so a few dozen training steps visibly lower the loss.
"""

from __future__ import annotations

import json
import os
import sys

import torch

from .bert_onnx import BertEncoder, BertShape

TOPICS = {
    "ocean": "whales swim in the deep ocean and dolphins play in the waves of the sea",
    "space": "rockets carry astronauts to orbit and planets circle the distant stars",
    "cooking": "bake bread in the oven and cook soup with fresh vegetables and salt",
    "music": "the violin and the piano play a song while the choir sings a melody",
    "forest": "tall trees grow in the forest where deer and foxes hide among the leaves",
    "city": "buses and trains move people through the busy streets of the city at night",
}
QUERIES = {
    "ocean": "where do whales and dolphins live",
    "space": "how do astronauts reach orbit",
    "cooking": "how to bake bread in an oven",
    "music": "instruments that play a melody",
    "forest": "animals that hide among trees",
    "city": "public transport in the city",
}


def vocabulary() -> list[str]:
    words = sorted({w for text in list(TOPICS.values()) + list(QUERIES.values()) for w in text.split()})
    extra = ["topic", "about", "report", "##s", "##ing", "##ed"]
    return ["[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + [w for w in extra if w not in words]


def write_encoder(folder: str, seed: int = 7) -> str:
    """Writes model.onnx (last_hidden_state output) and vocab.txt; returns the folder."""
    os.makedirs(folder, exist_ok=True)
    vocab = vocabulary()
    with open(os.path.join(folder, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    torch.manual_seed(seed)
    encoder = BertEncoder(BertShape(len(vocab), hidden=32, layers=2, heads=4, intermediate=64, max_positions=64))
    # Distinct values everywhere: the exporter merges identical initializers (such as LayerNorm's default ones),
    # which real checkpoints never have.
    with torch.no_grad():
        for name, p in encoder.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            else:
                torch.nn.init.normal_(p, std=0.3)
    encoder.eval()
    ids = torch.tensor([[3, 10, 11, 4], [3, 12, 4, 0]])
    with torch.no_grad():
        torch.onnx.export(encoder, (ids, (ids != 0).long()), os.path.join(folder, "model.onnx"), opset_version=14,
                          input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"},
                                        "last_hidden_state": {0: "b", 1: "s"}})
    return folder


def write_collection(folder: str, copies: int = 3) -> tuple[str, str]:
    """Writes corpus.jsonl (``copies`` documents per topic) and pairs.tsv; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    corpus = os.path.join(folder, "corpus.jsonl")
    pairs = os.path.join(folder, "pairs.tsv")
    with open(corpus, "w", encoding="utf-8") as f:
        for topic, text in TOPICS.items():
            for i in range(copies):
                words = text.split()
                rotated = " ".join(words[i:] + words[:i])
                f.write(json.dumps({"_id": f"{topic}-{i}", "title": f"topic report about {topic}" if topic in QUERIES else "",
                                    "text": rotated}) + "\n")
    with open(pairs, "w", encoding="utf-8") as f:
        for topic, query in QUERIES.items():
            for i in range(copies):
                f.write(f"{query}\t{topic}-{i}\n")
    return corpus, pairs


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python3 -m splade_train.tiny OUT_FOLDER", file=sys.stderr)
        sys.exit(2)
    write_encoder(os.path.join(sys.argv[1], "encoder"))
    write_collection(os.path.join(sys.argv[1], "data"))
