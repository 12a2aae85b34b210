"""Prometheus metrics of the server, all in the default registry that /metrics exposes.

The LLM chain keeps its own fallback counter (`policyqa_llm_fallbacks_total{reason}` in answering/llm.py);
`register_llm_metrics` imports it at startup so it is scraped from the first request, LLM configured or not.
"""

from __future__ import annotations

import logging
import time
from importlib import import_module

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import Message, Receive, Scope, Send

from .asgi import HttpMiddleware

REQUESTS = Counter("http_requests", "HTTP requests by route template, method and status.",
                   ["route", "method", "status"])
LATENCY = Histogram("http_request_duration_seconds", "Time to the end of the response, by route template.",
                    ["route", "method"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
REFUSALS = Counter("refusals", "Questions answered with a refusal (answerable false), by endpoint.", ["endpoint"])

__all__ = ["CONTENT_TYPE_LATEST", "LATENCY", "REFUSALS", "REQUESTS", "RequestMetrics", "exposition",
           "register_llm_metrics"]

log = logging.getLogger(__name__)


def register_llm_metrics() -> None:
    try:
        import_module("assistant.answering.llm")
    except ImportError as error:
        log.info("LLM chain not importable (%s): no llm_fallbacks metric", error)


def exposition() -> bytes:
    return generate_latest()


def _route_label(scope: Scope) -> str:
    """The route template (/v1/clauses/{clause_id:path}), never the raw path, to keep label sets small."""
    effective = (scope.get("fastapi") or {}).get("effective_route_context")  # routes of included routers
    path = getattr(effective, "path", None) or getattr(scope.get("route"), "path", None)
    if path is None:
        return "unmatched"
    return path or "/"


class RequestMetrics(HttpMiddleware):
    """Counts every HTTP request and times it to the last byte, streamed responses included."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route, method = _route_label(scope), scope["method"]
            REQUESTS.labels(route, method, str(status)).inc()
            LATENCY.labels(route, method).observe(time.perf_counter() - start)
