"""Who may call the API and how often: keys, open mode, rate limit, admin calls, and no leaks on errors."""

from __future__ import annotations

import threading

import httpx
import pytest

from assistant.api import create_app
from assistant.api.ratelimit import SlidingWindowLimiter
from assistant.api.security import is_loopback

HUNAN = "湖南省到2020年工程项目一次性验收合格率要达到多少？"
KEY = "test-key-3f9a"


def _settings(assistant, **update):
    return assistant.settings.model_copy(update={"rate_limit_per_minute": 1_000, **update})


@pytest.fixture(scope="module")
def keyed_url(assistant, serve_app) -> str:
    """A server that needs keys: bound to loopback, but open mode explicitly off."""
    return serve_app(create_app(assistant, _settings(assistant, api_keys=[KEY, "second-key"], open_mode=False)))


@pytest.fixture(scope="module")
def keyed(keyed_url):
    with httpx.Client(base_url=keyed_url, timeout=60) as http:
        yield http


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()["error"]


def test_missing_key_is_401_with_a_chinese_message(keyed):
    error = _error(keyed.post("/v1/ask", json={"question": HUNAN}), 401)
    assert error["code"] == "unauthorized" and "X-API-Key" in error["message"]
    assert _error(keyed.get("/v1/documents"), 401)["code"] == "unauthorized"


def test_wrong_key_is_401(keyed):
    error = _error(keyed.post("/v1/ask", json={"question": HUNAN}, headers={"X-API-Key": "guess"}), 401)
    assert error["message"] == "API 密钥无效。"
    _error(keyed.post("/v1/ask", json={"question": HUNAN}, headers={"Authorization": "Bearer guess"}), 401)


def test_valid_key_in_header_or_bearer_is_accepted(keyed):
    for headers in ({"X-API-Key": KEY}, {"X-API-Key": "second-key"}, {"Authorization": f"Bearer {KEY}"}):
        response = keyed.post("/v1/ask", json={"question": HUNAN}, headers=headers)
        assert response.status_code == 200 and "99.3%" in response.json()["answer"]


def test_probes_docs_and_widget_need_no_key(keyed):
    for path in ("/healthz", "/readyz", "/metrics", "/docs", "/openapi.json", "/widget.js"):
        assert keyed.get(path).status_code == 200, path


def test_admin_reindex_needs_a_key_even_in_open_mode(assistant, serve_app, monkeypatch):
    calls = []
    monkeypatch.setattr(assistant, "rebuild", lambda **_: calls.append(1) or assistant.index)
    url = serve_app(create_app(assistant, _settings(assistant, api_keys=[KEY], open_mode=True)))
    with httpx.Client(base_url=url, timeout=60) as http:
        assert http.post("/v1/ask", json={"question": HUNAN}).status_code == 200  # open for questions
        assert _error(http.post("/v1/admin/reindex"), 401)["code"] == "unauthorized"
        response = http.post("/v1/admin/reindex", headers={"X-API-Key": KEY})
    assert response.status_code == 200 and calls == [1]
    result = response.json()
    assert result["clauses"] == len(assistant.index.clauses) and result["documents"] >= 5


def test_concurrent_reindex_is_409(assistant, serve_app, monkeypatch):
    started, release = threading.Event(), threading.Event()

    def slow_rebuild(**_):
        started.set()
        release.wait(30)
        return assistant.index

    monkeypatch.setattr(assistant, "rebuild", slow_rebuild)
    url = serve_app(create_app(assistant, _settings(assistant, api_keys=[KEY])))
    with httpx.Client(base_url=url, timeout=60, headers={"X-API-Key": KEY}) as http:
        first = threading.Thread(target=http.post, args=("/v1/admin/reindex",))
        first.start()
        assert started.wait(30)
        try:
            assert _error(http.post("/v1/admin/reindex"), 409)["code"] == "conflict"
            assert http.post("/v1/ask", json={"question": HUNAN}).status_code == 200  # answers keep flowing
        finally:
            release.set()
            first.join(30)


def test_default_is_closed_on_a_public_bind_without_keys(assistant, serve_app):
    # Served on 127.0.0.1 for the test, but configured as if bound to all interfaces.
    url = serve_app(create_app(assistant, _settings(assistant, host="0.0.0.0", api_keys=[], open_mode=None)))
    with httpx.Client(base_url=url, timeout=60) as http:
        assert _error(http.post("/v1/ask", json={"question": HUNAN}), 401)["code"] == "unauthorized"
        assert http.get("/healthz").status_code == 200


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("example.org")


def test_rate_limit_is_429_per_key_with_retry_after(assistant, serve_app):
    url = serve_app(create_app(assistant, _settings(assistant, api_keys=[KEY, "other"], open_mode=False,
                                                     rate_limit_per_minute=3)))
    with httpx.Client(base_url=url, timeout=60) as http:
        for _ in range(3):
            assert http.get("/v1/documents", headers={"X-API-Key": KEY}).status_code == 200
        limited = http.get("/v1/documents", headers={"X-API-Key": KEY})
        error = _error(limited, 429)
        assert error["code"] == "rate_limited" and 1 <= int(limited.headers["retry-after"]) <= 60
        assert http.get("/v1/documents", headers={"X-API-Key": "other"}).status_code == 200  # per key
        assert http.get("/healthz").status_code == 200  # probes are not limited
        guesses = [http.get("/v1/documents", headers={"X-API-Key": f"guess-{i}"}).status_code for i in range(4)]
        assert guesses == [401, 401, 401, 429]  # failed attempts are limited per address


def test_sliding_window_frees_slots_as_time_passes():
    now = [0.0]
    limiter = SlidingWindowLimiter(2, window=60, clock=lambda: now[0])
    assert limiter.hit("a") is None and limiter.hit("a") is None
    assert limiter.hit("a") == 60 and limiter.hit("b") is None
    now[0] = 30.0
    assert limiter.hit("a") == 30
    now[0] = 60.5
    assert limiter.hit("a") is None
    assert SlidingWindowLimiter(0).hit("a") is None  # 0 disables the limit


class _BrokenAssistant:
    """Fails the way a bug would: with an internal detail in the exception text."""

    def ask(self, *args, **kwargs):
        raise RuntimeError("secret /srv/index path and stack detail")

    search = ask


def test_unexpected_errors_are_a_generic_500_without_details(assistant, serve_app, caplog):
    url = serve_app(create_app(_BrokenAssistant(), _settings(assistant)))  # type: ignore[arg-type]
    with httpx.Client(base_url=url, timeout=60) as http, caplog.at_level("ERROR"):
        for path, body in (("/v1/ask", {"question": HUNAN}), ("/v1/search", {"query": "x"})):
            response = http.post(path, json=body)
            error = _error(response, 500)
            assert error == {"code": "internal_error", "message": "服务器内部错误，请稍后再试。",
                             "type": "server_error", "param": None}
            assert "secret" not in response.text and "Traceback" not in response.text
        stream = http.post("/v1/ask/stream", json={"question": HUNAN})
        assert _error(stream, 500)["code"] == "internal_error"
    assert "secret /srv/index path" in caplog.text  # logged server-side
