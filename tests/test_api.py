"""The HTTP API on a real uvicorn server over the real corpus: contracts, errors, limits, streaming, concurrency."""

from __future__ import annotations

import importlib.util
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"
QINGHAI = "青海省森林覆盖率要达到多少？"
OUTSIDE = "上海市建设质量强市的目标是什么？"
HUNAN_TITLE = "湖南省人民政府关于加快质量发展建设质量强省的实施意见"
CONTRACT = {"answer", "answerable", "citations", "mode"}
CITATION_FIELDS = {"n", "doc_id", "title", "province", "section", "clause_id", "text", "score"}


@pytest.fixture(scope="module")
def client(server_url):
    with httpx.Client(base_url=server_url, timeout=60) as http:
        yield http


def sse_events(text: str) -> list[tuple[str | None, str]]:
    """(event, data) pairs of a text/event-stream body."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith(":")]
        if not lines:
            continue
        event = next((line[6:].strip() for line in lines if line.startswith("event:")), None)
        data = "\n".join(line[5:].lstrip() for line in lines if line.startswith("data:"))
        events.append((event, data))
    return events


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "type", "param"}  # OpenAI's shape, plus our stable code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error  # a Chinese message
    assert "Traceback" not in response.text
    if code:
        assert error["code"] == code
    return error


# -- answers ----------------------------------------------------------------------------------------

def test_hunan_acceptance_rate_is_answered_with_a_hunan_citation(client):
    response = client.post("/v1/ask", json={"question": HUNAN})
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == CONTRACT
    assert answer["answerable"] is True and "99.3%" in answer["answer"] and answer["mode"] == "extractive"
    assert answer["citations"] and all(set(c) == CITATION_FIELDS for c in answer["citations"])
    assert any(c["doc_id"] == "hunan-2017" for c in answer["citations"])
    assert {c["province"] for c in answer["citations"]} == {"湖南"}


def test_province_outside_the_corpus_is_refused_and_counted(client):
    def refusals() -> float:
        metrics = client.get("/metrics").text
        return sum(float(line.split()[-1]) for line in metrics.splitlines()
                   if line.startswith('refusals_total{endpoint="ask"}'))

    before = refusals()
    answer = client.post("/v1/ask", json={"question": OUTSIDE}).json()
    assert answer["answerable"] is False
    assert refusals() == before + 1


def test_filters_restrict_the_answer_to_one_document(client):
    answer = client.post("/v1/ask", json={"question": "对标准化有什么要求？", "province": ["湖南"],
                                          "doc_id": "hunan-2017", "top_k": 3}).json()
    assert answer["citations"] and {c["doc_id"] for c in answer["citations"]} == {"hunan-2017"}


def test_follow_up_question_uses_the_history(client):
    history = [{"role": "user", "content": HUNAN}, {"role": "assistant", "content": "……99.3%[1]"}]
    answer = client.post("/v1/ask", json={"question": "那四川呢？", "history": history}).json()
    assert answer["citations"] and {c["province"] for c in answer["citations"]} == {"四川"}


def test_stream_sends_the_answer_in_pieces_then_citations_then_done(client):
    plain = client.post("/v1/ask", json={"question": QINGHAI}).json()
    response = client.post("/v1/ask/stream", json={"question": QINGHAI})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names.count("delta") > 1 and names[-2:] == ["citations", "done"]
    assert set(names) == {"delta", "citations", "done"}
    text = "".join(json.loads(data)["text"] for name, data in events if name == "delta")
    citations = json.loads(events[-2][1])
    done = json.loads(events[-1][1])
    assert text == plain["answer"] == done["answer"] and "6.28%" in text
    assert citations["citations"] == plain["citations"] == done["citations"]
    assert set(done) == CONTRACT


def test_stream_rejects_a_bad_question_before_streaming(client):
    assert_error(client.post("/v1/ask/stream", json={"question": "  "}), 400, "invalid_question")


# -- search and documents ---------------------------------------------------------------------------

def test_search_returns_scored_clauses_of_the_named_province(client):
    response = client.post("/v1/search", json={"query": "青海 森林覆盖率", "top_k": 3})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert len(hits) == 3 and all(h["province"] == "青海" for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert all(h["clause_id"].startswith(h["doc_id"] + "#") and h["section_path"] for h in hits)


def test_documents_are_listed_with_clause_counts(client):
    documents = client.get("/v1/documents").json()["documents"]
    by_id = {d["doc_id"]: d for d in documents}
    assert {"hunan-2017", "yunnan-2016", "yunnan-2023", "sichuan-zlqs", "qinghai-zlfz"} <= set(by_id)
    assert by_id["hunan-2017"]["title"] == HUNAN_TITLE and by_id["hunan-2017"]["clause_count"] > 10


def test_document_detail_has_every_clause_flat_and_in_the_heading_tree(client):
    detail = client.get("/v1/documents/hunan-2017").json()
    assert detail["document"]["province"] == "湖南"
    clauses = detail["clauses"]
    assert clauses and all(c["doc_id"] == "hunan-2017" and c["section_path"] for c in clauses)
    assert [c["order"] for c in clauses] == sorted(c["order"] for c in clauses)

    def tree_ids(nodes):
        for node in nodes:
            yield from node["clause_ids"]
            yield from tree_ids(node["children"])

    assert sorted(tree_ids(detail["sections"])) == sorted(c["clause_id"] for c in clauses)
    target = next(c for c in clauses if c["clause_id"] == "hunan-2017#1.4.b2")
    assert target["section_path"][0] == "一、总体要求"


def test_clause_ids_with_hash_are_fetched_url_encoded(client):
    response = client.get("/v1/clauses/hunan-2017%231.4.b2")
    assert response.status_code == 200
    clause = response.json()
    assert clause["clause_id"] == "hunan-2017#1.4.b2" and "99.3%" in clause["text"]
    assert clause["title"] == HUNAN_TITLE and clause["province"] == "湖南"


def test_unknown_document_and_clause_are_404(client):
    assert_error(client.get("/v1/documents/nope-2099"), 404, "not_found")
    assert_error(client.get("/v1/clauses/hunan-2017%2399.99"), 404, "not_found")
    assert_error(client.get("/v1/clauses/nope"), 404, "not_found")


def test_unknown_filters_are_400(client):
    error = assert_error(client.post("/v1/ask", json={"question": "标准化", "province": "火星"}), 400,
                         "unknown_filter")
    assert "火星" in error["message"]
    assert_error(client.post("/v1/search", json={"query": "标准化", "doc_id": "nope"}), 400, "unknown_filter")


# -- OpenAI-compatible chat ---------------------------------------------------------------------------

def test_chat_completion_has_openai_shape_and_citations(client):
    response = client.post("/v1/chat/completions", json={"model": "policy-qa", "temperature": 0, "messages": [
        {"role": "system", "content": "你是助手"}, {"role": "user", "content": HUNAN}]})
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-") and body["model"] == "policy-qa"
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant" and "99.3%" in choice["message"]["content"]
    assert choice["finish_reason"] == "stop" and body["usage"]["total_tokens"] > 0
    assert any(c["doc_id"] == "hunan-2017" for c in body["citations"])


def test_chat_completion_earlier_messages_are_history(client):
    body = client.post("/v1/chat/completions", json={"messages": [
        {"role": "user", "content": HUNAN}, {"role": "assistant", "content": "……99.3%[1]"},
        {"role": "user", "content": [{"type": "text", "text": "那四川呢？"}]}]}).json()
    assert {c["province"] for c in body["citations"]} == {"四川"}


def test_chat_completion_stream_is_openai_chunks_ending_with_done(client):
    response = client.post("/v1/chat/completions", json={"stream": True, "messages": [
        {"role": "user", "content": QINGHAI}]})
    assert response.status_code == 200
    events = sse_events(response.text)
    assert events[-1] == (None, "[DONE]")
    chunks = [json.loads(data) for _, data in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" and len({c["id"] for c in chunks}) == 1 for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    content = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "6.28%" in content
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]


def test_chat_without_a_user_message_is_400(client):
    assert_error(client.post("/v1/chat/completions", json={"messages": [{"role": "system", "content": "x"}]}),
                 400, "invalid_question")


# -- bad requests -------------------------------------------------------------------------------------

def test_empty_and_blank_questions_are_400(client):
    for question in ("", "   \n"):
        error = assert_error(client.post("/v1/ask", json={"question": question}), 400, "invalid_question")
        assert error["message"] == "问题不能为空。"


def test_over_long_question_is_400_with_the_limit(client):
    error = assert_error(client.post("/v1/ask", json={"question": "问" * 600}), 400, "invalid_question")
    assert "500" in error["message"]


def test_huge_body_is_413_declared_or_streamed(client):
    huge = json.dumps({"question": "问" * 100_000}).encode()
    assert_error(client.post("/v1/ask", content=huge, headers={"content-type": "application/json"}), 413,
                 "payload_too_large")

    def chunks():
        for start in range(0, len(huge), 8192):
            yield huge[start:start + 8192]

    assert_error(client.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"}), 413,
                 "payload_too_large")


def test_malformed_json_is_400(client):
    assert_error(client.post("/v1/ask", content=b'{"question": ', headers={"content-type": "application/json"}),
                 400, "invalid_json")


def test_wrong_types_are_422_with_the_fields_named(client):
    error = assert_error(client.post("/v1/ask", json={"question": ["a"], "top_k": "many"}), 422, "invalid_request")
    assert {d["field"] for d in error["details"]} == {"question", "top_k"}
    assert_error(client.post("/v1/ask", json={"question": "标准化", "top_k": 0}), 422, "invalid_request")
    assert_error(client.post("/v1/ask", json=[1, 2]), 422, "invalid_request")
    assert_error(client.post("/v1/ask", json={}), 422, "invalid_request")


def test_unknown_routes_and_methods_answer_json(client):
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/v1/ask"), 405, "method_not_allowed")


# -- operations -----------------------------------------------------------------------------------------

def test_health_readiness_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["documents"] >= 5 and ready["clauses"] > 100
    docs = client.get("/docs").text
    assert "swagger" in docs.lower() and "cdn" not in docs and "https://" not in docs  # works offline
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/ask/stream", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}",
            "/v1/clauses/{clause_id}", "/v1/chat/completions", "/v1/models", "/v1/models/{model_id}",
            "/v1/admin/reindex", "/healthz",
            "/readyz"} <= set(paths)


def test_metrics_count_requests_by_route_template(client):
    client.get("/v1/clauses/hunan-2017%231.1")
    metrics = client.get("/metrics").text
    assert 'http_requests_total{method="GET",route="/v1/clauses/{clause_id:path}",status="200"}' in metrics
    assert "http_request_duration_seconds_bucket" in metrics and "refusals_total" in metrics
    if importlib.util.find_spec("assistant.answering.llm"):
        assert "llm_fallbacks_total" in metrics  # the LLM chain's counter, registered at startup
    assert "hunan-2017#1.1" not in metrics


def test_widget_script_is_served(client):
    response = client.get("/widget.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert "attachShadow" in response.text and "/v1/ask" in response.text


def test_cors_allows_only_the_configured_origins(client, page_site):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-api-key"}
    allowed = client.options("/v1/ask", headers={"Origin": page_site.origin, **preflight})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == page_site.origin
    denied = client.options("/v1/ask", headers={"Origin": "http://evil.example", **preflight})
    assert "access-control-allow-origin" not in denied.headers
    simple = client.post("/v1/ask", json={"question": "  "}, headers={"Origin": page_site.origin})
    assert simple.headers["access-control-allow-origin"] == page_site.origin  # errors are readable too


# -- concurrency --------------------------------------------------------------------------------------------

def test_fifty_concurrent_questions_are_all_answered_correctly(server_url):
    questions = [(HUNAN, "99.3%", "hunan-2017"), (QINGHAI, "6.28%", "qinghai-zlfz")] * 25

    def ask(item):
        question, expected, doc_id = item
        with httpx.Client(base_url=server_url, timeout=120) as http:
            response = http.post("/v1/ask", json={"question": question})
        answer = response.json()
        return (response.status_code == 200 and answer["answerable"] and expected in answer["answer"]
                and any(c["doc_id"] == doc_id for c in answer["citations"]))

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(ask, questions))
    assert all(results) and len(results) == 50
