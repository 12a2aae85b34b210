"""FAISS in-process store: exact (flat) for a corpus of a few thousand clauses, IVF above `ann_threshold`.

IVF rather than HNSW, measured at 200,000 clauses (bench/scale.py): policy texts come in near-duplicate
families (the same clause in many provinces), which IVF keeps together in one cell and scans exactly, while
HNSW's graph loses them (recall@10 0.64 against 0.97 for IVF with 32 cells probed), and IVF builds 20× faster.
A scope small enough (at most `ann_threshold` vectors, as for one province) is always searched exactly.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from ..errors import IndexUnavailable
from .base import VectorStore, top_k

FILE_NAME = "vectors.faiss"
IVF_PROBES = 32  # cells scanned per query: recall@10 0.968 at 200,000 clauses (bench/scale.py)
IVF_TRAINING_SAMPLE = 50_000  # vectors the cells are fitted on


def ivf_cells(count: int) -> int:
    """About 2·√n cells: a probe scans ~1.6 % of 200,000 vectors."""
    return int(min(max(2 * count**0.5, 64), 4096))


class FaissStore(VectorStore):
    def __init__(self, index: faiss.Index, groups: np.ndarray, ann_threshold: int):
        self.index = index
        self.ann_threshold = ann_threshold
        self._groups = np.asarray(groups, dtype=np.int64)

    @classmethod
    def create(cls, dim: int, expected: int, ann_threshold: int) -> FaissStore:
        """An empty store of the kind that suits `expected` vectors."""
        if expected > ann_threshold:
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, ivf_cells(expected), faiss.METRIC_INNER_PRODUCT)
            index.make_direct_map()  # reconstruct() for exact scoring of a subset
        else:
            index = faiss.IndexFlatIP(dim)
        return cls(index, np.zeros(0, dtype=np.int64), ann_threshold)

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(self.index, faiss.IndexIVF) else "flat"

    def __len__(self) -> int:
        return self.index.ntotal

    def add(self, vectors: np.ndarray, groups: np.ndarray) -> None:
        """The first addition to an IVF store fits its cells, on a sample of what is added."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not self.index.is_trained:
            sample = np.random.default_rng(0).permutation(len(vectors))[:IVF_TRAINING_SAMPLE]
            self.index.train(vectors[np.sort(sample)])
        self.index.add(vectors)
        self._groups = np.concatenate([self._groups, np.asarray(groups, dtype=np.int64)])

    def _vectors(self, positions: np.ndarray) -> np.ndarray:
        """The stored vectors at `positions`, for exact scoring of a subset."""
        if self.kind == "ivf":
            return self.index.reconstruct_batch(positions)
        n, d = self.index.ntotal, self.index.d
        return faiss.rev_swig_ptr(self.index.get_xb(), n * d).reshape(n, d)[positions]

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            # One vectorised pass over the clause groups (the bitmap FAISS filters with is that size anyway).
            allowed = np.asarray(allowed, dtype=np.int64)
            wanted = np.zeros(int(self._groups.max(initial=-1)) + 1, dtype=bool)
            wanted[allowed[(allowed >= 0) & (allowed < len(wanted))]] = True
            mask = wanted[self._groups]
            positions = np.flatnonzero(mask)
            if len(positions) <= self.ann_threshold:  # a small scope: exact, and cheaper than the graph
                scores = self._vectors(positions) @ query[0]
                best = top_k(scores, k)
                return positions[best], scores[best]
            bits = np.packbits(mask, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
            params = (faiss.SearchParametersIVF(sel=selector, nprobe=IVF_PROBES)
                      if self.kind == "ivf" else faiss.SearchParameters(sel=selector))
        elif self.kind == "ivf":
            params = faiss.SearchParametersIVF(nprobe=IVF_PROBES)
        scores, ids = self.index.search(query, min(k, len(self)), params=params)
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), scores[0][found]

    def similarities(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        return self._vectors(np.asarray(positions, dtype=np.int64)) @ np.asarray(query, dtype=np.float32)

    def save(self, directory: Path) -> None:
        faiss.write_index(self.index, str(directory / FILE_NAME))

    @classmethod
    def load(cls, directory: Path, groups: np.ndarray, ann_threshold: int) -> FaissStore:
        try:
            index = faiss.read_index(str(directory / FILE_NAME))
        except RuntimeError as exc:  # FAISS reports unreadable or truncated files this way
            raise IndexUnavailable("向量索引文件损坏，无法读取。") from exc
        if isinstance(index, faiss.IndexIVF):
            index.make_direct_map()
        if index.ntotal != len(groups):
            raise IndexUnavailable("向量索引文件损坏：向量数与条款数不一致。")
        return cls(index, groups, ann_threshold)
