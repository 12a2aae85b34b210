"""Exact inner-product FAISS index: a policy corpus is thousands of clauses, where exact search is cheap."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from .base import VectorStore

FILE_NAME = "vectors.faiss"


class FaissStore(VectorStore):
    def __init__(self, index: faiss.Index):
        self.index = index

    @classmethod
    def from_vectors(cls, vectors: np.ndarray) -> FaissStore:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def dim(self) -> int:
        return self.index.d

    def __len__(self) -> int:
        return self.index.ntotal

    def scores(self, query: np.ndarray) -> np.ndarray:
        n = self.index.ntotal
        distances, ids = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), n)
        out = np.full(n, -1.0, dtype=np.float32)
        valid = ids[0] >= 0
        out[ids[0][valid]] = distances[0][valid]
        return out

    def save(self, directory: Path) -> None:
        faiss.write_index(self.index, str(directory / FILE_NAME))

    @classmethod
    def load(cls, directory: Path) -> FaissStore:
        return cls(faiss.read_index(str(directory / FILE_NAME)))
