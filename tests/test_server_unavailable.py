"""A corpus that cannot be indexed leaves the server up, saying why, instead of crashing it."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from assistant.api.server import build_app
from assistant.settings import Settings


def test_broken_corpus_gives_503_with_reason_and_a_ui_banner(tmp_path, serve_app):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.docx").write_bytes(b"not a zip archive")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", host="127.0.0.1")
    url = serve_app(build_app(settings=settings))

    assert httpx.get(f"{url}/healthz").status_code == 200
    ready = httpx.get(f"{url}/readyz")
    assert ready.status_code == 503 and "broken.docx" in ready.json()["error"]["message"]
    asked = httpx.post(f"{url}/v1/ask", json={"question": "湖南省的质量目标是什么？"})
    assert asked.status_code == 503 and "索引无法加载" in asked.json()["error"]["message"]
    page = httpx.get(f"{url}/")
    assert page.status_code == 200 and "broken.docx" in page.text
    assert httpx.get(f"{url}/v1/models").status_code == 503
    script = Client(f"{url}/", verbose=False)
    try:
        with pytest.raises(AppError, match="索引无法加载"):
            script.predict("湖南省的质量目标是什么？", api_name="/ask")
    finally:
        script.close()
