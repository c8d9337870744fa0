"""BM25 for hard-negative mining, with the eval harness's settings (k1 = 0.9, b = 0.4, title + text in one field).

Hand-written because the training tool runs under Debian's python3, which has no search library; mining needs
only a ranked list, not Lucene's exact scores, so the analysis is Lucene's StandardAnalyzer approximated by
lowercasing, splitting on non-alphanumerics and dropping Lucene's English stop words.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these they "
    "this to was will with".split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def analyze(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


class Bm25Index:
    def __init__(self, docs: dict[str, str], k1: float = 0.9, b: float = 0.4):
        if not docs:
            raise ValueError("BM25 needs at least one document")
        self.keys = list(docs)
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = []
        for i, key in enumerate(self.keys):
            counts = Counter(analyze(docs[key]))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term].append((i, tf))
        self.lengths = lengths
        self.avg_length = max(1e-9, sum(lengths) / len(lengths))

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        n = len(self.keys)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        scores: dict[int, float] = defaultdict(float)
        for term in set(analyze(query)):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for doc, tf in postings:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[doc] / self.avg_length)
                scores[doc] += idf * tf * (self.k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]
        return [(self.keys[d], s) for d, s in best]


class Bm25Indexes:
    """One BM25 index per collection, built on first use: negative mining and the held-out pools share them."""

    def __init__(self, collections):
        self._collections = {c.name: c for c in collections}
        self._indexes: dict[str, Bm25Index] = {}

    def __getitem__(self, name: str) -> Bm25Index:
        if name not in self._indexes:
            docs = self._collections[name].docs
            self._indexes[name] = Bm25Index({k: d.indexed_text for k, d in docs.items()})
        return self._indexes[name]


def mine_negatives(index: Bm25Index, query: str, relevant: frozenset[str], depth: int) -> list[str]:
    """The top ``depth`` BM25 documents that are not judged relevant: plausible but wrong answers."""
    return [key for key, _ in index.search(query, depth + len(relevant)) if key not in relevant][:depth]
