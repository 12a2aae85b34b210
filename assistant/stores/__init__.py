"""Pick the vector store named in the settings; adding a backend is one file and one line here."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import IndexUnavailable
from ..settings import Settings
from .base import StoreUnreachable, VectorStore
from .faiss_store import FILE_NAME as FAISS_FILE
from .faiss_store import FaissStore
from .milvus_store import META_NAME as MILVUS_FILE
from .milvus_store import MilvusStore

BACKENDS = ("faiss", "milvus")


def create_store(settings: Settings, dim: int, expected: int) -> VectorStore:
    """An empty store for a build of `expected` vectors; a Milvus server is contacted here, before embedding."""
    if settings.vector_backend == "faiss":
        return FaissStore.create(dim, expected, settings.ann_threshold)
    if settings.vector_backend == "milvus":
        return MilvusStore.create(dim, settings.milvus_uri or None, settings.ann_threshold)
    raise ValueError(f"unknown vector backend {settings.vector_backend!r}: use one of {BACKENDS}")


def load_store(settings: Settings, directory: Path, groups: np.ndarray) -> VectorStore:
    """The store saved in build folder `directory`; IndexUnavailable if it is missing, corrupt or of
    another backend than the settings name (so the index is rebuilt)."""
    if settings.vector_backend == "milvus":
        if not (directory / MILVUS_FILE).exists():
            raise IndexUnavailable("索引由另一种向量库建立（当前设置：milvus）。")
        return MilvusStore.load(directory, groups, settings.ann_threshold)
    if not (directory / FAISS_FILE).exists():
        raise IndexUnavailable("索引由另一种向量库建立（当前设置：faiss）。")
    return FaissStore.load(directory, groups, settings.ann_threshold)


def discard_store(directory: Path) -> None:
    """Free what an old build's store holds outside its folder (a Milvus server collection)."""
    if (directory / MILVUS_FILE).exists():
        MilvusStore.discard(directory)


__all__ = ["StoreUnreachable", "VectorStore", "create_store", "discard_store", "load_store"]
