"""What a vector store must do: keep normalised vectors, score a query against all or some of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np


class VectorStore(ABC):
    @abstractmethod
    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of `query` to every stored vector, in insertion order."""

    @abstractmethod
    def save(self, directory: Path) -> None: ...

    @classmethod
    @abstractmethod
    def load(cls, directory: Path) -> VectorStore: ...
