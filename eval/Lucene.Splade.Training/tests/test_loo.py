"""Leave-one-collection-out: which data each fold trains on, and the table it writes."""
import argparse
import json
import os
import tempfile
import unittest

from splade_train import loo
from splade_train.data import DataError


def _collection(root, name, splits):
    folder = os.path.join(root, name)
    os.makedirs(os.path.join(folder, "qrels"))
    with open(os.path.join(folder, "corpus.jsonl"), "w") as f:
        f.write(json.dumps({"_id": "d1", "title": "", "text": "x"}) + "\n")
    for split in splits:
        with open(os.path.join(folder, "qrels", f"{split}.tsv"), "w") as f:
            f.write("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    return folder


class TrainingSpecsTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        _collection(self.dir.name, "a", ["train", "dev", "test"])
        _collection(self.dir.name, "b", ["test"])
        _collection(self.dir.name, "c", ["train", "test"])

    def tearDown(self):
        self.dir.cleanup()

    def test_a_fold_leaves_its_collection_out_and_never_trains_on_test(self):
        specs = loo.training_specs(self.dir.name, ["a", "b", "c"], "c")
        self.assertEqual(specs, ["--beir", os.path.join(self.dir.name, "a") + ":train,dev", "--beir", os.path.join(self.dir.name, "b")])
        self.assertNotIn("test", " ".join(specs))
        self.assertFalse(any(s.startswith(os.path.join(self.dir.name, "c")) for s in specs))

    def test_a_missing_collection_is_an_error(self):
        with self.assertRaises(DataError):
            loo.training_specs(self.dir.name, ["a", "missing"], "a")

    def test_fold_settings_that_loo_owns_are_refused(self):
        args = argparse.Namespace(collections="a,b", train_args=["--", "--out", "x"], harness="true", out=self.dir.name,
                                  datasets=self.dir.name, eval_cache=None, quiet=True)
        with self.assertRaisesRegex(DataError, "--out is set by loo"):
            loo.run(args, lambda a: 0)
        with self.assertRaisesRegex(DataError, "at least two"):
            loo.run(argparse.Namespace(**{**vars(args), "collections": "a", "train_args": []}), lambda a: 0)


class TableTests(unittest.TestCase):
    def test_rows_and_mean(self):
        rows = [{"held_out": "a", "bm25": 0.5, "splade": 0.4, "hybrid": 0.55, "hybrid_name": "h"},
                {"held_out": "b", "bm25": 0.3, "splade": 0.3, "hybrid": 0.29, "hybrid_name": "h"}]
        text = loo.table(rows)
        self.assertIn("| a | 0.5000 | 0.4000 | 0.80 | 0.5500 (h) | +0.0500 |", text)
        self.assertIn("| b | 0.3000 | 0.3000 | 1.00 | 0.2900 (h) | -0.0100 |", text)
        self.assertIn("| mean | 0.4000 | 0.3500 | 0.90 | 0.4200 | +0.0200 |", text)


if __name__ == "__main__":
    unittest.main()
