"""A real rebuild through the admin endpoint swaps the new index in while questions keep being answered."""

from __future__ import annotations

import shutil
import threading

import httpx

from assistant.api import create_app
from assistant.assistant import Assistant
from assistant.settings import PROJECT_ROOT, Settings

KEY = "reindex-key-7c1e"
SICHUAN_FILE = "003_b452e910d48fa78e.txt"
QUESTION = "四川省到2020年重点工程项目一次性合格率要达到多少？"


def test_reindex_swaps_atomically_under_load(tmp_path, serve_app):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROJECT_ROOT / "corpus" / SICHUAN_FILE, corpus / SICHUAN_FILE)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", api_keys=[KEY], open_mode=False,
                        rate_limit_per_minute=0)
    assistant = Assistant(settings)
    before = assistant.index.directory
    url = serve_app(create_app(assistant, settings))
    answers: list[tuple[int, dict]] = []
    stop = threading.Event()

    def keep_asking() -> None:
        with httpx.Client(base_url=url, timeout=60, headers={"X-API-Key": KEY}) as http:
            while not stop.is_set():
                response = http.post("/v1/ask", json={"question": QUESTION})
                answers.append((response.status_code, response.json()))

    askers = [threading.Thread(target=keep_asking) for _ in range(2)]
    for thread in askers:
        thread.start()
    try:
        with httpx.Client(base_url=url, timeout=300, headers={"X-API-Key": KEY}) as http:
            rebuilt = http.post("/v1/admin/reindex", params={"full": True})  # re-embeds: takes a while
    finally:
        stop.set()
        for thread in askers:
            thread.join(60)

    assert rebuilt.status_code == 200, rebuilt.text
    assert assistant.index.directory != before and (settings.index_dir / "CURRENT").read_text() == \
        assistant.index.directory.name
    assert len(answers) >= 4
    for status, body in answers:
        assert status == 200 and body["answerable"] and "100%" in body["answer"]
        assert {c["doc_id"] for c in body["citations"]} == {"003-b452e910d48fa78e"}  # slug of the file name: no manifest here
