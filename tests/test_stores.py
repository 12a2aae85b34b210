"""Vector stores behind one interface: FAISS (flat and IVF) and Milvus (milvus-lite, for real) give the same
top-k inside a scope, survive a save and load, and fail loudly on corrupt data or an unreachable server."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from assistant.assistant import Assistant
from assistant.errors import IndexUnavailable
from assistant.evaluation import load_items
from assistant.index import document_groups, load_or_build
from assistant.settings import PROJECT_ROOT, Settings
from assistant.stores import StoreUnreachable, create_store, load_store
from assistant.stores.keyword import KeywordIndex

BACKENDS = {  # name → settings that select it; the IVF case lowers the threshold so the real clauses use it
    "faiss-flat": {"vector_backend": "faiss"},
    "faiss-ivf": {"vector_backend": "faiss", "ann_threshold": 20},
    "milvus-lite": {"vector_backend": "milvus"},
}
SICHUAN = "003_b452e910d48fa78e.txt"


@pytest.fixture(scope="module")
def real_vectors(assistant):
    """The real clause vectors and document groups of the seed corpus, and real question embeddings."""
    index = assistant.index
    vectors = index.vectors.index.reconstruct_n(0, len(index.vectors))
    questions = [item.question for item in load_items()[:20]]
    return vectors, document_groups(index.documents, index.clauses), assistant.embedder.embed_queries(questions)


@pytest.fixture(params=list(BACKENDS))
def saved_store(request, real_vectors, tmp_path):
    vectors, groups, _ = real_vectors
    settings = Settings(index_dir=tmp_path, **BACKENDS[request.param])
    store = create_store(settings, vectors.shape[1], len(vectors))
    store.add(vectors, groups)
    store.save(tmp_path)
    loaded = load_store(settings, tmp_path, groups)
    yield loaded
    store.close()
    loaded.close()


def _exact(vectors, groups, query, k, allowed=None):
    scores = vectors @ query
    if allowed is not None:
        scores = np.where(np.isin(groups, allowed), scores, -np.inf)
    return list(np.argsort(-scores, kind="stable")[:k])


def saved_store_is_exact(store) -> bool:
    return getattr(store, "kind", "flat") == "flat"


def test_top_k_matches_exact_search_in_every_backend(saved_store, real_vectors):
    vectors, groups, queries = real_vectors
    overlap = []
    for query in queries:
        positions, scores = saved_store.search(query, 10)
        assert len(positions) == 10 and np.all(np.diff(scores) <= 1e-6)
        np.testing.assert_allclose(scores, vectors[positions] @ query, atol=1e-4)
        overlap.append(len(set(positions) & set(_exact(vectors, groups, query, 10))) / 10)
    assert np.mean(overlap) >= 0.95


def test_scope_returns_only_clauses_of_allowed_documents(saved_store, real_vectors):
    vectors, groups, queries = real_vectors
    allowed = np.array([1, 3])
    for query in queries[:5]:
        positions, _ = saved_store.search(query, 10, allowed)
        assert set(groups[positions]) <= {1, 3}
        exact = _exact(vectors, groups, query, 10, allowed)
        if saved_store_is_exact(saved_store):
            assert list(positions) == exact
        else:  # the approximate index inside a scope larger than ann_threshold
            assert len(set(positions) & set(exact)) >= 8


def test_similarities_are_the_inner_products(saved_store, real_vectors):
    vectors, _, queries = real_vectors
    positions = np.array([5, 0, 17])
    np.testing.assert_allclose(saved_store.similarities(queries[0], positions), vectors[positions] @ queries[0],
                               atol=1e-4)


def test_keyword_search_scores_like_bm25_over_everything(assistant):
    keywords: KeywordIndex = assistant.index.keywords
    query = "工程项目一次性验收合格率"
    positions, scores = keywords.search(query, 10)
    from assistant.text import tokenize

    full = keywords.bm25.get_scores([t for t in tokenize(query) if t in keywords.vocab])
    assert list(positions) == list(np.argsort(-full, kind="stable")[:10])
    np.testing.assert_allclose(scores, full[positions], rtol=1e-5)
    scoped, _ = keywords.search(query, 10, np.array([2]))
    assert set(keywords.groups[scoped]) == {2}
    assert keywords.search("完全没有出现过的词语", 10)[0].size == 0


def test_unreachable_milvus_uri_fails_at_start_with_a_clear_message(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(index_dir=tmp_path, vector_backend="milvus", milvus_uri=f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(StoreUnreachable, match="无法连接向量数据库 Milvus"):
        create_store(settings, 384, 10)
    assert time.monotonic() - started < 15


def test_corrupt_faiss_file_is_reported(saved_store, real_vectors, tmp_path):
    _, groups, _ = real_vectors
    if (tmp_path / "vectors.faiss").exists():
        (tmp_path / "vectors.faiss").write_bytes(b"not a faiss index")
        with pytest.raises(IndexUnavailable, match="损坏"):
            load_store(Settings(index_dir=tmp_path), tmp_path, groups)
    else:  # milvus: a collection that lost its rows
        saved_store.client.drop_collection(saved_store.collection)
        with pytest.raises(IndexUnavailable, match="Milvus"):
            load_store(Settings(index_dir=tmp_path, vector_backend="milvus"), tmp_path, groups)


SAVE_IN_ANOTHER_PROCESS = """
import sys
from pathlib import Path
import numpy as np
from assistant.settings import Settings
from assistant.stores import create_store
vectors, groups = np.load(sys.argv[1]), np.load(sys.argv[2])
store = create_store(Settings(vector_backend="milvus"), vectors.shape[1], len(vectors))
store.add(vectors, groups)
store.save(Path(sys.argv[3]))
store.close()
"""


def test_milvus_lite_store_saved_by_another_process_answers_searches(real_vectors, tmp_path):
    """A milvus-lite collection comes back released when the process that saved it has ended (every later start
    of the server): loading it must make it searchable again."""
    vectors, groups, queries = real_vectors
    np.save(tmp_path / "vectors.npy", vectors)
    np.save(tmp_path / "groups.npy", groups)
    (tmp_path / "build").mkdir()
    subprocess.run([sys.executable, "-c", SAVE_IN_ANOTHER_PROCESS, str(tmp_path / "vectors.npy"),
                    str(tmp_path / "groups.npy"), str(tmp_path / "build")],
                   check=True, timeout=120, cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    store = load_store(Settings(vector_backend="milvus"), tmp_path / "build", groups)
    positions, _ = store.search(queries[0], 10)
    store.close()
    assert list(positions) == _exact(vectors, groups, queries[0], 10)


# -- the whole pipeline on milvus-lite --------------------------------------------------------------
@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(PROJECT_ROOT / "corpus" / SICHUAN, corpus / SICHUAN)
    return corpus


@pytest.fixture(scope="module")
def milvus_assistant(small_corpus, tmp_path_factory):
    """An Assistant on milvus-lite over a one-document corpus, whose index a test may break. That both backends
    give the same answers is asserted on the whole evaluation corpus (tests/test_evaluation.py)."""
    settings = Settings(corpus_dir=small_corpus, index_dir=tmp_path_factory.mktemp("milvus-lite"),
                        **BACKENDS["milvus-lite"])
    made = Assistant(settings)
    yield made
    made.index.vectors.close()


def test_corrupt_milvus_collection_is_rebuilt_from_the_corpus(milvus_assistant, caplog):
    index = milvus_assistant.index
    store = index.vectors
    store.client.drop_collection(store.collection)
    with caplog.at_level(logging.WARNING):
        rebuilt = load_or_build(milvus_assistant.settings)
    assert "Milvus" in caplog.text and "损坏" in caplog.text
    assert len(rebuilt.vectors) == len(index.clauses)
    rebuilt.vectors.close()
