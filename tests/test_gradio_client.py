"""Scripts calling the chat server with `gradio_client`, as a user would: the API page shows only the
documented endpoints, they answer like the HTTP API, and bad calls get clear messages."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"


@pytest.fixture(scope="module")
def client(server_url):
    gradio = Client(f"{server_url}/", verbose=False)
    yield gradio
    gradio.close()  # ends its heartbeat stream, so the server can shut down promptly


def test_api_page_shows_only_the_documented_endpoints(client):
    info = client.view_api(return_format="dict", print_info=False)
    assert set(info["named_endpoints"]) == {"/ask", "/search", "/compare"}  # no /respond_1, /lambda_1 …
    assert not info["unnamed_endpoints"]
    ask, search = info["named_endpoints"]["/ask"], info["named_endpoints"]["/search"]
    assert [p["parameter_name"] for p in ask["parameters"]] == ["question", "province", "doc_id", "history"]
    assert [p["parameter_name"] for p in search["parameters"]] == ["query", "province", "doc_id", "top_k"]
    assert "POST /v1/ask" in ask["description"] and "POST /v1/search" in search["description"]


def test_ask_returns_the_same_json_as_the_http_api(client, server_url):
    answer = client.predict(HUNAN, api_name="/ask")
    assert answer == httpx.post(f"{server_url}/v1/ask", json={"question": HUNAN}, timeout=60).json()
    assert "99.3%" in answer["answer"] and answer["citations"][0]["doc_id"] == "hunan-2017"
    follow_up = client.predict("那四川呢？", history=[{"role": "user", "content": HUNAN},
                                                   {"role": "assistant", "content": answer["answer"]}],
                               api_name="/ask")
    assert {c["province"] for c in follow_up["citations"]} == {"四川"}


def test_search_returns_scored_clauses_within_the_filters(client):
    result = client.predict(query="森林覆盖率", province="青海", top_k=3, api_name="/search")
    assert len(result["hits"]) == 3 and {h["province"] for h in result["hits"]} == {"青海"}
    assert [h["score"] for h in result["hits"]] == sorted((h["score"] for h in result["hits"]), reverse=True)


def test_bad_calls_get_clear_messages(client):
    with pytest.raises(TypeError, match="question"):
        client.predict(api_name="/ask")  # refused by the client, which knows the required arguments
    with pytest.raises(AppError, match="问题不能为空"):
        client.predict("  ", api_name="/ask")
    with pytest.raises(AppError, match="火星"):
        client.predict("标准化有什么要求？", province="火星", api_name="/ask")
    with pytest.raises(AppError, match="top_k"):
        client.predict(query="标准化", top_k=0, api_name="/search")
    with pytest.raises(AppError, match="history"):
        client.predict("那四川呢？", history=[{"role": "robot"}], api_name="/ask")


def test_internal_callbacks_cannot_be_called(client):
    with pytest.raises(ValueError):
        client.predict(HUNAN, api_name="/respond")
