"""Hard negatives mined with the SPLADE model itself (as SPLADE++ and ANCE do in their later training rounds).

BM25 negatives share the query's words. They teach nothing about the documents a SPLADE model wrongly ranks high
through its expansion terms, which is where a head trained on BM25 negatives alone goes wrong in full retrieval: a
term drifts into a code shared by unrelated texts, and those texts are never in a BM25 pool. Mining the top of the
model's own ranking over the whole corpus puts exactly those documents into the contrastive loss.
"""

from __future__ import annotations

import sys
import time

import torch

from .data import Collection, Example
from .model import SpladeHead
from .states import HiddenStates


@torch.no_grad()
def encode_documents(head: SpladeHead, states: HiddenStates, texts: list[str], batch: int = 32,
                     progress: bool = False) -> torch.Tensor:
    """Sparse (COO) ``[texts, vocab]`` SPLADE weights of ``texts`` (all in ``states``)."""
    rows = []
    started = time.time()
    for s in range(0, len(texts), batch):
        rows.append(head.pool([states.hidden(t) for t in texts[s:s + batch]]).to_sparse())
        if progress:
            done = min(len(texts), s + batch)
            print(f"\rencoding documents for model negatives: {done}/{len(texts)} ({time.time() - started:.0f} s)",
                  end="", file=sys.stderr, flush=True)
    if progress and texts:
        print(file=sys.stderr)
    if not rows:
        return torch.zeros(0, head.bias.shape[0]).to_sparse()
    return torch.cat(rows).coalesce()


@torch.no_grad()
def mine(head: SpladeHead, states: HiddenStates, collections: list[Collection], examples: list[Example], depth: int,
         skip: int = 0, query_batch: int = 256, progress: bool = True) -> dict[tuple[str, str], list[str]]:
    """Per (collection, query) of ``examples``: the model's top-ranked documents of that collection that are not
    judged relevant, ranks ``skip`` .. ``skip + depth`` (skipping the very top guards against unjudged relevant
    documents). Scores are the exact dot products over the collection's whole corpus."""
    if depth <= 0:
        return {}
    by_name = {c.name: c for c in collections}
    wanted: dict[str, dict[str, frozenset[str]]] = {}
    for e in examples:
        relevant = wanted.setdefault(e.collection, {})
        relevant[e.query] = relevant.get(e.query, frozenset()) | e.relevant
    mined: dict[tuple[str, str], list[str]] = {}
    for name, queries in sorted(wanted.items()):
        keys = sorted(by_name[name].docs)
        docs = encode_documents(head, states, [by_name[name].docs[k].indexed_text for k in keys], progress=progress)
        ordered = sorted(queries)
        for s in range(0, len(ordered), query_batch):
            chunk = ordered[s:s + query_batch]
            q = head.pool([states.hidden(text) for text in chunk])
            scores = torch.sparse.mm(docs, q.T).T  # [queries, docs]
            k = min(len(keys), skip + depth + max(len(queries[t]) for t in chunk))
            top = scores.topk(k, dim=1)
            for i, text in enumerate(chunk):
                ranked = [keys[j] for j, v in zip(top.indices[i].tolist(), top.values[i].tolist()) if v > 0]
                wrong = [key for key in ranked if key not in queries[text]]
                mined[(name, text)] = wrong[skip:skip + depth]
    return mined
