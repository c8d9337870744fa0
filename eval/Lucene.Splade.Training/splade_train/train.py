"""The training loop: contrastive loss with in-batch, BM25 and model-mined hard negatives, FLOPS regularization, logging."""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from .bm25 import Bm25Indexes, mine_negatives
from .data import Collection, Example
from .model import SpladeHead, contrastive_loss, flops, lambda_at
from .states import HiddenStates
from .tokenizer import WordPieceTokenizer


@dataclass
class TrainConfig:
    steps: int = 1000
    batch_size: int = 24
    learning_rate: float = 5e-4
    layer_learning_rate: float = 3e-5  # for the encoder's top layers, when they train (pretrained weights move slowly)
    top_layers: int = 0
    lambda_q: float = 3e-3
    lambda_d: float = 1e-3
    lambda_warmup: int = 300
    hard_negatives_depth: int = 30
    model_negatives_depth: int = 0
    model_negatives_fraction: float = 0.5
    self_supervised_fraction: float = 0.3
    sampling: str = "collections"  # how labeled pairs are drawn: see SAMPLING
    inference_free: bool = True
    inference_free_weight: float = 1.0
    anchor_weight: float = 0.0
    anchor_tokens: int = 512
    seed: int = 13
    log_every: int = 20
    threads: int = 0  # 0 = all cores


SAMPLING = {
    "pairs": "every labeled pair equally likely (queries with many judged documents dominate)",
    "queries": "a query uniformly, then one of its relevant documents",
    "collections": "a collection uniformly, then a query of it uniformly, then one of its relevant documents",
}


@dataclass
class TrainingExample:
    example: Example
    negatives: list[str]  # BM25
    model_negatives: list[str] = field(default_factory=list)  # mined with the model (model_negatives.mine)


@dataclass
class PreparedData:
    docs: dict[str, str]  # doc key -> indexed text
    labeled: list[TrainingExample]
    self_supervised: list[TrainingExample]
    texts: list[str] = field(default_factory=list)  # every text the encoder must see


def prepare(collections: list[Collection], examples: list[Example], indexes: Bm25Indexes, depth: int,
            progress: bool = True) -> PreparedData:
    """Mines BM25 hard negatives per example (within its collection) and lists the texts to encode."""
    docs = {k: d.indexed_text for c in collections for k, d in c.docs.items()}
    prepared_labeled, prepared_self = [], []
    mined: dict[tuple[str, str], list[str]] = {}
    started = time.time()
    for n, e in enumerate(examples, 1):
        key = (e.collection, e.query)
        if key not in mined:
            mined[key] = mine_negatives(indexes[e.collection], e.query, e.relevant, depth)
        item = TrainingExample(e, mined[key])
        (prepared_self if e.self_supervised else prepared_labeled).append(item)
        if progress and (n % 2000 == 0 or n == len(examples)):
            print(f"\rmining BM25 negatives: {n}/{len(examples)} ({time.time() - started:.0f} s)", end="",
                  file=sys.stderr, flush=True)
    if progress and examples:
        print(file=sys.stderr)
    needed_docs = {e.doc_key for e in examples} | {d for ns in mined.values() for d in ns}
    texts = sorted({docs[k] for k in needed_docs} | {e.query for e in examples})
    return PreparedData(docs, prepared_labeled, prepared_self, texts)


def add_model_negatives(data: PreparedData, mined: dict[tuple[str, str], list[str]]) -> int:
    """Attaches ``model_negatives.mine``'s lists to the labeled examples; returns how many examples got some."""
    count = 0
    for item in data.labeled:
        item.model_negatives = list(mined.get((item.example.collection, item.example.query), []))
        count += bool(item.model_negatives)
    return count


def skip_tokens(tokenizer: WordPieceTokenizer, prefix: str) -> int:
    """How many leading tokens ([CLS] and the prefix's pieces) a self-supervised positive leaves out of pooling."""
    if not prefix:
        return 0
    return len(tokenizer.encode(prefix, max_length=10_000)) - 1


class Trainer:
    def __init__(self, head: SpladeHead, states: HiddenStates, data: PreparedData, tokenizer: WordPieceTokenizer,
                 config: TrainConfig, special_ids: torch.Tensor, log=None):
        self.head, self.states, self.data, self.tokenizer, self.config = head, states, data, tokenizer, config
        self.special = special_ids
        self.rng = random.Random(config.seed)
        self.log = log or (lambda record: None)
        layer_params = {id(p) for p in head.top_layers.parameters()} if head.top_layers is not None else set()
        groups = [{"params": [p for p in head.parameters() if p.requires_grad and id(p) not in layer_params]}]
        if layer_params:
            groups.append({"params": [p for p in head.top_layers.parameters() if p.requires_grad],
                           "lr": config.layer_learning_rate})
        self.optimizer = torch.optim.Adam(groups, lr=config.learning_rate)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda s: learning_rate_factor(s, config.steps))
        self.history: list[dict] = []
        self._skip_cache: dict[str, int] = {}
        if config.sampling not in SAMPLING:
            raise ValueError(f"unknown sampling '{config.sampling}': use one of {', '.join(SAMPLING)}")
        # collection -> its queries' labeled pairs, in a fixed order so a seed gives the same batches
        grouped: dict[str, dict[str, list[TrainingExample]]] = {}
        for item in data.labeled:
            grouped.setdefault(item.example.collection, {}).setdefault(item.example.query, []).append(item)
        self._by_collection = [list(queries.values()) for _, queries in sorted(grouped.items())]
        self._by_query = [pairs for queries in self._by_collection for pairs in queries]

    def _labeled(self) -> TrainingExample:
        """One labeled pair, drawn as ``config.sampling`` says."""
        sampling = self.config.sampling
        if sampling == "pairs":
            return self.rng.choice(self.data.labeled)
        queries = self.rng.choice(self._by_collection) if sampling == "collections" else self._by_query
        return self.rng.choice(self.rng.choice(queries))

    def _batch(self) -> list[TrainingExample]:
        c = self.config
        pools = [(self.data.labeled, 1.0 - c.self_supervised_fraction), (self.data.self_supervised, c.self_supervised_fraction)]
        pools = [(p, w) for p, w in pools if p and w > 0]
        if not pools:
            raise ValueError("no training examples")
        total = sum(w for _, w in pools)
        batch, queries = [], set()
        attempts = 0
        while len(batch) < c.batch_size and attempts < c.batch_size * 20:
            attempts += 1
            r, acc = self.rng.random() * total, 0.0
            for pool, w in pools:
                acc += w
                if r <= acc:
                    break
            item = self._labeled() if pool is self.data.labeled else self.rng.choice(pool)
            if item.example.query in queries:
                continue  # one pair per query per batch keeps the softmax targets unique
            queries.add(item.example.query)
            batch.append(item)
        return batch

    def _negative(self, item: TrainingExample) -> str | None:
        """A BM25 or (with probability ``model_negatives_fraction``) a model-mined hard negative of the example."""
        if item.negatives and item.model_negatives:
            use_model = self.rng.random() < self.config.model_negatives_fraction
            pool = item.model_negatives if use_model else item.negatives
        else:
            pool = item.negatives or item.model_negatives
        return self.rng.choice(pool) if pool else None

    def _skip(self, skip_prefix: str) -> int:
        """Leading tokens of a self-supervised positive left out of its pooling (the prefix the query was cut from)."""
        if not skip_prefix:
            return 0
        if skip_prefix not in self._skip_cache:
            self._skip_cache[skip_prefix] = skip_tokens(self.tokenizer, skip_prefix)
        return self._skip_cache[skip_prefix]

    def _anchor_loss(self, batch: list[TrainingExample]) -> torch.Tensor:
        """Keeps terms lexical: each sampled document token should predict its own word piece (cross-entropy over the
        vocabulary), so the head cannot turn terms into latent codes that match unrelated documents."""
        hidden = torch.cat(self.head.contextualize([self.states.hidden(self.data.docs[item.example.doc_key]) for item in batch]))
        ids = torch.cat([self.states.ids(self.data.docs[item.example.doc_key]) for item in batch]).long()
        keep = (~self.special[ids]).nonzero().flatten()
        if keep.numel() == 0:
            return torch.tensor(0.0)
        pick = keep[torch.randperm(keep.numel(), generator=torch.Generator().manual_seed(self.rng.randrange(1 << 30)))[: self.config.anchor_tokens]]
        logits = self.head.logits(hidden[pick])
        return nn.functional.cross_entropy(logits, ids[pick])

    def step(self, step: int) -> dict:
        c = self.config
        batch = self._batch()
        doc_keys: list[str] = []
        doc_hidden: list[torch.Tensor] = []
        doc_skip: list[int] = []
        positives = []
        for item in batch:
            positives.append(len(doc_keys))
            doc_keys.append(item.example.doc_key)
            doc_hidden.append(self.states.hidden(self.data.docs[item.example.doc_key]))
            doc_skip.append(self._skip(item.example.skip_prefix))
        for item in batch:
            neg = self._negative(item)
            if neg is not None:
                doc_keys.append(neg)
                doc_hidden.append(self.states.hidden(self.data.docs[neg]))
                doc_skip.append(0)
        false_negatives = torch.zeros(len(batch), len(doc_keys), dtype=torch.bool)
        for i, item in enumerate(batch):
            for j, key in enumerate(doc_keys):
                if j != positives[i] and key in item.example.relevant:
                    false_negatives[i, j] = True
        q_hidden = [self.states.hidden(item.example.query) for item in batch]
        docs = self.head.pool(doc_hidden, doc_skip)
        queries = self.head.pool(q_hidden)
        target = torch.tensor(positives)
        loss_rank = contrastive_loss(queries, docs, target, false_negatives)
        lq, ld = lambda_at(step, c.lambda_q, c.lambda_warmup), lambda_at(step, c.lambda_d, c.lambda_warmup)
        flops_q, flops_d = flops(queries), flops(docs)
        loss = loss_rank + lq * flops_q + ld * flops_d
        loss_if = torch.tensor(0.0)
        if self.head.query_weights is not None and c.inference_free_weight > 0:
            q_free = self.head.inference_free_queries([self.states.ids(item.example.query) for item in batch], self.special)
            loss_if = contrastive_loss(q_free, docs, target, false_negatives)
            loss = loss + c.inference_free_weight * loss_if
        loss_anchor = torch.tensor(0.0)
        if c.anchor_weight > 0:
            loss_anchor = self._anchor_loss(batch)
            loss = loss + c.anchor_weight * loss_anchor
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.scheduler.step()
        with torch.no_grad():
            record = {
                "step": step, "loss": float(loss), "rank_loss": float(loss_rank), "inference_free_loss": float(loss_if),
                "flops_q": float(flops_q), "flops_d": float(flops_d), "lambda_q": lq, "lambda_d": ld,
                "terms_q": float((queries > 0).sum(1).float().mean()), "terms_d": float((docs > 0).sum(1).float().mean()),
                "lr": self.scheduler.get_last_lr()[0], "anchor_loss": float(loss_anchor),
            }
        return record

    def run(self, progress: bool = True) -> list[dict]:
        c = self.config
        started = time.time()
        window: list[dict] = []
        for step in range(1, c.steps + 1):
            record = self.step(step)
            window.append(record)
            if step % c.log_every == 0 or step == c.steps:
                avg = {k: sum(r[k] for r in window) / len(window) for k in window[0]}
                avg["step"] = step
                avg["elapsed_s"] = round(time.time() - started, 1)
                self.history.append(avg)
                self.log(avg)
                if progress:
                    eta = (time.time() - started) / step * (c.steps - step)
                    print(f"step {step}/{c.steps}  loss {avg['loss']:.4f} (rank {avg['rank_loss']:.4f}, free "
                          f"{avg['inference_free_loss']:.4f})  FLOPS q {avg['flops_q']:.3f} d {avg['flops_d']:.3f}  "
                          f"terms q {avg['terms_q']:.1f} d {avg['terms_d']:.1f}  {avg['elapsed_s']:.0f} s, ETA {eta:.0f} s",
                          file=sys.stderr, flush=True)
                window = []
        return self.history


def learning_rate_factor(step: int, steps: int) -> float:
    """Linear warm-up over the first 5% of steps, then linear decay to 10% of the peak."""
    warmup = max(1, steps // 20)
    if step < warmup:
        return (step + 1) / warmup
    return max(0.1, 1.0 - 0.9 * (step - warmup) / max(1, steps - warmup))


def init_head(head: SpladeHead, states: HiddenStates, sample_texts: list[str], idf: torch.Tensor | None,
              z: float = 3.5) -> None:
    """Starts near the untrained tied head: identity transform, and a per-term bias that keeps a term only where its
    logit is ``z`` standard deviations above its mean over sample tokens (a sparse start that FLOPS then refines)."""
    with torch.no_grad():
        head.dense.weight.copy_(torch.eye(head.dense.weight.shape[0]))
        head.dense.bias.fill_(0.0)
        hidden = torch.cat(head.contextualize([states.hidden(t) for t in sample_texts]))
        logits = head.transform(hidden) @ head.embeddings.T
        head.bias.copy_(-(logits.mean(0) + z * logits.std(0)))
        if head.query_weights is not None and idf is not None:
            head.query_weights.copy_(idf)


def idf_weights(tokenizer: WordPieceTokenizer, texts: list[str], vocab_size: int) -> torch.Tensor:
    """log(N / df) per word piece over ``texts``; unseen pieces get the largest value."""
    df = torch.zeros(vocab_size)
    for t in texts:
        df[torch.tensor(sorted(set(tokenizer.encode(t))))] += 1
    n = max(1, len(texts))
    return torch.log((n + 1) / (df + 1))


def write_log(path: str, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
