"""The FastAPI application: routers per resource under /v1, auth and rate limit as dependencies,
CORS, body-size limit, metrics and uniform JSON errors around them."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..assistant import Assistant
from ..settings import Settings, get_settings
from .docs import install_offline_docs, swagger_assets
from .errors import UnhandledErrors, install_error_handlers
from .limits import UPLOAD_OVERHEAD, BodySizeLimit
from .metrics import RequestMetrics, register_llm_metrics
from .routers import admin, admin_documents, ask, chat, compare, documents, health, models, search, widget
from .security import AccessPolicy, admin_client, authenticated_client

log = logging.getLogger(__name__)

DESCRIPTION = """政策问答助手的 HTTP 接口：回答关于各省质量强省政策文件的问题，并引用原文条款。

* 认证：请求头 `X-API-Key`（或 `Authorization: Bearer <key>`）；服务器仅绑定本机地址时默认开放。
* 所有错误均为 `{"error": {"code": ..., "message": "中文说明", "type": ..., "param": ...}}`（OpenAI 的错误格式）。
* OpenAI 兼容：`GET /v1/models`、`POST /v1/chat/completions`，官方 SDK 可直接使用（`base_url=…/v1`，模型 `policy-qa`）。
* 条款编号含 `#`（如 `hunan-2017#1.4.b2`），在路径中请编码为 `%23`。
"""


def create_app(assistant: Assistant | None = None, settings: Settings | None = None,
               load_error: str | None = None) -> FastAPI:
    """One app around one shared Assistant; without one, the index is loaded at startup. With `load_error`
    (the index could not be built), the app stays up and every question gets that message with a 503."""
    settings = settings or (assistant.settings if assistant is not None else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.assistant is None and app.state.load_error is None:
            log.info("Loading the index")
            app.state.assistant = await run_in_threadpool(lambda: Assistant(settings, stale_ok=True))
            app.state.assistant.catch_up()  # corpus changes since the last build: indexed in the background
        yield

    docs_assets = swagger_assets()
    app = FastAPI(title="政策问答助手 API", version="1", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None if docs_assets else "/docs", redoc_url=None)
    if docs_assets:
        install_offline_docs(app, docs_assets)
    app.state.assistant = assistant
    app.state.load_error = load_error
    app.state.settings = settings
    app.state.policy = AccessPolicy(settings)
    app.state.reindex_lock = threading.Lock()
    if not app.state.policy.open and not app.state.policy.keys:
        log.warning("No API keys and open mode off: every /v1 request will be refused (set POLICYQA_API_KEYS)")

    install_error_handlers(app)
    register_llm_metrics()

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(authenticated_client)])
    public = (ask, search, compare, documents, chat, models)
    for module in public:
        v1.include_router(module.router)
    for module in (admin, admin_documents):  # the one place where admin rights are required
        v1.include_router(module.router, dependencies=[Depends(admin_client)])
    app.include_router(v1)
    app.include_router(_unknown_v1_paths([m.router for m in (*public, admin, admin_documents)]), prefix="/v1")
    app.include_router(health.router)
    app.include_router(widget.router)

    # Added innermost first: metrics see every response, CORS headers reach error responses too.
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes,
                       uploads={admin_documents.UPLOAD_PATH: settings.max_document_bytes + UPLOAD_OVERHEAD})
    app.add_middleware(UnhandledErrors)
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type", "X-API-Key", "Authorization"], expose_headers=["Retry-After"],
                       max_age=600)
    app.add_middleware(RequestMetrics)
    return app


def _unknown_v1_paths(routers: list[APIRouter]) -> APIRouter:
    """404/405 as JSON for anything else under /v1, which would otherwise fall through to the UI at /."""
    known = [(route.path_regex, route.methods) for router in routers for route in router.routes]
    fallback = APIRouter()

    @fallback.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"],
                        include_in_schema=False)
    def unknown(rest: str) -> None:
        allowed = sorted({m for regex, methods in known if regex.match("/" + rest) for m in methods or ()})
        if allowed:
            raise HTTPException(405, headers={"Allow": ", ".join(allowed)})
        raise HTTPException(404)

    return fallback
