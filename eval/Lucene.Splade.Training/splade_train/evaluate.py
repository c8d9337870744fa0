"""A quick held-out check during training: rerank each held-out query's BM25 pool and compute nDCG@10.

This is a training-time signal on train/dev data only; the figures we report come from the C# eval harness on the
test splits.
"""

from __future__ import annotations

import math

import torch

from .bm25 import Bm25Indexes
from .data import Example
from .model import SpladeHead
from .states import HiddenStates


def ndcg_at_10(ranked: list[str], gains: dict[str, int]) -> float:
    """trec_eval's ndcg_cut_10: gain / log2(rank + 1), ideal from the judged gains."""
    dcg = sum(gains.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(gains.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def holdout_pools(indexes: Bm25Indexes, holdout: list[Example], depth: int) -> dict[str, tuple[str, list[str], dict[str, int]]]:
    """Per held-out query: (collection, BM25 top-depth pool plus its relevant docs, gains)."""
    pools: dict[str, tuple[str, list[str], dict[str, int]]] = {}
    for e in holdout:
        if e.query in pools:
            continue
        ranked = [k for k, _ in indexes[e.collection].search(e.query, depth)]
        pools[e.query] = (e.collection, list(dict.fromkeys(ranked + sorted(e.relevant))), {k: 1 for k in e.relevant})
    return pools


def trim_pools(pools, max_queries: int, depth: int):
    """At most ``max_queries`` pools (an even spread over the sorted queries), each cut to its BM25 top ``depth``
    plus its relevant documents: encoding every pool document is the expensive part of the check."""
    queries = sorted(pools)
    if len(queries) > max_queries:
        step = len(queries) / max_queries
        queries = [queries[int(i * step)] for i in range(max_queries)]
    trimmed = {}
    for q in queries:
        collection, pool, gains = pools[q]
        ranked = [k for k in pool if k not in gains][:depth]
        trimmed[q] = (collection, list(dict.fromkeys(ranked + sorted(gains))), gains)
    return trimmed


@torch.no_grad()
def evaluate(head: SpladeHead, states: HiddenStates, docs: dict[str, str], pools, special: torch.Tensor) -> dict[str, float]:
    """Mean nDCG@10 over the pools for the model's queries (and inference-free ones when the head has them)."""
    doc_keys = sorted({k for _, pool, _ in pools.values() for k in pool})
    row = {k: i for i, k in enumerate(doc_keys)}
    matrix = torch.cat([head.pool([states.hidden(docs[k]) for k in doc_keys[s:s + 64]])
                        for s in range(0, len(doc_keys), 64)]) if doc_keys else torch.zeros(0, head.bias.shape[0])
    results = {"queries": float(len(pools)), "ndcg10": 0.0, "terms_q": 0.0,
               "terms_d": float((matrix > 0).sum(1).float().mean()) if doc_keys else 0.0}
    free = head.query_weights is not None
    if free:
        results["ndcg10_inference_free"] = 0.0
        results["terms_q_inference_free"] = 0.0
    per_collection: dict[str, dict[str, float]] = {}
    for query, (collection, pool, gains) in pools.items():
        mine = per_collection.setdefault(collection, {"queries": 0.0})
        mine["queries"] += 1
        q = head.pool([states.hidden(query)])[0]
        results["terms_q"] += float((q > 0).sum())
        variants = [("ndcg10", q)]
        if free:
            qf = head.inference_free_queries([states.ids(query)], special)[0]
            results["terms_q_inference_free"] += float((qf > 0).sum())
            variants.append(("ndcg10_inference_free", qf))
        for name, vector in variants:
            values = matrix[torch.tensor([row[k] for k in pool])] @ vector
            scores = dict(zip(pool, values.tolist()))
            ranked = sorted(pool, key=lambda k: (-scores[k], k))
            value = ndcg_at_10(ranked, gains)
            results[name] += value
            mine[name] = mine.get(name, 0.0) + value
    n = max(1, len(pools))
    for k in list(results):
        if k not in ("queries", "terms_d"):
            results[k] /= n
    for collection, mine in per_collection.items():
        for k in list(mine):
            if k != "queries":
                mine[k] = mine[k] / mine["queries"]
        for k, v in mine.items():
            results[f"{collection}.{k}"] = v
    return results
