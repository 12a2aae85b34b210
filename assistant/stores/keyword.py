"""jieba + bm25s keyword index: exact terms (合格率, 首席质量官, 99.3%) that embeddings blur."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from ..text import tokenize

DIR_NAME = "bm25"


class KeywordIndex:
    def __init__(self, bm25: bm25s.BM25):
        self.bm25 = bm25
        self.vocab = bm25.vocab_dict

    @classmethod
    def build(cls, texts: list[str]) -> KeywordIndex:
        bm25 = bm25s.BM25()
        bm25.index([tokenize(text) or ["\u2205"] for text in texts], show_progress=False)
        return cls(bm25)

    def scores(self, query: str) -> np.ndarray:
        tokens = [t for t in tokenize(query) if t in self.vocab]
        if not tokens:
            return np.zeros(self.bm25.scores["num_docs"], dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    def save(self, directory: Path) -> None:
        self.bm25.save(str(directory / DIR_NAME), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        return cls(bm25s.BM25.load(str(directory / DIR_NAME), show_progress=False))
