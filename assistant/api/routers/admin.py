"""Administration: rebuild the index without restarting; answers keep flowing from the old one meanwhile."""

from __future__ import annotations

import logging
from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ..deps import AssistantDep, errors
from ..errors import Conflict
from ..schemas import ReindexResult

log = logging.getLogger(__name__)

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/reindex", response_model=ReindexResult, responses=errors(401, 409, 429, 500, 503))
async def reindex(request: Request, assistant: AssistantDep, full: bool = False) -> ReindexResult:
    """Bring the index up to date with corpus/ now (only changed documents are embedded; every document with
    `full=true`) and swap it in atomically; one rebuild at a time."""
    lock = request.app.state.reindex_lock
    if not lock.acquire(blocking=False):
        raise Conflict("索引正在重建，请稍后再试。")
    try:
        log.info("Rebuilding the index on request")
        index = await run_in_threadpool(partial(assistant.rebuild, full=True) if full else assistant.rebuild)
    finally:
        lock.release()
    m = index.manifest
    return ReindexResult(documents=m.documents, clauses=m.clauses, built_at=m.built_at,
                         build_seconds=m.build_seconds)
