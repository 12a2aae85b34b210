"""What a vector store must do: keep normalised vectors by position, return a real top-k inside a scope.

Positions are clause positions in the index (0 … n-1, insertion order). Every vector carries a group, the
ordinal of its document, so a search can be limited to the documents in scope without scoring the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from ..errors import IndexUnavailable


class StoreUnreachable(IndexUnavailable):
    """The configured vector database cannot be reached: rebuilding would not help, so it is not retried."""


class VectorStore(ABC):
    @abstractmethod
    def add(self, vectors: np.ndarray, groups: np.ndarray) -> None:
        """Append normalised `vectors` (n, dim) with their group ids (n,), at positions len(self) onwards."""

    @abstractmethod
    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """The `k` best positions by inner product, best first, and their scores; with `allowed` (group
        ids), only vectors of those groups are candidates."""

    @abstractmethod
    def similarities(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Inner product of `query` with the vectors at `positions` (for candidates found by other rankers)."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def save(self, directory: Path) -> None:
        """Persist into the build folder `directory` (or a server collection named after it)."""

    def close(self) -> None:
        """Release connections; in-process stores hold none."""

    @classmethod
    def discard(cls, directory: Path) -> None:
        """Free what an old build holds outside its folder; in-process stores hold nothing there."""


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, best first, ties in index order; O(n) selection, then O(k log k)."""
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.lexsort((part, -scores[part]))]
