"""Tests for the training tool: run with Debian's python3 from eval/Lucene.Splade.Training:

    /usr/bin/python3 -m unittest discover -s tests -v

They need python3-torch and python3-onnx (``.ci/run`` installs them) and no network; the whole file takes seconds.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import unittest

import torch

from splade_train import bm25, data, export, model_negatives, provenance, tiny
from splade_train.bert_onnx import BertEncoder, OnnxModelError, load_bert_state, run_encoder
from splade_train.cli import main
from splade_train.evaluate import ndcg_at_10
from splade_train.model import MaxPooledLogits, SpladeHead, contrastive_loss, flops, lambda_at
from splade_train.tokenizer import Vocabulary, WordPieceTokenizer, basic_tokenize
from splade_train.train import PreparedData, TrainConfig, Trainer, TrainingExample, learning_rate_factor, skip_tokens


def write(path: str, text: str) -> str:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class DataTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.root = self.dir.name
        os.makedirs(os.path.join(self.root, "qrels"))
        write(os.path.join(self.root, "corpus.jsonl"),
              '{"_id": "d1", "title": "Whales", "text": "They swim."}\n\n{"_id": "d2", "title": "", "text": "Stars shine."}\n')
        write(os.path.join(self.root, "queries.jsonl"), '{"_id": "q1", "text": "what swims"}\n{"_id": "q2", "text": "what shines"}\n')
        write(os.path.join(self.root, "qrels", "train.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t2\nq2\td1\t0\n")
        write(os.path.join(self.root, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td2\t1\n")

    def tearDown(self):
        self.dir.cleanup()

    def test_beir_pairs_keep_positive_judgments_only(self):
        c = data.load_beir(self.root, ["train"], name="tiny")
        self.assertEqual(2, len(c.docs))
        self.assertEqual("Whales They swim.", c.docs["tiny/d1"].indexed_text)
        self.assertEqual("Stars shine.", c.docs["tiny/d2"].indexed_text)
        self.assertEqual([("what swims", "tiny/d1"), ("what shines", "tiny/d2")], [(e.query, e.doc_key) for e in c.examples])
        self.assertEqual(frozenset({"tiny/d2"}), c.examples[1].relevant)

    def test_test_split_is_refused(self):
        with self.assertRaisesRegex(data.DataError, "test"):
            data.load_beir(self.root, ["test"])

    def test_malformed_inputs_name_file_and_line(self):
        bad = write(os.path.join(self.root, "bad.jsonl"), '{"_id": "x", "text": "ok"}\n{not json\n')
        with self.assertRaisesRegex(data.DataError, r"bad\.jsonl:2"):
            data.read_jsonl(bad)
        qrels = write(os.path.join(self.root, "bad.tsv"), "q1\td1\n")
        with self.assertRaisesRegex(data.DataError, r"bad\.tsv:1: expected 3"):
            data.load_qrels(qrels)
        with self.assertRaisesRegex(data.DataError, "not found"):
            data.load_corpus(os.path.join(self.root, "missing.jsonl"), "x")

    def test_user_pairs_tsv_and_jsonl(self):
        docs = data.load_corpus(os.path.join(self.root, "corpus.jsonl"), "mine")
        tsv = write(os.path.join(self.root, "pairs.tsv"), "whale facts\td1\nwhale facts\td2\n")
        examples = data.load_pairs(tsv, docs, "mine")
        self.assertEqual(2, len(examples))
        self.assertEqual(frozenset({"mine/d1", "mine/d2"}), examples[0].relevant)
        jsonl = write(os.path.join(self.root, "pairs.jsonl"), '{"query": "stars", "doc_id": "d2"}\n')
        self.assertEqual("mine/d2", data.load_pairs(jsonl, docs, "mine")[0].doc_key)
        unknown = write(os.path.join(self.root, "unknown.tsv"), "q\td9\n")
        with self.assertRaisesRegex(data.DataError, r"unknown\.tsv:1: document 'd9'"):
            data.load_pairs(unknown, docs, "mine")

    def test_self_supervised_pairs_skip_the_query_text(self):
        body = " ".join(f"w{i}" for i in range(30))
        docs = {
            "c/1": data.Document("c/1", "flow past a plate .", f"flow past a plate . {body}"),  # Cranfield restates the title
            "c/2": data.Document("c/2", "", f"first sentence is here. {body}"),  # MEDLINE has no titles
            "c/3": data.Document("c/3", "too short", body),
            "c/4": data.Document("c/4", "a long enough title", "short body"),
        }
        examples = {e.doc_key: e for e in data.self_supervised(docs, "c")}
        self.assertEqual({"c/1", "c/2"}, set(examples))
        self.assertEqual("flow past a plate . flow past a plate .", examples["c/1"].skip_prefix)
        self.assertEqual("first sentence is here.", examples["c/2"].query)
        self.assertTrue(docs["c/2"].indexed_text.startswith(examples["c/2"].skip_prefix))

    def test_holdout_splits_by_query(self):
        examples = [data.Example(f"q{i % 10}", f"d{i}", "c") for i in range(40)]
        train, held = data.split_holdout(examples, 0.3, seed=1)
        self.assertEqual(40, len(train) + len(held))
        self.assertEqual(3, len({e.query for e in held}))
        self.assertFalse({e.query for e in held} & {e.query for e in train})


class TokenizerTests(unittest.TestCase):
    vocab = Vocabulary(["[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "hello", ",", "cafe"])

    def test_basic_rules(self):
        self.assertEqual(["hello", ",", "cafe", "!"], basic_tokenize("Hello,\tCafé!\x00"))

    def test_wordpiece_and_truncation_keep_sep(self):
        tok = WordPieceTokenizer(self.vocab, max_length=16)
        self.assertEqual([3, 5, 6, 7, 2, 4], tok.encode("unaffable xyz"))
        self.assertEqual([3, 5, 6, 4], tok.encode("unaffable", max_length=4))
        self.assertEqual([3, 4], tok.encode(""))

    def test_special_entries_are_not_terms(self):
        self.assertEqual({0, 1, 2, 3, 4}, set(self.vocab.special_ids))
        self.assertEqual(5, int(self.vocab.special_mask().sum()))

    def test_skip_tokens_counts_cls_and_prefix_pieces(self):
        tok = WordPieceTokenizer(self.vocab)
        self.assertEqual(0, skip_tokens(tok, ""))
        self.assertEqual(5, skip_tokens(tok, "unaffable hello"))  # [CLS] un ##aff ##able hello


class Bm25Tests(unittest.TestCase):
    def test_ranking_and_negatives(self):
        index = bm25.Bm25Index({"a": "whales swim in the sea", "b": "the sea is deep and the sea is blue", "c": "stars"})
        ranked = [k for k, _ in index.search("sea whales", 3)]
        self.assertEqual(["a", "b"], ranked)  # c has neither term
        self.assertEqual(["b"], bm25.mine_negatives(index, "sea whales", frozenset({"a"}), 5))
        self.assertAlmostEqual(math.log(1 + (3 - 1 + 0.5) / 1.5), index.idf("whales"))


class ModelNegativesTests(unittest.TestCase):
    class Table:
        """Stands in for the head and the hidden states: each text's 'hidden state' is its row in a weight table."""

        def __init__(self, rows: dict[str, list[float]]):
            self.texts = list(rows)
            self.weights = torch.tensor([rows[t] for t in self.texts])
            self.bias = torch.zeros(self.weights.shape[1])

        def hidden(self, text: str) -> torch.Tensor:
            return torch.tensor([self.texts.index(text)])

        def pool(self, hidden: list[torch.Tensor]) -> torch.Tensor:
            return self.weights[torch.cat(hidden)]

    def test_top_non_relevant_documents_by_exact_dot_product(self):
        docs = {"c/a": data.Document("c/a", "", "doc a"), "c/b": data.Document("c/b", "", "doc b"),
                "c/c": data.Document("c/c", "", "doc c"), "c/d": data.Document("c/d", "", "doc d")}
        table = self.Table({"doc a": [1, 0, 0], "doc b": [0, 2, 0], "doc c": [0, 1, 1], "doc d": [0, 0, 0],
                            "query": [1, 1, 0]})
        collection = data.Collection("c", docs, [])
        example = data.Example("query", "c/a", "c", frozenset({"c/a"}))
        # scores: a 1 (relevant), b 2, c 1, d 0 (never a negative: it shares nothing with the query)
        self.assertEqual({("c", "query"): ["c/b", "c/c"]},
                         model_negatives.mine(table, table, [collection], [example], depth=5, progress=False))
        self.assertEqual({("c", "query"): ["c/c"]},
                         model_negatives.mine(table, table, [collection], [example], depth=5, skip=1, progress=False))
        self.assertEqual({}, model_negatives.mine(table, table, [collection], [example], depth=0, progress=False))


class SamplingTests(unittest.TestCase):
    @staticmethod
    def draws(sampling: str, n: int = 2000) -> dict[str, int]:
        # collection "a": one query with one judged document; "b": one query with 99
        labeled = [TrainingExample(data.Example("qa", "a/0", "a", frozenset({"a/0"})), [])]
        labeled += [TrainingExample(data.Example("qb", f"b/{i}", "b", frozenset()), []) for i in range(99)]
        trainer = Trainer(SpladeHead(torch.randn(5, 4)), None, PreparedData({}, labeled, []), None,
                          TrainConfig(sampling=sampling), torch.zeros(5, dtype=torch.bool))
        counts = {"a": 0, "b": 0}
        for _ in range(n):
            counts[trainer._labeled().example.collection] += 1
        return counts

    def test_collections_and_queries_are_drawn_uniformly_not_by_pair_count(self):
        for sampling in ("collections", "queries"):
            counts = self.draws(sampling)
            self.assertTrue(850 < counts["a"] < 1150, (sampling, counts))
        self.assertLess(self.draws("pairs")["a"], 60)

    def test_unknown_sampling_is_refused(self):
        with self.assertRaises(ValueError):
            self.draws("nope", 1)


class ModelTests(unittest.TestCase):
    def test_max_pooled_logits_match_dense_computation_and_gradients(self):
        torch.manual_seed(0)
        emb, bias = torch.randn(11, 5), torch.randn(11, requires_grad=True)
        x = torch.randn(7, 5, requires_grad=True)
        lengths = [3, 4]
        out = MaxPooledLogits.apply(x, emb, bias, lengths)
        ref_x = x.detach().clone().requires_grad_(True)
        ref_b = bias.detach().clone().requires_grad_(True)
        logits = ref_x @ emb.T + ref_b
        ref = torch.stack([logits[:3].max(0).values, logits[3:].max(0).values])
        torch.testing.assert_close(out, ref)
        weights = torch.randn(2, 11)
        (torch.log1p(torch.relu(out)) * weights).sum().backward()
        (torch.log1p(torch.relu(ref)) * weights).sum().backward()
        torch.testing.assert_close(x.grad, ref_x.grad)
        torch.testing.assert_close(bias.grad, ref_b.grad)

    def test_pool_excludes_special_terms_and_is_nonnegative(self):
        torch.manual_seed(1)
        excluded = torch.zeros(11, dtype=torch.bool)
        excluded[:3] = True
        head = SpladeHead(torch.randn(11, 5), excluded=excluded)
        pooled = head.pool([torch.randn(3, 5), torch.randn(2, 5)])
        self.assertEqual((2, 11), tuple(pooled.shape))
        self.assertTrue(bool((pooled[:, :3] == 0).all()))
        self.assertTrue(bool((pooled >= 0).all()))

    def test_flops_known_answer(self):
        w = torch.tensor([[1.0, 0.0, 2.0], [3.0, 0.0, 0.0]])
        self.assertAlmostEqual(2.0 ** 2 + 0 + 1.0 ** 2, float(flops(w)))

    def test_contrastive_loss_known_answer_and_false_negative_mask(self):
        q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
        d = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        # query 0 scores 2, 0, 1 against the docs; its positive is doc 0.
        expected0 = -math.log(math.exp(2) / (math.exp(2) + math.exp(0) + math.exp(1)))
        expected1 = -math.log(math.exp(1) / (math.exp(0) + math.exp(1) + math.exp(1)))
        loss = contrastive_loss(q, d, torch.tensor([0, 1]))
        self.assertAlmostEqual((expected0 + expected1) / 2, float(loss), places=5)
        mask = torch.tensor([[False, False, True], [False, False, False]])
        masked = contrastive_loss(q, d, torch.tensor([0, 1]), mask)
        expected0_masked = -math.log(math.exp(2) / (math.exp(2) + math.exp(0)))
        self.assertAlmostEqual((expected0_masked + expected1) / 2, float(masked), places=5)

    def test_lambda_warmup_is_quadratic(self):
        self.assertEqual(0.0, lambda_at(0, 1e-3, 100))
        self.assertAlmostEqual(0.25e-3, lambda_at(50, 1e-3, 100))
        self.assertAlmostEqual(1e-3, lambda_at(500, 1e-3, 100))
        self.assertAlmostEqual(1e-3, lambda_at(3, 1e-3, 0))

    def test_learning_rate_warms_up_then_decays(self):
        self.assertLess(learning_rate_factor(0, 100), learning_rate_factor(4, 100))
        self.assertAlmostEqual(1.0, learning_rate_factor(5, 100))
        self.assertAlmostEqual(0.1, learning_rate_factor(100, 100))

    def test_inference_free_queries_count_pieces_once_and_drop_specials(self):
        excluded = torch.zeros(6, dtype=torch.bool)
        excluded[0] = True
        head = SpladeHead(torch.randn(6, 4), inference_free=True, excluded=excluded)
        with torch.no_grad():
            head.query_weights.copy_(torch.tensor([5.0, 1.0, -2.0, 0.5, 3.0, 4.0]))
        q = head.inference_free_queries([torch.tensor([0, 1, 1, 2, 3])], excluded)
        torch.testing.assert_close(q, torch.tensor([[0.0, 1.0, 0.0, 0.5, 0.0, 0.0]]))

    def test_ndcg_known_answer(self):
        self.assertAlmostEqual(1.0, ndcg_at_10(["a", "b"], {"a": 1}))
        self.assertAlmostEqual(1 / math.log2(3), ndcg_at_10(["x", "a"], {"a": 1}))
        self.assertEqual(0.0, ndcg_at_10(["x"], {}))


class ExportTests(unittest.TestCase):
    def test_safetensors_round_trip(self):
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "t.safetensors")
            tensors = {"a": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.tensor([0.5, -1.0]).half()}
            export.write_safetensors(path, tensors, {"note": "x"})
            back = export.read_safetensors(path)
            torch.testing.assert_close(back["a"], tensors["a"])
            torch.testing.assert_close(back["b"], tensors["b"].float())
            with open(path, "rb") as f:
                header_length = int.from_bytes(f.read(8), "little")
                header = json.loads(f.read(header_length))
            self.assertEqual("F16", header["b"]["dtype"])
            self.assertEqual(0, (8 + header_length) % 8)

    def test_head_tensors_use_hugging_face_names(self):
        head = SpladeHead(torch.randn(10, 4))
        self.assertEqual({"cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
                          "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias",
                          "cls.predictions.bias"}, set(export.head_tensors(head)))


class EndToEndTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.encoder = tiny.write_encoder(os.path.join(cls.dir.name, "encoder"))
        cls.corpus, cls.pairs = tiny.write_collection(os.path.join(cls.dir.name, "data"))

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_encoder_is_rebuilt_from_onnx(self):
        state, shape = load_bert_state(os.path.join(self.encoder, "model.onnx"))
        self.assertEqual((2, 4, 32), (shape.layers, shape.heads, shape.hidden))
        self.assertIn("encoder.layer.1.output.dense.weight", state)
        self.assertEqual((32, 64), tuple(state["encoder.layer.1.output.dense.weight"].shape))

    def test_hidden_state_cache_reuses_a_superset(self):
        from splade_train import states as states_module
        from splade_train.tokenizer import Vocabulary as Vocab

        onnx_path = os.path.join(self.encoder, "model.onnx")
        encoder = BertEncoder.from_onnx(onnx_path)
        tokenizer = WordPieceTokenizer(Vocab.load(os.path.join(self.encoder, "vocab.txt")), 64)
        cache = os.path.join(self.dir.name, "cache")
        full = states_module.cached(onnx_path, encoder, tokenizer, ["whales swim", "stars shine", "bake bread"], cache, progress=False)
        calls = []
        original = states_module.compute
        states_module.compute = lambda *a, **k: calls.append(a) or original(*a, **k)
        try:
            subset = states_module.cached(onnx_path, encoder, tokenizer, ["stars shine", "whales swim"], cache, progress=False)
        finally:
            states_module.compute = original
        self.assertEqual([], calls, "a cached superset must be reused, not re-encoded")
        torch.testing.assert_close(subset.hidden("stars shine"), full.hidden("stars shine"))
        self.assertEqual([3, 4], [int(subset.ids("stars shine")[0]), int(subset.ids("stars shine")[-1])])

    def test_not_an_onnx_file_is_a_clear_error(self):
        bad = write(os.path.join(self.dir.name, "bad.onnx"), "not a model")
        with self.assertRaises(OnnxModelError):
            BertEncoder.from_onnx(bad)

    def test_a_quantized_graph_is_refused_with_the_float_folder_named(self):
        import onnx
        model = onnx.load(os.path.join(self.encoder, "model.onnx"))
        matmul = next(n for n in model.graph.node if n.op_type == "MatMul")
        matmul.op_type = "MatMulInteger"  # what splade-prepare --int8 writes; the graph need not run for this check
        path = os.path.join(self.dir.name, "int8.onnx")
        onnx.save(model, path)
        with self.assertRaisesRegex(OnnxModelError, "quantized graph \\(MatMulInteger\\).*minilm-l6-splade-fp32"):
            BertEncoder.from_onnx(path)

    def test_training_lowers_the_loss_and_writes_a_loadable_folder(self):
        out = os.path.join(self.dir.name, "model")
        code = main(["train", "--encoder", self.encoder, "--corpus", self.corpus, "--pairs", self.pairs, "--holdout", "0",
                     "--steps", "60", "--batch-size", "6", "--learning-rate", "3e-3", "--lambda-warmup", "20",
                     "--log-every", "10", "--cache", "", "--out", out, "--quiet", "--threads", "1", "--max-length", "64",
                     "--init-z", "0.5", "--lambda-d", "1e-4", "--lambda-q", "1e-4"])
        self.assertEqual(0, code)
        for name in ("model.onnx", "vocab.txt", "splade_config.json", "head.safetensors", "query_weights.safetensors",
                     "training.json", "training_log.jsonl"):
            self.assertTrue(os.path.isfile(os.path.join(out, name)), name)
        with open(os.path.join(out, "training_log.jsonl"), encoding="utf-8") as f:
            log = [json.loads(line) for line in f]
        self.assertEqual(6, len(log))
        self.assertLess(log[-1]["rank_loss"], log[0]["rank_loss"])
        for key in ("flops_q", "flops_d", "terms_q", "terms_d", "inference_free_loss"):
            self.assertIn(key, log[0])
        with open(os.path.join(out, "splade_config.json"), encoding="utf-8") as f:
            self.assertEqual("splade_weights", json.load(f)["output_name"])
        # The exported folder is itself a base encoder for more training (Hugging Face names survive the export).
        state, shape = load_bert_state(os.path.join(out, "model.onnx"))
        self.assertEqual(2, shape.layers)

    def test_training_can_start_from_a_trained_head(self):
        args = ["train", "--encoder", self.encoder, "--corpus", self.corpus, "--pairs", self.pairs, "--holdout", "0",
                "--batch-size", "6", "--learning-rate", "3e-3", "--lambda-warmup", "20", "--log-every", "5", "--cache", "",
                "--quiet", "--threads", "1", "--max-length", "64", "--no-onnx", "--init-z", "0.5", "--lambda-d", "1e-4",
                "--lambda-q", "1e-4"]
        first = os.path.join(self.dir.name, "first")
        second = os.path.join(self.dir.name, "second")
        self.assertEqual(0, main(args + ["--steps", "60", "--out", first]))
        self.assertEqual(0, main(args + ["--steps", "5", "--out", second, "--init-from", first]))

        def first_loss(folder):
            with open(os.path.join(folder, "training_log.jsonl"), encoding="utf-8") as f:
                return json.loads(f.readline())["rank_loss"]

        self.assertLess(first_loss(second), first_loss(first))
        self.assertFalse(os.path.exists(os.path.join(second, "model.onnx")))
        with open(os.path.join(second, "training.json"), encoding="utf-8") as f:
            self.assertEqual(provenance.portable_path(first), json.load(f)["init_from"])
        self.assertEqual(2, main(args + ["--steps", "5", "--out", second, "--init-from", os.path.join(self.dir.name, "none")]))

    def test_anchor_loss_is_logged_and_falls(self):
        out = os.path.join(self.dir.name, "anchored")
        code = main(["train", "--encoder", self.encoder, "--corpus", self.corpus, "--pairs", self.pairs, "--holdout", "0",
                     "--steps", "60", "--batch-size", "6", "--learning-rate", "3e-3", "--log-every", "10", "--cache", "",
                     "--quiet", "--threads", "1", "--max-length", "64", "--no-onnx", "--anchor-weight", "1.0",
                     "--init-z", "0.5", "--lambda-d", "1e-4", "--lambda-q", "1e-4", "--out", out])
        self.assertEqual(0, code)
        with open(os.path.join(out, "training_log.jsonl"), encoding="utf-8") as f:
            log = [json.loads(line) for line in f]
        self.assertGreater(log[0]["anchor_loss"], 0.0)
        self.assertLess(log[-1]["anchor_loss"], log[0]["anchor_loss"])

    def test_model_mined_negatives_are_used_and_recorded(self):
        out = os.path.join(self.dir.name, "mined")
        code = main(["train", "--encoder", self.encoder, "--corpus", self.corpus, "--pairs", self.pairs, "--holdout", "0",
                     "--steps", "10", "--batch-size", "6", "--log-every", "5", "--cache", "", "--quiet", "--threads", "1",
                     "--max-length", "64", "--no-onnx", "--init-z", "0.5", "--model-negatives", "3", "--out", out])
        self.assertEqual(0, code)
        with open(os.path.join(out, "training.json"), encoding="utf-8") as f:
            record = json.load(f)
        self.assertGreater(record["pairs"]["with_model_negatives"], 0)
        self.assertEqual(3, record["config"]["model_negatives_depth"])

    def test_bias_only_training_keeps_the_transform(self):
        common = ["train", "--encoder", self.encoder, "--corpus", self.corpus, "--pairs", self.pairs, "--holdout", "0",
                  "--batch-size", "6", "--log-every", "5", "--cache", "", "--quiet", "--threads", "1", "--max-length", "64",
                  "--no-onnx", "--init-z", "0.5", "--learning-rate", "1e-2"]
        fresh, trained = os.path.join(self.dir.name, "fresh"), os.path.join(self.dir.name, "bias-only")
        self.assertEqual(0, main(common + ["--steps", "1", "--learning-rate", "1e-12", "--out", fresh]))
        self.assertEqual(0, main(common + ["--steps", "20", "--train", "bias", "--out", trained]))
        before, after = export.read_safetensors(os.path.join(fresh, export.HEAD_FILE)), export.read_safetensors(os.path.join(trained, export.HEAD_FILE))
        for name, value in before.items():
            if name.endswith("predictions.bias"):
                self.assertFalse(torch.equal(value, after[name]), "the bias must train")
            else:
                torch.testing.assert_close(value, after[name], msg=f"{name} must not change")

    def test_states_below_the_top_layers_are_cached_apart(self):
        from splade_train import states as states_module
        from splade_train.tokenizer import Vocabulary as Vocab

        onnx_path = os.path.join(self.encoder, "model.onnx")
        encoder = BertEncoder.from_onnx(onnx_path)
        tokenizer = WordPieceTokenizer(Vocab.load(os.path.join(self.encoder, "vocab.txt")), 64)
        cache = os.path.join(self.dir.name, "cache-layers")
        final = states_module.cached(onnx_path, encoder, tokenizer, ["whales swim"], cache, progress=False)
        below = states_module.cached(onnx_path, encoder, tokenizer, ["whales swim"], cache, progress=False, skip_top_layers=1)
        ids = torch.tensor([tokenizer.encode("whales swim")])
        with torch.no_grad():
            expected = run_encoder(encoder.embeddings, encoder.encoder.layer[:1], ids, torch.ones_like(ids))[0]
            torch.testing.assert_close(below.hidden("whales swim").float(), expected, atol=2e-3, rtol=2e-3)
            torch.testing.assert_close(final.hidden("whales swim").float(), encoder(ids, torch.ones_like(ids))[0], atol=2e-3, rtol=2e-3)
        self.assertFalse(torch.allclose(below.hidden("whales swim").float(), final.hidden("whales swim").float()))

    def test_top_layer_training_is_exported_into_the_graph_and_resumes(self):
        common = ["train", "--encoder", self.encoder, "--corpus", self.corpus, "--pairs", self.pairs, "--holdout", "0",
                  "--batch-size", "6", "--log-every", "5", "--cache", "", "--quiet", "--threads", "1", "--max-length", "64",
                  "--init-z", "0.5", "--learning-rate", "3e-3", "--lambda-d", "1e-4", "--lambda-q", "1e-4"]
        out = os.path.join(self.dir.name, "top-layer")
        self.assertEqual(0, main(common + ["--steps", "30", "--train-top-layers", "1", "--layer-learning-rate", "1e-2",
                                           "--out", out]))
        with open(os.path.join(out, "training_log.jsonl"), encoding="utf-8") as f:
            log = [json.loads(line) for line in f]
        self.assertLess(log[-1]["rank_loss"], log[0]["rank_loss"])
        base_state, _ = load_bert_state(os.path.join(self.encoder, "model.onnx"))
        stored = export.read_safetensors(os.path.join(out, export.TOP_LAYERS_FILE))
        self.assertTrue(stored and all(name.startswith("encoder.layer.1.") for name in stored), sorted(stored))
        name = "encoder.layer.1.attention.self.query.weight"
        self.assertFalse(torch.allclose(stored[name], base_state[name]), "the top layer must train")
        # The folder's graph holds the trained layer 1 and the base encoder's layer 0.
        exported_state, _ = load_bert_state(os.path.join(out, "model.onnx"))
        torch.testing.assert_close(exported_state[name], stored[name])
        torch.testing.assert_close(exported_state["encoder.layer.0.attention.self.query.weight"],
                                   base_state["encoder.layer.0.attention.self.query.weight"])
        # Training's path (frozen layer 0, trained copy of layer 1, head) and the exported encoder give the same weights.
        vocab = Vocabulary.load(os.path.join(self.encoder, "vocab.txt"))
        tokenizer = WordPieceTokenizer(vocab, 64)
        base = BertEncoder.from_onnx(os.path.join(self.encoder, "model.onnx"))
        folder_encoder = BertEncoder.from_onnx(os.path.join(out, "model.onnx"))
        head = export.load_head(os.path.join(out, export.HEAD_FILE), base.word_embeddings, excluded=vocab.special_mask())
        plain = export.load_head(os.path.join(out, export.HEAD_FILE), base.word_embeddings, excluded=vocab.special_mask())
        head.first_top_layer, head.top_layers = export.load_top_layers(os.path.join(out, export.TOP_LAYERS_FILE), base)
        ids = torch.tensor([tokenizer.encode("whales swim in the sea")])
        with torch.no_grad():
            below = run_encoder(base.embeddings, base.encoder.layer[:1], ids, torch.ones_like(ids))[0]
            torch.testing.assert_close(head.pool([below]), plain.pool([folder_encoder(ids, torch.ones_like(ids))[0]]),
                                       atol=1e-4, rtol=1e-4)
        # A run from this head trains the same layer without being told; asking for another number is refused.
        again = os.path.join(self.dir.name, "top-layer-again")
        self.assertEqual(0, main(common + ["--steps", "2", "--no-onnx", "--init-from", out, "--out", again]))
        with open(os.path.join(again, "training.json"), encoding="utf-8") as f:
            self.assertEqual(1, json.load(f)["config"]["top_layers"])
        self.assertTrue(os.path.isfile(os.path.join(again, export.TOP_LAYERS_FILE)))
        self.assertEqual(2, main(common + ["--steps", "2", "--train-top-layers", "2", "--out", again]))
        self.assertEqual(2, main(common + ["--steps", "2", "--train-top-layers", "1", "--train", "bias", "--out", again]))

    def test_default_encoder_is_the_calibrated_folder_not_a_trained_one(self):
        from splade_train.cli import default_encoder

        models = os.path.join(self.dir.name, "models")
        folder = os.path.join(models, "minilm-l6-splade")
        os.makedirs(folder)
        self.assertIsNone(default_encoder(models), "no folder built yet")
        write(os.path.join(folder, "model.onnx"), "x")
        write(os.path.join(folder, "splade_config.json"), json.dumps({"description": "all-MiniLM-L6-v2 with a trained MLM head"}))
        self.assertIsNone(default_encoder(models), "a trained head's encoder is not a frozen base")
        write(os.path.join(folder, "splade_config.json"), json.dumps({"description": "all-MiniLM-L6-v2 (...) with a tied-embedding SPLADE head (tied-top3-z3.0-g1)"}))
        self.assertEqual(folder, default_encoder(models))
        write(os.path.join(folder, "splade_config.json"), json.dumps({"description": "all-MiniLM-L6-v2 (...) with a tied-embedding SPLADE head (tied-top3-z3.0-g1): ... MatMuls in int8 (...)"}))
        self.assertIsNone(default_encoder(models), "an int8 graph is not a float base")
        fp32 = os.path.join(models, "minilm-l6-splade-fp32")
        os.makedirs(fp32)
        write(os.path.join(fp32, "model.onnx"), "x")
        write(os.path.join(fp32, "splade_config.json"), json.dumps({"description": "all-MiniLM-L6-v2 (...) with a tied-embedding SPLADE head (tied-top3-z3.0-g1)"}))
        self.assertEqual(fp32, default_encoder(models), "the build's float folder is the base")

    def test_missing_data_is_a_clear_error(self):
        code = main(["train", "--encoder", self.encoder, "--out", os.path.join(self.dir.name, "x"), "--quiet"])
        self.assertEqual(2, code)


if __name__ == "__main__":
    unittest.main()
