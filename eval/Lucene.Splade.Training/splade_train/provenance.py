"""What a training record says about its inputs: collection names and file hashes, never this machine's folders.

A record (training.json) is committed with the weights it describes, so it must read the same on every machine:
datasets are named by their folder name with the SHA-256 of each file the run read, files by their name and hash,
and paths in the command line are made relative to the repository (or reduced to their last two components).
"""
from __future__ import annotations

import hashlib
import os
import re

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:[\\/])")


def portable_path(path: str, repository: str = REPOSITORY) -> str:
    """A path as a record may hold it: relative to the repository when inside it, else its last two components
    (enough to tell 'datasets/scifact' or 'minilm-.../model.onnx' apart, nothing about the machine)."""
    if not _ABSOLUTE.match(path):
        return path
    if re.match(r"^[A-Za-z]:", path) and os.sep == "/":  # a Windows path read on another system
        parts = [p for p in re.split(r"[\\/]", path[2:]) if p]
        return "/".join(parts[-2:]) if parts else path
    full = os.path.abspath(path)
    root = os.path.abspath(repository)
    if full == root or full.startswith(root + os.sep):
        return os.path.relpath(full, root).replace(os.sep, "/")
    parts = [p for p in re.split(r"[\\/]", full) if p and not p.endswith(":")]
    return "/".join(parts[-2:]) if parts else full


def file_sha256(path: str) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hash_if_file(path: str) -> str | None:
    return file_sha256(path) if os.path.isfile(path) else None


def beir_source(folder: str, splits: list[str]) -> dict:
    """A BEIR collection as a training input: its name, the splits read and the SHA-256 of each file read."""
    qrels = {s: _hash_if_file(os.path.join(folder, "qrels", f"{s}.tsv")) for s in splits}
    return {
        "collection": os.path.basename(os.path.abspath(folder)),
        "splits": splits or "corpus only",
        "corpus_sha256": _hash_if_file(os.path.join(folder, "corpus.jsonl")),
        **({"queries_sha256": _hash_if_file(os.path.join(folder, "queries.jsonl")), "qrels_sha256": qrels} if splits else {}),
    }


def file_source(kind: str, path: str) -> dict:
    """A plain input file (a corpus, a pairs file, an ONNX encoder): its name and SHA-256."""
    return {kind: portable_path(path), "sha256": _hash_if_file(path)}


def portable_command(argv: list[str], repository: str = REPOSITORY) -> list[str]:
    """The command line with every absolute path made portable; a BEIR spec keeps its ':splits' suffix."""
    out = []
    for arg in argv:
        path, sep, suffix = arg.partition(":")
        if sep and _ABSOLUTE.match(path) and not re.match(r"^[A-Za-z]$", path):
            out.append(portable_path(path, repository) + ":" + suffix)
        else:
            out.append(portable_path(arg, repository))
    return out


def scrub(value, repository: str = REPOSITORY):
    """A record with every string that is an absolute path (or a BEIR spec on one) made portable, recursively."""
    if isinstance(value, dict):
        return {k: scrub(v, repository) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, repository) for v in value]
    if isinstance(value, str):
        return " ".join(portable_command(value.split(" "), repository))
    return value
