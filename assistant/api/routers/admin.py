"""Administration: rebuild the index without restarting (answers keep flowing from the old one meanwhile),
manage keys, export the audit log and the feedback. Every route here needs the admin role."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ...access import KeyRecord
from ...audit import parse_since
from ...feedback import FeedbackStore
from ..deps import AssistantDep, errors
from ..errors import Conflict
from ..schemas import CreatedKey, KeyRequest, ReindexResult
from ..security import AdminDep, get_policy

log = logging.getLogger(__name__)

router = APIRouter(prefix="/admin", tags=["admin"])

EXPORT_DOC = {200: {"description": "JSON lines, or CSV with a header row.",
                    "content": {"application/x-ndjson": {}, "text/csv": {}}}}


@router.post("/reindex", response_model=ReindexResult, responses=errors(401, 403, 409, 429, 500, 503))
async def reindex(request: Request, assistant: AssistantDep, client: AdminDep, full: bool = False) -> ReindexResult:
    """Bring the index up to date with corpus/ now (only changed documents are embedded; every document with
    `full=true`) and swap it in atomically; one rebuild at a time."""
    lock = request.app.state.reindex_lock
    if not lock.acquire(blocking=False):
        raise Conflict("索引正在重建，请稍后再试。")
    try:
        log.info("Rebuilding the index on request")
        index = await run_in_threadpool(lambda: assistant.rebuild(full=full, principal=client.principal))
    finally:
        lock.release()
    m = index.manifest
    return ReindexResult(documents=m.documents, clauses=m.clauses, built_at=m.built_at,
                         build_seconds=m.build_seconds)


def _lines(lines, media_type: str) -> StreamingResponse:
    return StreamingResponse((line + "\n" for line in lines), media_type=media_type)


@router.get("/audit", responses={**EXPORT_DOC, **errors(400, 401, 403, 429, 503)})
def export_audit(assistant: AssistantDep, _: AdminDep,
                 since: str | None = Query(None, description="Only entries from this date or time (ISO 8601)."),
                 format: Literal["jsonl", "csv"] = "jsonl"):
    """The audit log (questions, answers, admin actions), oldest first."""
    lines = list(assistant.audit.export(parse_since(since), format))
    return _lines(lines, "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson")


@router.get("/feedback", responses={**EXPORT_DOC, **errors(401, 403, 429, 503)})
def export_feedback(assistant: AssistantDep, _: AdminDep):
    """👍/👎 feedback from the chat as JSON lines, as `assistant feedback export` prints it."""
    return _lines(list(FeedbackStore.from_settings(assistant.settings).export_jsonl()), "application/x-ndjson")


@router.get("/keys", response_model=list[KeyRecord], responses=errors(401, 403, 429))
def list_keys(request: Request, _: AdminDep) -> list[KeyRecord]:
    """Every key of the key store, revoked ones included, without secrets."""
    return get_policy(request).store.records()


@router.post("/keys", response_model=CreatedKey, status_code=201, responses=errors(400, 401, 403, 422, 429))
def create_key(body: KeyRequest, request: Request, client: AdminDep) -> CreatedKey:
    """A new key with a role and collections; the response is the only place the key is ever shown."""
    key, record = get_policy(request).store.create(body.name, body.role, body.collections,
                                                   actor=client.principal.name)
    return CreatedKey(key=key, record=record)


@router.delete("/keys/{key}", response_model=list[KeyRecord], responses=errors(401, 403, 404, 429))
def revoke_key(key: str, request: Request, client: AdminDep) -> list[KeyRecord]:
    """Revoke the key with this id, or every active key of this name; it stops working at once."""
    return get_policy(request).store.revoke(key, actor=client.principal.name)
