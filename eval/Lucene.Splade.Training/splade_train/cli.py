"""Command line: ``python3 -m splade_train train ...`` (see the README's "Training and fine-tuning" section)."""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import sys
import time
from dataclasses import asdict

import torch

from . import export, loo, model_negatives, provenance
from .bert_onnx import BertEncoder, OnnxModelError
from .bm25 import Bm25Indexes
from .data import DataError, load_beir, load_corpus, load_pairs, self_supervised, split_holdout, Collection
from .evaluate import evaluate, holdout_pools, trim_pools
from .model import SpladeHead
from .provenance import file_sha256
from .states import cached
from .tokenizer import Vocabulary, WordPieceTokenizer
from .train import SAMPLING, TrainConfig, Trainer, add_model_negatives, idf_weights, init_head, prepare, write_log


REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EMBEDDED_MODELS = os.path.join(REPOSITORY, "src", "Lucene.Splade.Embedded", "obj", "models")


def default_encoder(models: str = EMBEDDED_MODELS) -> str | None:
    """The embedded default's float folder, which building the solution writes under src/Lucene.Splade.Embedded.

    Only a float folder with the calibrated tied-embedding head qualifies: its encoder is all-MiniLM-L6-v2 untouched.
    A trained head's folder may hold encoder layers trained with it, and the packaged default's MatMuls are int8;
    neither must become the frozen base of another run. The build writes the float one as ``minilm-l6-splade-fp32``."""
    for name in ("minilm-l6-splade-fp32", "minilm-l6-splade"):
        folder = os.path.join(models, name)
        config = os.path.join(folder, "splade_config.json")
        if not os.path.isfile(os.path.join(folder, "model.onnx")) or not os.path.isfile(config):
            continue
        with open(config, encoding="utf-8") as f:
            description = json.load(f).get("description") or ""
        if "tied-embedding SPLADE head" in description and "int8" not in description:
            return folder
    return None


def resolve_encoder(path: str | None) -> tuple[str, str]:
    """(model.onnx, vocab.txt) of the base encoder: a model folder or an .onnx file with vocab.txt beside it."""
    path = path or default_encoder()
    if path is None:
        raise DataError("no base encoder given and the embedded default model has not been built: run "
                        "`dotnet build src/Lucene.Splade.Embedded` once, or pass --encoder")
    onnx_path = path if path.endswith(".onnx") else os.path.join(path, "model.onnx")
    vocab = os.path.join(os.path.dirname(onnx_path), "vocab.txt")
    for f in (onnx_path, vocab):
        if not os.path.isfile(f):
            raise DataError(f"base encoder file not found: '{f}'")
    return onnx_path, vocab


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m splade_train",
                                     description="Train a SPLADE head (and inference-free query weights) on a frozen BERT encoder.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train and write a model folder")
    t.add_argument("--out", required=True, help="model folder to write")
    t.add_argument("--encoder", help="base encoder: a model folder or model.onnx (vocab.txt beside it); default: the embedded default's folder in the build")
    t.add_argument("--beir", action="append", default=[], metavar="DIR[:SPLIT,...]",
                   help="a BEIR collection and the qrels splits to train on (train/dev; never test); corpus only without splits")
    t.add_argument("--corpus", action="append", default=[], metavar="FILE",
                   help="your corpus (JSONL with _id, title, text); pair it with --pairs, or use --self-supervised")
    t.add_argument("--pairs", action="append", default=[], metavar="FILE",
                   help="(query, relevant doc id) pairs for the --corpus given before it: TSV 'query<TAB>doc id' or JSONL {query, doc_id}")
    t.add_argument("--self-supervised", action="store_true", help="add title/first-sentence -> body pairs from every corpus")
    t.add_argument("--holdout", type=float, default=0.1, help="fraction of labeled queries held out for the final check (default 0.1)")
    t.add_argument("--check-queries", type=int, default=150, help="held-out queries in the final check (default 150)")
    t.add_argument("--check-depth", type=int, default=20, help="BM25 depth of each held-out query's pool (default 20)")
    t.add_argument("--init-from", metavar="FOLDER|FILE",
                   help="start from a trained head (a folder with head.safetensors [and query_weights.safetensors], or the "
                        "file), e.g. the shipped one in src/Lucene.Splade.ModelPreparation/Weights; default: a fresh head")
    t.add_argument("--init-z", type=float, default=3.5,
                   help="a fresh head starts keeping a term where its logit is this many standard deviations above its mean")
    t.add_argument("--train", choices=["head", "bias"], default="head",
                   help="what training changes: the whole head (default), or only the per-term bias (and query weights), "
                        "keeping the transform fixed so terms stay the encoder's own word-embedding matches")
    t.add_argument("--train-top-layers", type=int, default=0, metavar="K",
                   help="also train the encoder's top K layers (default 0: the encoder stays frozen); taken from "
                        "--init-from when that head was trained with them")
    t.add_argument("--layer-learning-rate", type=float, default=3e-5, help="learning rate of the top layers (default 3e-5)")
    t.add_argument("--steps", type=int, default=1000)
    t.add_argument("--batch-size", type=int, default=24)
    t.add_argument("--learning-rate", type=float, default=5e-4)
    t.add_argument("--lambda-q", type=float, default=3e-3, help="FLOPS weight for queries (higher: fewer query terms)")
    t.add_argument("--lambda-d", type=float, default=1e-3, help="FLOPS weight for documents (higher: fewer document terms)")
    t.add_argument("--lambda-warmup", type=int, default=300, help="steps of quadratic warm-up of the lambdas")
    t.add_argument("--negatives-depth", type=int, default=30, help="BM25 hard negatives are drawn from this depth")
    t.add_argument("--model-negatives", type=int, default=0, metavar="DEPTH",
                   help="also mine hard negatives with the starting model (--init-from, or the fresh head) over each "
                        "labeled collection's whole corpus: its top DEPTH non-relevant documents per query (default 0: off)")
    t.add_argument("--model-negatives-skip", type=int, default=0,
                   help="skip the model's first N non-relevant documents per query (likely unjudged relevant ones)")
    t.add_argument("--model-negatives-fraction", type=float, default=0.5,
                   help="share of hard negatives drawn from the model-mined ones where a query has both kinds")
    t.add_argument("--sampling", choices=sorted(SAMPLING), default="collections",
                   help="how labeled pairs are drawn: " + "; ".join(f"{k}: {v}" for k, v in SAMPLING.items())
                        + " (default: collections)")
    t.add_argument("--self-supervised-fraction", type=float, default=0.3, help="share of self-supervised pairs per batch")
    t.add_argument("--anchor-weight", type=float, default=0.0,
                   help="weight of a loss that makes each document token predict its own word piece (keeps terms lexical)")
    t.add_argument("--no-inference-free", action="store_true", help="do not train inference-free query weights")
    t.add_argument("--max-length", type=int, default=256)
    t.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "lucene-splade", "train"),
                   help="hidden-state cache folder ('' for none)")
    t.add_argument("--threads", type=int, default=0, help="CPU threads (0: all)")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--log-every", type=int, default=20, help="log averages every N steps")
    t.add_argument("--no-onnx", action="store_true", help="write only the head files, not model.onnx")
    t.add_argument("--quiet", action="store_true")
    x = sub.add_parser("export", help="write a model folder (model.onnx, vocab.txt, config) for a head trained with --no-onnx")
    x.add_argument("--head", required=True, help="a folder holding head.safetensors [and query_weights.safetensors], or the file")
    x.add_argument("--encoder", help="the base encoder the head was trained on (default: the embedded default's folder in the build)")
    x.add_argument("--max-length", type=int, default=256)
    x.add_argument("--out", required=True)
    e = sub.add_parser("encode", help="encode texts with a trained model folder and print JSON (for checks)")
    e.add_argument("--model", required=True, help="a model folder written by 'train' (model.onnx, vocab.txt, head.safetensors)")
    e.add_argument("--max-length", type=int, default=256)
    e.add_argument("--inference-free", action="store_true", help="encode as inference-free queries")
    e.add_argument("texts", nargs="+")
    o = sub.add_parser("loo", help="leave-one-collection-out: per collection, train without it and evaluate on its test "
                                   "split with the C# harness; writes loo.md and loo.json")
    o.add_argument("--datasets", required=True, help="the folder holding the BEIR collections")
    o.add_argument("--collections", required=True, help="comma list of collection folder names (at least two)")
    o.add_argument("--out", required=True, help="folder for each fold's model and evaluation, and the table")
    o.add_argument("--harness", default=loo.DEFAULT_HARNESS, help="the command that runs splade-eval (default: dotnet run)")
    o.add_argument("--eval-cache", help="the harness's vector cache folder (default: its own)")
    o.add_argument("--quiet", action="store_true", help="hide the harness's output")
    o.add_argument("train_args", nargs=argparse.REMAINDER,
                   help="after --: arguments of 'train' for every fold (not --out, --beir, --corpus or --pairs)")
    k = sub.add_parser("tokenize", help="read JSON lines ({\"text\": ...}) from stdin, print each text's input ids as a JSON array")
    k.add_argument("--vocab", required=True, help="a vocab.txt")
    k.add_argument("--max-length", type=int, default=256)
    return parser.parse_args(argv)


def _load_collections(args: argparse.Namespace) -> tuple[list[Collection], list[dict]]:
    collections, sources = [], []
    for spec in args.beir:
        folder, _, splits = spec.partition(":")
        if len(folder) == 1 and splits and os.path.sep in splits:  # a Windows drive letter, not a split list
            folder, splits = spec, ""
        split_list = [s for s in splits.split(",") if s]
        collections.append(load_beir(folder, split_list))
        sources.append(provenance.beir_source(folder, split_list))
    if len(args.pairs) > len(args.corpus):
        raise DataError("--pairs needs a --corpus before it")
    for i, corpus in enumerate(args.corpus):
        name = os.path.splitext(os.path.basename(corpus))[0] or f"corpus{i}"
        if any(c.name == name for c in collections):
            name = f"{name}{i}"
        docs = load_corpus(corpus, name)
        examples = load_pairs(args.pairs[i], docs, name) if i < len(args.pairs) else []
        collections.append(Collection(name, docs, examples))
        sources.append({**provenance.file_source("corpus", corpus),
                        **({"pairs": provenance.file_source("pairs", args.pairs[i])} if i < len(args.pairs) else {})})
    if not collections:
        raise DataError("no training data: give --beir DIR:SPLIT, or --corpus FILE with --pairs FILE or --self-supervised")
    return collections, sources


def start_from(head: SpladeHead, source: str, encoder: BertEncoder | None = None) -> None:
    """Copies a trained head (its query weights, when the head has them and they are there, and its trained top layers,
    when it has them) into ``head``."""
    try:
        head_path, query_path = export.head_files(source)
    except FileNotFoundError as e:
        raise DataError(f"--init-from: {e}") from e
    wanted = query_path if head.query_weights is not None else None
    try:
        trained = export.load_head(head_path, head.embeddings, wanted)
    except (ValueError, KeyError, RuntimeError) as e:
        raise DataError(f"--init-from: cannot read '{head_path}': {e}") from e
    with torch.no_grad():
        for name, value in trained.state_dict().items():
            if name in head.state_dict() and head.state_dict()[name].shape == value.shape:
                head.state_dict()[name].copy_(value)
            else:
                raise DataError(f"--init-from: '{head_path}' does not fit this encoder ({name})")
    stored = read_top_layers(head_path, encoder, "--init-from: ") if encoder is not None and head.top_layers is not None else None
    if stored is not None:
        first, layers = stored
        if first != head.first_top_layer:
            raise DataError(f"--init-from: '{head_path}' has {len(layers)} trained top layers; this run trains {head.top_layer_count}")
        head.top_layers.load_state_dict(layers.state_dict())


def read_top_layers(head_path: str, encoder: BertEncoder, context: str = ""):
    """(first layer index, trained layers) stored beside a head file, or None when it was trained on a frozen encoder."""
    layers_path = export.stored_top_layers(head_path)
    if layers_path is None:
        return None
    try:
        return export.load_top_layers(layers_path, encoder)
    except (ValueError, KeyError, RuntimeError) as e:
        raise DataError(f"{context}cannot read '{layers_path}': {e}") from e


def top_layers_to_train(args: argparse.Namespace, encoder: BertEncoder) -> int:
    """--train-top-layers, or the number of trained layers the --init-from head has when the option is not given."""
    count = args.train_top_layers
    if args.init_from:
        try:
            head_path, _ = export.head_files(args.init_from)
        except FileNotFoundError as e:
            raise DataError(f"--init-from: {e}") from e
        found = read_top_layers(head_path, encoder, "--init-from: ")
        if found is not None:
            stored = encoder.shape.layers - found[0]
            if count == 0:
                count = stored
            elif count != stored:
                raise DataError(f"--init-from was trained with --train-top-layers {stored}; this run asks for {count}")
    if count < 0 or count >= encoder.shape.layers:
        raise DataError(f"--train-top-layers must be between 0 and {encoder.shape.layers - 1} for this encoder")
    if count and args.train == "bias":
        raise DataError("--train bias trains only the per-term bias; it cannot train encoder layers")
    return count


def train_command(args: argparse.Namespace) -> int:
    started = time.time()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    elif torch.get_num_threads() < (os.cpu_count() or 1):
        torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(args.seed)
    progress = not args.quiet
    onnx_path, vocab_path = resolve_encoder(args.encoder)
    vocab = Vocabulary.load(vocab_path)
    tokenizer = WordPieceTokenizer(vocab, args.max_length)
    collections, sources = _load_collections(args)

    labeled = [e for c in collections for e in c.examples]
    train_labeled, holdout = split_holdout(labeled, args.holdout, args.seed) if labeled else ([], [])
    examples = list(train_labeled)
    if args.self_supervised:
        for c in collections:
            examples.extend(self_supervised(c.docs, c.name))
    if not examples:
        raise DataError("no training pairs: the collections have no judged pairs; add --pairs or --self-supervised")
    has_self = any(e.self_supervised for e in examples)
    has_labeled = any(not e.self_supervised for e in examples)
    fraction = args.self_supervised_fraction if has_self and has_labeled else (1.0 if has_self else 0.0)

    encoder = BertEncoder.from_onnx(onnx_path)
    if encoder.shape.vocab_size != len(vocab):
        raise DataError(f"vocab.txt has {len(vocab)} entries but the encoder's embedding matrix has {encoder.shape.vocab_size} rows")
    if args.max_length > encoder.shape.max_positions:
        raise DataError(f"--max-length {args.max_length} exceeds the encoder's {encoder.shape.max_positions} positions")
    top_layers = top_layers_to_train(args, encoder)
    indexes = Bm25Indexes(collections)
    data = prepare(collections, examples, indexes, args.negatives_depth, progress)
    pools = holdout_pools(indexes, holdout, 50) if holdout else {}
    texts = set(data.texts) | set(pools) | {data.docs[k] for _, pool, _ in pools.values() for k in pool}
    if args.model_negatives > 0:  # the model ranks each labeled collection's whole corpus
        labeled_collections = {e.collection for e in train_labeled}
        texts |= {d.indexed_text for c in collections if c.name in labeled_collections for d in c.docs.values()}
    states = cached(onnx_path, encoder, tokenizer, sorted(texts), args.cache, progress, skip_top_layers=top_layers)
    encoded_at = time.time()

    config = TrainConfig(steps=args.steps, batch_size=args.batch_size, learning_rate=args.learning_rate,
                         layer_learning_rate=args.layer_learning_rate, top_layers=top_layers,
                         lambda_q=args.lambda_q, lambda_d=args.lambda_d, lambda_warmup=args.lambda_warmup,
                         hard_negatives_depth=args.negatives_depth, model_negatives_depth=args.model_negatives,
                         model_negatives_fraction=args.model_negatives_fraction, self_supervised_fraction=fraction,
                         sampling=args.sampling,
                         inference_free=not args.no_inference_free, anchor_weight=args.anchor_weight, seed=args.seed, log_every=args.log_every,
                         threads=torch.get_num_threads())
    special = vocab.special_mask()
    first_top, trainable = export.trainable_top_layers(encoder, top_layers) if top_layers else (0, None)
    head = SpladeHead(encoder.word_embeddings, inference_free=config.inference_free, excluded=special,
                      top_layers=trainable, first_top_layer=first_top)
    corpus_texts = sorted(set(data.docs.values()))
    sample = [data.docs[e.example.doc_key] for e in (data.labeled + data.self_supervised)[:: max(1, len(examples) // 32)]][:32]
    init_head(head, states, sample, idf_weights(tokenizer, corpus_texts, len(vocab)) if config.inference_free else None, args.init_z)
    if args.init_from:
        start_from(head, args.init_from, encoder)
    if args.train == "bias":
        for p in list(head.dense.parameters()) + list(head.norm.parameters()):
            p.requires_grad_(False)
    with_model_negatives = 0
    if args.model_negatives > 0:
        mined = model_negatives.mine(head, states, collections, [t.example for t in data.labeled], args.model_negatives,
                                     args.model_negatives_skip, progress=progress)
        with_model_negatives = add_model_negatives(data, mined)
    trainer = Trainer(head, states, data, tokenizer, config, special)
    history = trainer.run(progress)
    trained_at = time.time()
    checked = trim_pools(pools, args.check_queries, args.check_depth)
    after = evaluate(head, states, data.docs, checked, special) if checked else {}

    record = {
        "tool": "splade_train", "base_encoder": provenance.portable_path(onnx_path), "base_encoder_sha256": file_sha256(onnx_path),
        "sources": sources, "self_supervised": args.self_supervised, "trained": args.train,
        "init_from": provenance.portable_path(args.init_from) if args.init_from else None, "init_z": args.init_z,
        "pairs": {"labeled_train": len(data.labeled), "self_supervised": len(data.self_supervised),
                  "with_model_negatives": with_model_negatives,
                  "labeled_holdout": len(holdout), "holdout_queries": len(pools)},
        "texts_encoded": len(texts), "config": asdict(config), "max_length": args.max_length,
        "seconds": {"encode": round(encoded_at - started, 1), "train": round(trained_at - encoded_at, 1)},
        "holdout_check": {"queries": len(checked), "bm25_depth": args.check_depth, "results": after}, "history": history,
        "torch": torch.__version__, "python": platform.python_version(), "command": provenance.portable_command(sys.argv),
    }
    description = (f"all-MiniLM-L6-v2 encoder with a SPLADE head trained by splade_train ({len(data.labeled)} labeled + "
                   f"{len(data.self_supervised)} self-supervised pairs, lambda_q={config.lambda_q}, lambda_d={config.lambda_d}, "
                   f"{config.steps} steps)")
    os.makedirs(args.out, exist_ok=True)
    write_log(os.path.join(args.out, "training_log.jsonl"), history)
    if args.no_onnx:
        export.write_head_files(args.out, head, record)
    else:
        export.write_model_folder(args.out, encoder, head, vocab_path, args.max_length, description, record)
    if progress:
        last = history[-1] if history else {}
        print(f"wrote {args.out}: {len(data.labeled)} labeled + {len(data.self_supervised)} self-supervised pairs, "
              f"{config.steps} steps in {trained_at - encoded_at:.0f} s; last terms/query {last.get('terms_q', 0):.1f}, "
              f"terms/doc {last.get('terms_d', 0):.1f}", file=sys.stderr)
        if after:
            print(f"held-out check (BM25 top-{args.check_depth} pools plus judged documents): " + json.dumps({k: round(v, 4) for k, v in after.items()}), file=sys.stderr)
    return 0


def export_command(args: argparse.Namespace) -> int:
    onnx_path, vocab_path = resolve_encoder(args.encoder)
    vocab = Vocabulary.load(vocab_path)
    encoder = BertEncoder.from_onnx(onnx_path)
    try:
        head_path, query_path = export.head_files(args.head)
    except FileNotFoundError as e:
        raise DataError(str(e)) from e
    head = export.load_head(head_path, encoder.word_embeddings, query_path, vocab.special_mask())
    stored = read_top_layers(head_path, encoder)
    if stored is not None:
        head.first_top_layer, head.top_layers = stored
    record_path = os.path.join(os.path.dirname(head_path), "training.json")
    record = {"exported_from": head_path}
    if os.path.isfile(record_path):
        with open(record_path, encoding="utf-8") as f:
            record = json.load(f) | record
    export.write_model_folder(args.out, encoder, head, vocab_path, args.max_length,
                              f"all-MiniLM-L6-v2 encoder with the SPLADE head {head_path} (splade_train export)", record)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def encode_command(args: argparse.Namespace) -> int:
    """Prints {"text": ..., "weights": {term: weight}} per text, as the exported graph computes them."""
    onnx_path, vocab_path = resolve_encoder(args.model)
    vocab = Vocabulary.load(vocab_path)
    tokenizer = WordPieceTokenizer(vocab, args.max_length)
    encoder = BertEncoder.from_onnx(onnx_path)
    folder = os.path.dirname(onnx_path)
    head_path = os.path.join(folder, export.HEAD_FILE)
    query_path = os.path.join(folder, export.QUERY_WEIGHTS_FILE)
    if not os.path.isfile(head_path):
        raise DataError(f"'{folder}' has no {export.HEAD_FILE}: not a folder written by 'train'")
    if args.inference_free and not os.path.isfile(query_path):
        raise DataError(f"'{folder}' has no {export.QUERY_WEIGHTS_FILE}: the model was trained without inference-free weights")
    special = vocab.special_mask()
    # The folder's model.onnx already holds any trained top layers (export wrote them into it), so the head here is
    # only the MLM head on the encoder's final states.
    head = export.load_head(head_path, encoder.word_embeddings, query_path if args.inference_free else None, special)
    for text in args.texts:
        ids = tokenizer.encode(text)
        with torch.no_grad():
            if args.inference_free:
                weights = head.inference_free_queries([torch.tensor(ids)], special)[0]
            else:
                hidden = encoder(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.int64))[0]
                weights = head.pool([hidden], keep=[torch.tensor(ids) != vocab.unk])[0]
        nonzero = weights.nonzero().flatten().tolist()
        print(json.dumps({"text": text, "weights": {vocab.tokens[i]: round(float(weights[i]), 6) for i in nonzero}}))
    return 0


def tokenize_command(args: argparse.Namespace) -> int:
    """Input ids of each text read from stdin (JSON lines with a "text"), one JSON array per line: for parity tests."""
    tokenizer = WordPieceTokenizer(Vocabulary.load(args.vocab), args.max_length)
    sys.stdin.reconfigure(encoding="utf-8", errors="surrogatepass")
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(tokenizer.encode(json.loads(line)["text"])))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        if args.command == "train":
            return train_command(args)
        if args.command == "export":
            return export_command(args)
        if args.command == "encode":
            return encode_command(args)
        if args.command == "tokenize":
            return tokenize_command(args)
        if args.command == "loo":
            return loo.run(args, main)
    except (DataError, OnnxModelError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 1
