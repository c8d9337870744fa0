"""BERT WordPiece tokenization, as Hugging Face's fast BertTokenizer (uncased) does it, and as the C# library does.

Hand-written because Debian's python3 has no `tokenizers`/`transformers` package and this tool must run offline
with only python3-torch and python3-onnx. The C# library's tokenizer is tested for parity with Hugging Face, and
this one for parity with the C# one (tests/Lucene.Splade.Eval.Tests, TokenizerParityWithPythonTests): special-token
strings in the text ([CLS], [SEP], [PAD], [UNK], [MASK], exact case) are their own ids; clean (drop NUL, U+FFFD and
category C except tab/newline/return); whitespace is those, the space, Zs and U+2028/U+2029; split CJK; strip
accents and lowercase each code point on its own (no final-sigma rule, as Rust does); split punctuation; greedy
longest-match WordPiece; 100-character word limit; truncation inside words; [SEP] always kept.
"""

from __future__ import annotations

import re
import unicodedata

import torch


class Vocabulary:
    def __init__(self, tokens: list[str]):
        if not tokens:
            raise ValueError("the vocabulary is empty")
        self.tokens = tokens
        self.ids = {t: i for i, t in enumerate(tokens)}
        for special in ("[CLS]", "[SEP]", "[PAD]", "[UNK]"):
            if special not in self.ids:
                raise ValueError(f"the vocabulary has no {special} token")
        self.cls, self.sep, self.pad, self.unk = (self.ids[t] for t in ("[CLS]", "[SEP]", "[PAD]", "[UNK]"))
        # Special and unused entries are never SPLADE terms (the C# Vocabulary excludes the same).
        self.special_ids = frozenset(i for i, t in enumerate(tokens)
                                     if (t.startswith("[") and t.endswith("]")))

    def special_mask(self):
        """A bool tensor [vocab], true for special and [unusedN] entries."""
        mask = torch.zeros(len(self.tokens), dtype=torch.bool)
        mask[sorted(self.special_ids)] = True
        return mask

    @staticmethod
    def load(path: str) -> "Vocabulary":
        with open(path, encoding="utf-8") as f:
            tokens = [line.rstrip("\r\n") for line in f]
        while tokens and tokens[-1] == "":
            tokens.pop()
        return Vocabulary(tokens)

    def __len__(self) -> int:
        return len(self.tokens)


def _is_control(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_whitespace(ch: str) -> bool:
    return ch in " \t\n\r\u2028\u2029" or unicodedata.category(ch) == "Zs"


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text: str) -> list[str]:
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    words = []
    for word in "".join(out).split():
        # Each code point lowercased on its own: str.lower() of a whole word would apply the final-sigma rule
        # (ΣΑΣ -> σας), which Hugging Face's fast tokenizer and the C# library do not.
        word = "".join(c.lower() for c in word)
        word = unicodedata.normalize("NFD", word)
        word = "".join(c for c in word if unicodedata.category(c) != "Mn")
        current = []
        for ch in word:
            if _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


class WordPieceTokenizer:
    """Turns text into BERT input ids: [CLS] pieces... [SEP], at most ``max_length`` ids."""

    SPECIAL_TOKENS = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")

    def __init__(self, vocab: Vocabulary, max_length: int = 256):
        if max_length < 2:
            raise ValueError("max_length must be at least 2 ([CLS] and [SEP])")
        self.vocab = vocab
        self.max_length = max_length
        specials = [t for t in self.SPECIAL_TOKENS if t in vocab.ids]
        # Special-token strings typed in the text are their own ids, as Hugging Face treats its added tokens.
        self._specials = re.compile("(" + "|".join(re.escape(t) for t in specials) + ")") if specials else None

    def pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.vocab.unk]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.ids.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.vocab.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_length: int | None = None) -> list[int]:
        limit = (max_length or self.max_length) - 2
        ids: list[int] = []
        segments = self._specials.split(text) if self._specials is not None else [text]
        for k, segment in enumerate(segments):
            if len(ids) >= limit:
                break
            if k % 2 == 1:  # a special-token string (re.split puts the captured separators at odd positions)
                ids.append(self.vocab.ids[segment])
                continue
            for word in basic_tokenize(segment):
                ids.extend(self.pieces(word))
                if len(ids) >= limit:
                    break
        return [self.vocab.cls] + ids[:limit] + [self.vocab.sep]
