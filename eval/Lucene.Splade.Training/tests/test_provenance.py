"""The training record names inputs by collection and hash, never by this machine's folders."""
import json
import os
import tempfile
import unittest

from splade_train import provenance


class PortablePathTests(unittest.TestCase):
    def test_inside_the_repository_becomes_relative(self):
        self.assertEqual(provenance.portable_path("/repo/eval/x.py", repository="/repo"), "eval/x.py")

    def test_outside_keeps_the_last_two_components(self):
        self.assertEqual(provenance.portable_path("/home/me/.cache/model-folder/model.onnx", repository="/repo"),
                         "model-folder/model.onnx")
        self.assertEqual(provenance.portable_path("C:\\Users\\me\\data\\scifact", repository="/repo"), "data/scifact")

    def test_relative_paths_and_plain_words_are_left_alone(self):
        self.assertEqual(provenance.portable_path("rel/path"), "rel/path")
        self.assertEqual(provenance.portable_command(["--steps", "150"]), ["--steps", "150"])

    def test_a_beir_spec_keeps_its_splits(self):
        self.assertEqual(provenance.portable_command(["/data/sets/scifact:train,dev"], repository="/repo"),
                         ["sets/scifact:train,dev"])

    def test_scrub_leaves_no_absolute_path_anywhere(self):
        record = {"a": ["BEIR /work/shared/datasets/scifact splits=['train']"], "b": {"c": "/tmp/train/main"}, "n": 3}
        text = json.dumps(provenance.scrub(record, repository="/repo"))
        self.assertNotIn("/work", text)
        self.assertNotIn("/tmp", text)
        self.assertIn("datasets/scifact", text)
        self.assertIn('"n": 3', text)


class SourceTests(unittest.TestCase):
    def test_a_beir_source_names_the_collection_and_hashes_what_was_read(self):
        with tempfile.TemporaryDirectory() as root:
            folder = os.path.join(root, "mycollection")
            os.makedirs(os.path.join(folder, "qrels"))
            for name, text in [("corpus.jsonl", "c"), ("queries.jsonl", "q"), (os.path.join("qrels", "train.tsv"), "t")]:
                with open(os.path.join(folder, name), "w") as f:
                    f.write(text)
            source = provenance.beir_source(folder, ["train"])
            corpus_only = provenance.beir_source(folder, [])
        self.assertEqual(source["collection"], "mycollection")
        self.assertEqual(source["splits"], ["train"])
        self.assertEqual(source["corpus_sha256"], "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6")  # sha256("c")
        self.assertEqual(set(source["qrels_sha256"]), {"train"})
        self.assertEqual(corpus_only["splits"], "corpus only")
        self.assertNotIn("qrels_sha256", corpus_only)
        self.assertNotIn(root, json.dumps(source))


if __name__ == "__main__":
    unittest.main()
