"""Who may see what: a reader of one collection never receives a clause, title or doc_id of another, on any
path (Python API, every HTTP route, the Gradio chat and its programmatic API), and every answer is audited.

One real index over three seed documents: 湖南 in 公开, 四川 in 市场监管局内部, 青海 in both; one real server
bound to 127.0.0.1 with open mode off, so it behaves as a server reachable from the network.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from gradio_client import Client
from gradio_client.exceptions import AppError, AuthenticationError

from assistant.access import InvalidKeyRequest, KeyStore, Principal
from assistant.api.server import build_app
from assistant.assistant import Assistant
from assistant.errors import NotFound, UnknownFilter
from assistant.settings import PROJECT_ROOT, Settings

COLLECTIONS = {"hunan-2017": ["公开"], "sichuan-zlqs": ["市场监管局内部"], "qinghai-zlfz": ["公开", "市场监管局内部"]}
HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"
SICHUAN = "四川省到2020年重点工程项目一次性合格率要达到多少？"
READER_A = Principal(name="reader-a", role="reader", collections=["公开"])


@dataclass
class World:
    assistant: Assistant
    settings: Settings
    store: KeyStore
    url: str
    keys: dict[str, str]
    forbidden: list[str]  # every string that would give collection 市场监管局内部 away to reader-a

    def http(self, who: str | None) -> httpx.Client:
        headers = {"X-API-Key": self.keys[who]} if who else {}
        return httpx.Client(base_url=self.url, timeout=120, headers=headers)

    def leaks(self, text: str) -> list[str]:
        return [s for s in self.forbidden if s in text]


@pytest.fixture(scope="module")
def world(tmp_path_factory, serve_app) -> World:
    root = tmp_path_factory.mktemp("access")
    corpus = root / "corpus"
    corpus.mkdir()
    manifest = yaml.safe_load((PROJECT_ROOT / "corpus" / "manifest.yaml").read_text(encoding="utf-8"))
    entries = [{**e, "collections": COLLECTIONS[e["doc_id"]]} for e in manifest["documents"]
               if e["doc_id"] in COLLECTIONS]
    for entry in entries:
        shutil.copy(PROJECT_ROOT / "corpus" / entry["file"], corpus / entry["file"])
    (corpus / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", data_dir=root / "data", host="127.0.0.1",
                        open_mode=False, api_keys=[], rate_limit_per_minute=0)
    assistant = Assistant(settings)
    store = KeyStore.from_settings(settings)
    keys = {"reader-a": store.create("reader-a", "reader", ["公开"])[0],
            "reader-b": store.create("reader-b", "reader", ["市场监管局内部"])[0],
            "admin": store.create("admin", "admin", ["*"])[0]}
    sichuan = assistant.document("sichuan-zlqs")
    forbidden = ["sichuan-zlqs", sichuan.title, *(c.clause_id for c in assistant.clauses("sichuan-zlqs"))]
    forbidden += [c.text[:20] for c in assistant.clauses("sichuan-zlqs") if len(c.text) >= 20 and not any(
        c.text[:20] in o.text for o in assistant.index.clauses if o.doc_id != "sichuan-zlqs")]
    return World(assistant, settings, store, serve_app(build_app(assistant, settings)), keys, forbidden)


# -- the Python API -------------------------------------------------------------------------------
def test_manifest_collections_reach_the_documents(world):
    assert {d.doc_id: d.collections for d in world.assistant.documents()} == COLLECTIONS


def test_reader_lists_and_opens_only_their_collections(world):
    a = world.assistant
    assert {d.doc_id for d in a.documents(principal=READER_A)} == {"hunan-2017", "qinghai-zlfz"}
    clause_id = a.clauses("sichuan-zlqs")[0].clause_id
    for call, forbidden, unknown in ((a.document, "sichuan-zlqs", "nosuch-doc"),
                                     (a.clauses, "sichuan-zlqs", "nosuch-doc"), (a.clause, clause_id, "nosuch-doc#1")):
        with pytest.raises(NotFound) as hidden:
            call(forbidden, principal=READER_A)
        with pytest.raises(NotFound) as missing:
            call(unknown, principal=READER_A)
        assert hidden.value.message.replace(forbidden, "ID") == missing.value.message.replace(unknown, "ID")
    assert a.clause(clause_id).doc_id == "sichuan-zlqs"  # the local operator sees it: the test can fail


def test_search_ranks_only_visible_clauses(world):
    local = world.assistant.search(SICHUAN, top_k=10)
    assert any(h.clause.doc_id == "sichuan-zlqs" for h in local)
    hits = world.assistant.search(SICHUAN, top_k=10, principal=READER_A)
    assert hits and {h.clause.doc_id for h in hits} <= {"hunan-2017", "qinghai-zlfz"}


def test_refusal_and_its_suggestions_stay_inside_the_collections(world):
    assert "sichuan-zlqs" in {c.doc_id for c in world.assistant.ask(SICHUAN).citations}
    answer = world.assistant.ask(SICHUAN, principal=READER_A)
    assert not answer.answerable and "已收录：湖南、青海" in answer.answer
    assert not world.leaks(answer.model_dump_json())


def test_langchain_retriever_keeps_to_the_principal(world):
    from assistant.langchain_retriever import PolicyRetriever

    docs = PolicyRetriever(assistant=world.assistant, principal=READER_A, top_k=10).invoke(SICHUAN)
    assert docs and {d.metadata["doc_id"] for d in docs} <= {"hunan-2017", "qinghai-zlfz"}


def test_filter_errors_list_only_visible_documents_and_provinces(world):
    a = world.assistant
    with pytest.raises(UnknownFilter) as hidden:
        a.ask(HUNAN, doc_id="sichuan-zlqs", principal=READER_A)
    with pytest.raises(UnknownFilter) as missing:
        a.ask(HUNAN, doc_id="nosuch-doc", principal=READER_A)
    assert hidden.value.message.replace("sichuan-zlqs", "ID") == missing.value.message.replace("nosuch-doc", "ID")
    assert "hunan-2017" in missing.value.message and "qinghai-zlfz" in missing.value.message
    with pytest.raises(UnknownFilter) as province:
        a.search(HUNAN, province="四川", principal=READER_A)
    assert "（已收录：湖南、青海）" in province.value.message


def test_followup_cannot_reach_another_collection(world):
    history = [{"role": "user", "content": HUNAN}, {"role": "assistant", "content": "……99.3%"}]
    assert "sichuan-zlqs" in {c.doc_id for c in world.assistant.ask("那四川呢？", history=history).citations}
    answer = world.assistant.ask("那四川呢？", history=history, principal=READER_A)
    assert not world.leaks(answer.model_dump_json())


def test_each_answer_is_audited_with_principal_rewrite_and_citations(world):
    history = [{"role": "user", "content": HUNAN}, {"role": "assistant", "content": "……99.3%"}]
    answer = world.assistant.ask("2025年的目标呢？", history=history, principal=READER_A)
    entry = list(world.assistant.audit.entries())[-1]
    assert (entry.principal, entry.action, entry.question) == ("reader-a", "ask", "2025年的目标呢？")
    assert entry.rewritten_question == answer.rewritten_question and entry.rewritten_question
    assert entry.refused is (not answer.answerable) and entry.mode == answer.mode
    assert entry.citations == [c.clause_id for c in answer.citations]


# -- HTTP -----------------------------------------------------------------------------------------
def test_every_http_path_keeps_the_other_collection_out(world):
    history = [{"role": "user", "content": HUNAN}, {"role": "assistant", "content": "……99.3%"}]
    clause_id = world.assistant.clauses("sichuan-zlqs")[0].clause_id.replace("#", "%23")
    with world.http("reader-a") as http, world.http("reader-b") as other:
        bodies = [
            http.post("/v1/ask", json={"question": SICHUAN}),
            http.post("/v1/ask/stream", json={"question": SICHUAN}),
            http.post("/v1/search", json={"query": SICHUAN, "top_k": 20}),
            http.post("/v1/chat/completions", json={"messages": [*history, {"role": "user", "content": "那四川呢？"}]}),
            http.post("/v1/chat/completions",
                      json={"stream": True, "messages": [{"role": "user", "content": SICHUAN}]}),
            http.get("/v1/documents"),
            http.post("/v1/ask", json={"question": HUNAN, "doc_id": "sichuan-zlqs"}),
            http.post("/v1/ask", json={"question": HUNAN, "province": "四川"}),
        ]
        assert all(r.status_code in (200, 400) for r in bodies), [r.text for r in bodies]
        hidden_doc, unknown_doc = http.get("/v1/documents/sichuan-zlqs"), http.get("/v1/documents/nosuch-doc")
        hidden_clause = http.get(f"/v1/clauses/{clause_id}")
        unknown_clause = http.get("/v1/clauses/nosuch-doc%231")
        assert other.get(f"/v1/clauses/{clause_id}").status_code == 200  # reader-b may: the check can fail
        assert "sichuan-zlqs" in other.post("/v1/ask", json={"question": SICHUAN}).text
        metrics = http.get("/metrics").text
    for response in (hidden_doc, unknown_doc, hidden_clause, unknown_clause):
        assert response.status_code == 404
    assert hidden_doc.json()["error"]["code"] == unknown_doc.json()["error"]["code"] == "not_found"
    assert hidden_clause.json()["error"]["code"] == unknown_clause.json()["error"]["code"]
    assert {d["doc_id"] for d in bodies[5].json()["documents"]} == {"hunan-2017", "qinghai-zlfz"}
    for response in [*bodies, hidden_doc, hidden_clause]:
        sent = str(response.request.url) + response.request.content.decode()
        said = response.text.replace("sichuan-zlqs", "") if "sichuan-zlqs" in sent else response.text  # an echo
        assert not world.leaks(said), (response.request.url, world.leaks(said))
    assert not world.leaks(metrics)


def test_wrong_key_is_401_and_a_reader_is_403_on_admin_routes(world):
    with world.http(None) as anonymous, world.http("reader-a") as reader:
        assert anonymous.post("/v1/ask", json={"question": HUNAN}).status_code == 401
        wrong = anonymous.post("/v1/ask", json={"question": HUNAN}, headers={"X-API-Key": world.keys["admin"] + "x"})
        assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "API 密钥无效。"
        for method, path in (("POST", "/v1/admin/reindex"), ("GET", "/v1/admin/audit"), ("GET", "/v1/admin/feedback")):
            response = reader.request(method, path)
            assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", path


def test_admin_exports_the_audit_log(world):
    with world.http("reader-a") as reader, world.http("admin") as admin:
        assert reader.post("/v1/ask", json={"question": HUNAN}).status_code == 200
        lines = admin.get("/v1/admin/audit", params={"since": "2000-01-01"}).text.splitlines()
        csv_text = admin.get("/v1/admin/audit", params={"format": "csv"})
        bad = admin.get("/v1/admin/audit", params={"since": "昨天"})
    assert '"principal": "reader-a"' in lines[-1] and HUNAN in lines[-1]
    assert csv_text.headers["content-type"].startswith("text/csv") and csv_text.text.startswith("id,created_at")
    assert bad.status_code == 400 and "无法识别的时间" in bad.json()["error"]["message"]


def test_revoked_key_stops_working_at_once(world):
    key, _ = world.store.create("temp-http", "reader", ["公开"])
    with world.http(None) as http:
        assert http.post("/v1/ask", json={"question": HUNAN}, headers={"X-API-Key": key}).status_code == 200
        world.store.revoke("temp-http")
        assert http.post("/v1/ask", json={"question": HUNAN}, headers={"X-API-Key": key}).status_code == 401


def test_admin_manages_keys_over_http(world):
    with world.http("admin") as admin, world.http("reader-a") as reader:
        assert reader.get("/v1/admin/keys").status_code == 403
        created = admin.post("/v1/admin/keys", json={"name": "temp-api", "role": "reader", "collections": ["公开"]})
        assert created.status_code == 201, created.text
        key, record = created.json()["key"], created.json()["record"]
        assert "key" not in record and record["collections"] == ["公开"]
        assert any(r["key_id"] == record["key_id"] for r in admin.get("/v1/admin/keys").json())
        assert key not in admin.get("/v1/admin/keys").text
        bad = admin.post("/v1/admin/keys", json={"name": "x", "role": "root", "collections": ["公开"]})
        assert bad.status_code == 422
        with world.http(None) as http:
            docs = http.get("/v1/documents", headers={"X-API-Key": key}).json()["documents"]
            assert {d["doc_id"] for d in docs} == {"hunan-2017", "qinghai-zlfz"}
            assert admin.delete(f"/v1/admin/keys/{record['key_id']}").status_code == 200
            assert http.get("/v1/documents", headers={"X-API-Key": key}).status_code == 401
        assert admin.delete("/v1/admin/keys/nosuch").status_code == 404
    actions = [(e.principal, e.action) for e in world.assistant.audit.entries()]
    assert ("admin", "key_created") in actions and ("admin", "key_revoked") in actions


def test_locked_audit_database_still_answers_and_catches_up(world):
    def failures() -> float:
        found = re.search(r"^policyqa_audit_failures_total ([\d.]+)$", httpx.get(world.url + "/metrics").text, re.M)
        return float(found.group(1)) if found else 0.0

    before = failures()
    question = "湖南省到2020年的品牌建设目标是什么？"
    blocker = sqlite3.connect(world.assistant.audit.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with world.http("reader-a") as http:
            response = http.post("/v1/ask", json={"question": question})
        assert response.status_code == 200 and response.json()["answer"]
        assert failures() > before
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    deadline = time.monotonic() + 30  # the spool is retried on a timer
    while question not in _questions_on_disk(world.assistant.audit.path):
        assert time.monotonic() < deadline, "the spooled entry never reached the database"
        time.sleep(0.5)
    assert world.assistant.audit.verify().ok


def _questions_on_disk(path: Path) -> list[str]:
    """Read the database directly, without flushing this process's spool (which would hide a retry bug)."""
    with sqlite3.connect(path) as db:
        return [question for (question,) in db.execute("SELECT question FROM entries")]


# -- the Gradio chat and its API --------------------------------------------------------------------
def test_settings_keys_log_in_to_the_chat_as_numbered_admins(tmp_path):
    from assistant.api.security import AccessPolicy

    policy = AccessPolicy(Settings(data_dir=tmp_path, api_keys=["first-key", "second-key"], open_mode=False))
    assert policy.login("api-key-2", "second-key") and not policy.login("api-key-1", "second-key")
    assert policy.chat_principal("api-key-2") == Principal(name="api-key-2", role="admin", collections=["*"])
    assert policy.chat_principal("api-key-3") is None and policy.chat_principal(None) is None
    for reserved in ("api-key-1", "local", "anonymous"):  # a stored key must not pass for one of these
        with pytest.raises(InvalidKeyRequest, match="保留"):
            policy.store.create(reserved, "reader", ["公开"])



def test_no_gradio_endpoint_answers_without_login(world):
    with pytest.raises(AuthenticationError):
        Client(world.url, verbose=False)
    with pytest.raises(ValueError, match="Could not login"):  # the user name must be the key's name
        Client(world.url, auth=("reader-b", world.keys["reader-a"]), verbose=False)
    with httpx.Client(base_url=world.url, timeout=60) as http:
        for path in ("/config", "/gradio_api/info", "/gradio_api/openapi.json", "/gradio_api/queue/data"):
            assert http.get(path).status_code == 401, path
        for path in ("/gradio_api/call/ask", "/gradio_api/run/ask", "/gradio_api/call/search",
                     "/gradio_api/queue/join", "/gradio_api/call/respond"):
            response = http.post(path, json={"data": [SICHUAN], "fn_index": 0, "session_hash": "x"})
            assert response.status_code == 401, path
        assert "sichuan" not in http.get("/").text


def test_closed_server_without_any_key_lets_no_one_into_the_chat(world, serve_app, tmp_path):
    settings = world.settings.model_copy(update={"host": "0.0.0.0", "open_mode": None, "data_dir": tmp_path})
    url = serve_app(build_app(world.assistant, settings))
    with pytest.raises(AuthenticationError):
        Client(url, verbose=False)
    assert httpx.post(url + "/gradio_api/call/ask", json={"data": [HUNAN]}).status_code == 401


def test_chat_api_login_maps_to_the_same_principal(world):
    reader = Client(world.url, auth=("reader-a", world.keys["reader-a"]), verbose=False)
    refused = reader.predict(SICHUAN, api_name="/ask")
    hits = reader.predict(query=SICHUAN, top_k=20, api_name="/search")["hits"]
    with pytest.raises(AppError) as hidden:
        reader.predict(HUNAN, doc_id="sichuan-zlqs", api_name="/ask")
    hunan = reader.predict(HUNAN, api_name="/ask")
    assert "99.3%" in hunan["answer"] and not refused["answerable"]
    assert hits and {h["doc_id"] for h in hits} <= {"hunan-2017", "qinghai-zlfz"}
    for text in (str(refused), str(hits), str(hidden.value).replace("sichuan-zlqs", "")):  # minus the echo
        assert not world.leaks(text)
    other = Client(world.url, auth=("reader-b", world.keys["reader-b"]), verbose=False)
    assert "sichuan-zlqs" in {c["doc_id"] for c in other.predict(SICHUAN, api_name="/ask")["citations"]}
    assert any(e.principal == "reader-a" and e.question == SICHUAN for e in world.assistant.audit.entries())
    for client in (reader, other):
        client.close()


def test_revoked_chat_user_is_refused_in_an_open_session(world):
    key, _ = world.store.create("temp-chat", "reader", ["公开"])
    chat = Client(world.url, auth=("temp-chat", key), verbose=False)
    assert "99.3%" in chat.predict(HUNAN, api_name="/ask")["answer"]
    world.store.revoke("temp-chat")
    with pytest.raises(AppError, match="请先登录"):
        chat.predict(HUNAN, api_name="/ask")
    chat.close()


@pytest.mark.browser
def test_chat_page_asks_for_a_login_then_shows_only_the_users_documents(world):
    chromium_path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium_path).exists():
        pytest.skip("chromium is not installed (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="zh-CN")
        page.goto(world.url + "/")
        page.wait_for_selector("input[type=password]", timeout=30_000)
        assert page.locator("#pq-input").count() == 0  # nothing of the chat before the login
        page.locator("input:not([type=password])").first.fill("reader-a")
        page.fill("input[type=password]", world.keys["reader-a"])
        page.press("input[type=password]", "Enter")
        page.wait_for_selector("#pq-input textarea", timeout=60_000)
        page.wait_for_function("document.querySelector('#pq-head').innerText.includes('2 份')", timeout=30_000)
        page.get_by_role("tab", name="文件库").click()
        rows = page.locator(".pq-table tbody tr")
        rows.first.wait_for()
        listed = [rows.nth(i).inner_text() for i in range(rows.count())]
        page.get_by_role("tab", name="政策问答").click()
        page.fill("#pq-input textarea", SICHUAN)
        page.press("#pq-input textarea", "Enter")
        page.wait_for_selector("#pq-chat .pq-actions, #pq-chat .pq-notice", timeout=60_000)
        answer = page.inner_text("#pq-chat")
        html = page.content()
        browser.close()
    assert len(listed) == 2 and any("湖南" in row for row in listed) and any("青海" in row for row in listed)
    assert "已收录：湖南、青海" in answer
    assert not world.leaks(html)
