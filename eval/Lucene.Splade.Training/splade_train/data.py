"""Training data: BEIR collections, user pairs, and self-supervised pairs built from corpus text."""

from __future__ import annotations

import csv
import json
import os
import random
import re
from dataclasses import dataclass, field


class DataError(ValueError):
    """Input data is missing or malformed; the message names the file and line."""


@dataclass
class Document:
    key: str  # "<collection>/<doc id>"
    title: str
    text: str

    @property
    def indexed_text(self) -> str:
        """The text a document is encoded from: title and body in one field, as the eval harness indexes it."""
        return f"{self.title} {self.text}".strip() if self.title else self.text.strip()


@dataclass
class Example:
    """One (query, relevant document) pair.

    ``skip_prefix`` is the start of the document's indexed text that the query was cut from (self-supervised pairs);
    the document side pools only the tokens after it, so the pair cannot be solved by copying the query.
    """

    query: str
    doc_key: str
    collection: str
    relevant: frozenset[str] = field(default_factory=frozenset)  # every doc key relevant to this query
    skip_prefix: str = ""
    self_supervised: bool = False


def read_jsonl(path: str) -> list[dict]:
    if not os.path.isfile(path):
        raise DataError(f"file not found: '{path}'")
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{path}:{number}: not valid JSON ({e.msg})") from e
            if not isinstance(row, dict):
                raise DataError(f"{path}:{number}: expected a JSON object")
            rows.append(row)
    return rows


def load_corpus(path: str, collection: str) -> dict[str, Document]:
    """Reads a BEIR corpus.jsonl ({"_id", "title", "text"}); keys become "<collection>/<_id>"."""
    docs: dict[str, Document] = {}
    for number, row in enumerate(read_jsonl(path), 1):
        doc_id = row.get("_id")
        if doc_id is None or "text" not in row:
            raise DataError(f"{path}: record {number} lacks '_id' or 'text'")
        key = f"{collection}/{doc_id}"
        if key in docs:
            raise DataError(f"{path}: duplicate document id '{doc_id}'")
        docs[key] = Document(key, str(row.get("title") or ""), str(row["text"] or ""))
    if not docs:
        raise DataError(f"{path}: the corpus is empty")
    return docs


def load_queries(path: str) -> dict[str, str]:
    return {str(r["_id"]): str(r.get("text", "")) for r in read_jsonl(path) if "_id" in r}


def load_qrels(path: str) -> dict[str, dict[str, int]]:
    """Reads a BEIR qrels TSV (header line, then query-id, corpus-id, score); keeps positive scores."""
    if not os.path.isfile(path):
        raise DataError(f"file not found: '{path}'")
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.reader(f, delimiter="\t"), 1):
            if number == 1 and row and row[0] == "query-id":
                continue
            if not row:
                continue
            if len(row) != 3:
                raise DataError(f"{path}:{number}: expected 3 tab-separated fields, found {len(row)}")
            try:
                score = int(row[2])
            except ValueError:
                raise DataError(f"{path}:{number}: score '{row[2]}' is not an integer") from None
            if score > 0:
                qrels.setdefault(row[0], {})[row[1]] = score
    return qrels


@dataclass
class Collection:
    name: str
    docs: dict[str, Document]
    examples: list[Example]


def load_beir(folder: str, splits: list[str], name: str | None = None) -> Collection:
    """A BEIR folder and the qrels splits to train on (never 'test')."""
    name = name or os.path.basename(os.path.normpath(folder))
    for split in splits:
        if split == "test":
            raise DataError("refusing to train on the 'test' split: use train/dev splits only")
    docs = load_corpus(os.path.join(folder, "corpus.jsonl"), name)
    examples: list[Example] = []
    if splits:
        queries = load_queries(os.path.join(folder, "queries.jsonl"))
        for split in splits:
            qrels = load_qrels(os.path.join(folder, "qrels", f"{split}.tsv"))
            for qid, judged in sorted(qrels.items()):
                if qid not in queries:
                    raise DataError(f"{folder}: qrels/{split}.tsv names query '{qid}', absent from queries.jsonl")
                relevant = frozenset(f"{name}/{d}" for d in judged if f"{name}/{d}" in docs)
                for doc_key in sorted(relevant):
                    examples.append(Example(queries[qid], doc_key, name, relevant))
    return Collection(name, docs, examples)


def load_pairs(path: str, docs: dict[str, Document], collection: str) -> list[Example]:
    """User pairs: TSV 'query<TAB>doc id' lines, or JSONL {"query", "doc_id"}; doc ids refer to the corpus."""
    raw: list[tuple[int, str, str]] = []
    if path.endswith(".jsonl"):
        for number, row in enumerate(read_jsonl(path), 1):
            if "query" not in row or "doc_id" not in row:
                raise DataError(f"{path}: record {number} lacks 'query' or 'doc_id'")
            raw.append((number, str(row["query"]), str(row["doc_id"])))
    else:
        if not os.path.isfile(path):
            raise DataError(f"file not found: '{path}'")
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                parts = line.split("\t")
                if len(parts) != 2:
                    raise DataError(f"{path}:{number}: expected 'query<TAB>doc id', found {len(parts)} fields")
                raw.append((number, parts[0], parts[1]))
    by_query: dict[str, set[str]] = {}
    for number, query, doc_id in raw:
        key = f"{collection}/{doc_id}"
        if key not in docs:
            raise DataError(f"{path}:{number}: document '{doc_id}' is not in the corpus")
        if not query.strip():
            raise DataError(f"{path}:{number}: the query is empty")
        by_query.setdefault(query, set()).add(key)
    return [Example(q, d, collection, frozenset(keys)) for q, keys in by_query.items() for d in sorted(keys)]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def self_supervised(docs: dict[str, Document], collection: str, min_rest_words: int = 20) -> list[Example]:
    """Pairs that need no judgments: the title (else the first sentence) as the query, the document as its positive.

    The document side pools only what follows the query's text (see ``Example.skip_prefix``), so the model must
    learn to match a heading to the body it introduces rather than to itself.
    """
    examples = []
    for doc in docs.values():
        full = doc.indexed_text
        if doc.title.strip():
            query = doc.title.strip()
        else:
            parts = _SENTENCE_END.split(doc.text.strip(), maxsplit=1)
            if len(parts) < 2:
                continue
            query = parts[0]
        if len(query.split()) < 3:
            continue
        prefix, rest = "", full
        # Consume the query as often as the text repeats it (Cranfield bodies restate the title).
        while rest.lstrip().startswith(query):
            lead = len(rest) - len(rest.lstrip())
            prefix += rest[: lead + len(query)]
            rest = rest[lead + len(query):]
        if not prefix or len(rest.split()) < min_rest_words:
            continue
        examples.append(Example(query, doc.key, collection, frozenset([doc.key]), prefix, True))
    return examples


def split_holdout(examples: list[Example], fraction: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Splits by query text, so a held-out query never has pairs in training."""
    queries = sorted({e.query for e in examples})
    random.Random(seed).shuffle(queries)
    held = set(queries[: int(len(queries) * fraction)])
    return [e for e in examples if e.query not in held], [e for e in examples if e.query in held]
