"""Milvus store through pymilvus: milvus-lite (a folder inside the build) by default, or a Milvus server or
cluster when `milvus_uri` is set. The same code serves both; only the URI differs.

Vectors are held in memory until `save`, which creates one collection per build (named after the build
folder), so the atomic swap of index/CURRENT also switches collections.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ..errors import IndexUnavailable
from .base import StoreUnreachable, VectorStore
from .faiss_store import IVF_PROBES, ivf_cells

LITE_NAME = "milvus.db"
META_NAME = "milvus.json"
INSERT_BATCH = 2_000
CONNECT_TIMEOUT_S = 10.0


def _connect(uri: str):
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    try:
        return MilvusClient(uri=uri, timeout=CONNECT_TIMEOUT_S)
    except MilvusException as exc:
        raise StoreUnreachable(f"无法连接向量数据库 Milvus（{uri}）：{exc.message}") from exc


class MilvusStore(VectorStore):
    def __init__(self, uri: str | None, ann_threshold: int, dim: int):
        self.server_uri = uri  # None: milvus-lite inside the build folder
        self.ann_threshold = ann_threshold
        self.dim = dim
        self.client = _connect(uri) if uri else None  # a server is checked before anything is embedded
        self.collection = ""
        self.count = 0
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []

    @classmethod
    def create(cls, dim: int, uri: str | None, ann_threshold: int) -> MilvusStore:
        return cls(uri, ann_threshold, dim)

    def __len__(self) -> int:
        return self.count

    def add(self, vectors: np.ndarray, groups: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if self.collection:
            self._insert(vectors, np.asarray(groups), self.count)
        else:
            self._pending.append((vectors, np.asarray(groups)))
        self.count += len(vectors)

    def _insert(self, vectors: np.ndarray, groups: np.ndarray, first: int) -> None:
        for start in range(0, len(vectors), INSERT_BATCH):
            rows = [{"id": first + start + i, "vector": v.tolist(), "grp": int(g)}
                    for i, (v, g) in enumerate(zip(vectors[start : start + INSERT_BATCH],
                                                   groups[start : start + INSERT_BATCH]))]
            self.client.insert(self.collection, rows)
        self.client.flush(self.collection)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self.count)
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        expression = "" if allowed is None else f"grp in {[int(g) for g in allowed]}"
        params = {"params": {"nprobe": IVF_PROBES}} if self.count > self.ann_threshold else {}
        result = self.client.search(self.collection, data=[np.asarray(query, np.float32).tolist()], limit=k,
                                    filter=expression, output_fields=[], search_params=params)[0]
        return (np.array([hit["id"] for hit in result], dtype=np.int64),
                np.array([hit["distance"] for hit in result], dtype=np.float32))

    def similarities(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        ids = [int(p) for p in positions]
        if not ids:
            return np.zeros(0, np.float32)
        rows = {row["id"]: row["vector"] for row in self.client.get(self.collection, ids=ids,
                                                                       output_fields=["vector"])}
        return np.array([rows[i] for i in ids], dtype=np.float32) @ np.asarray(query, np.float32)

    def save(self, directory: Path) -> None:
        from pymilvus import DataType, MilvusClient

        if self.client is None:
            self.client = _connect(str(directory / LITE_NAME))
        self.collection = "policyqa_" + re.sub(r"\W", "_", directory.name)
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("grp", DataType.INT64)
        index_params = self.client.prepare_index_params()
        if self.count > self.ann_threshold:
            index_params.add_index(field_name="vector", index_type="IVF_FLAT", metric_type="IP",
                                   params={"nlist": ivf_cells(self.count)})  # as the FAISS store, same reasons
        else:
            index_params.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
        if self.client.has_collection(self.collection):
            self.client.drop_collection(self.collection)
        self.client.create_collection(self.collection, schema=schema, index_params=index_params)
        pending, self._pending, first = self._pending, [], 0
        for vectors, groups in pending:
            self._insert(vectors, groups, first)
            first += len(vectors)
        (directory / META_NAME).write_text(json.dumps({"uri": self.server_uri, "collection": self.collection,
                                                       "count": self.count, "dim": self.dim}), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, groups: np.ndarray, ann_threshold: int) -> MilvusStore:
        meta = json.loads((directory / META_NAME).read_text(encoding="utf-8"))
        store = cls(meta["uri"], ann_threshold, int(meta["dim"]))
        if store.client is None:
            store.client = _connect(str(directory / LITE_NAME))
        store.collection, store.count = meta["collection"], int(meta["count"])
        if not store.client.has_collection(store.collection):
            raise IndexUnavailable(f"Milvus 中缺少向量集合 {store.collection}。")
        stored = int(store.client.get_collection_stats(store.collection)["row_count"])
        if stored != store.count or stored != len(groups):
            raise IndexUnavailable("Milvus 向量集合损坏：向量数与条款数不一致。")
        store.client.load_collection(store.collection)  # a collection saved by another process starts released
        return store

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    @classmethod
    def discard(cls, directory: Path) -> None:
        """Drop the collection of an old build on a server (a milvus-lite folder goes with the build)."""
        meta_file = directory / META_NAME
        if not meta_file.exists():
            return
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta["uri"]:
            client = _connect(meta["uri"])
            client.drop_collection(meta["collection"])
            client.close()
