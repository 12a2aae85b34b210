"""FAISS in-process store: exact (flat) for a corpus of a few thousand clauses, HNSW above `ann_threshold`.

HNSW rather than IVF: it needs no training pass, accepts later additions (incremental indexing) without
re-clustering, and keeps recall@10 above 0.95 at 200,000 clauses (bench/scale.py). A scope small enough
(at most `ann_threshold` vectors, as for one province) is always searched exactly.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from ..errors import IndexUnavailable
from .base import VectorStore, top_k

FILE_NAME = "vectors.faiss"
HNSW_LINKS = 32  # graph degree: recall vs memory (≈ 2 × 32 × 4 bytes per vector)
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128  # candidate list at query time; recall@10 measured by bench/scale.py


class FaissStore(VectorStore):
    def __init__(self, index: faiss.Index, groups: np.ndarray, ann_threshold: int):
        self.index = index
        self.ann_threshold = ann_threshold
        self._groups = np.zeros(0, dtype=np.int64)
        self._members: dict[int, np.ndarray] = {}
        self._set_groups(np.asarray(groups, dtype=np.int64))

    @classmethod
    def create(cls, dim: int, expected: int, ann_threshold: int) -> FaissStore:
        """An empty store of the kind that suits `expected` vectors."""
        if expected > ann_threshold:
            index = faiss.IndexHNSWFlat(dim, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(dim)
        return cls(index, np.zeros(0, dtype=np.int64), ann_threshold)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.index, faiss.IndexHNSW) else "flat"

    def __len__(self) -> int:
        return self.index.ntotal

    def add(self, vectors: np.ndarray, groups: np.ndarray) -> None:
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self._set_groups(np.concatenate([self._groups, np.asarray(groups, dtype=np.int64)]))

    def _set_groups(self, groups: np.ndarray) -> None:
        order = np.argsort(groups, kind="stable")
        keys, starts = np.unique(groups[order], return_index=True)
        self._groups = groups
        self._members = {int(g): chunk for g, chunk in zip(keys, np.split(order, starts[1:]))}

    def _matrix(self) -> np.ndarray:
        """The stored vectors as a numpy view (no copy), for exact scoring of a subset."""
        flat = faiss.downcast_index(self.index.storage) if isinstance(self.index, faiss.IndexHNSW) else self.index
        n, d = flat.ntotal, flat.d
        return faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            positions = np.concatenate([self._members.get(int(g), np.zeros(0, np.int64)) for g in allowed]
                                       or [np.zeros(0, np.int64)])
            if len(positions) <= self.ann_threshold:  # a small scope: exact, and cheaper than the graph
                scores = self._matrix()[positions] @ query[0]
                best = top_k(scores, k)
                return positions[best], scores[best]
            mask = np.zeros(len(self), dtype=bool)
            mask[positions] = True
            bits = np.packbits(mask, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
            params = (faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k))
                      if self.kind == "hnsw" else faiss.SearchParameters(sel=selector))
        elif self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(HNSW_EF_SEARCH, k))
        scores, ids = self.index.search(query, min(k, len(self)), params=params)
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), scores[0][found]

    def similarities(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        return self._matrix()[np.asarray(positions, dtype=np.int64)] @ np.asarray(query, dtype=np.float32)

    def save(self, directory: Path) -> None:
        faiss.write_index(self.index, str(directory / FILE_NAME))

    @classmethod
    def load(cls, directory: Path, groups: np.ndarray, ann_threshold: int) -> FaissStore:
        try:
            index = faiss.read_index(str(directory / FILE_NAME))
        except RuntimeError as exc:  # FAISS reports unreadable or truncated files this way
            raise IndexUnavailable("向量索引文件损坏，无法读取。") from exc
        if index.ntotal != len(groups):
            raise IndexUnavailable("向量索引文件损坏：向量数与条款数不一致。")
        return cls(index, groups, ann_threshold)
