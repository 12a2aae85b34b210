"""Liveness, readiness and metrics, outside /v1 and without keys, for load balancers and Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ...errors import IndexUnavailable
from ..deps import errors, not_ready_message
from ..metrics import CONTENT_TYPE_LATEST, exposition
from ..schemas import Health, Readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up (says nothing about the index)."""
    return Health()


@router.get("/readyz", response_model=Readiness, responses=errors(503))
def readyz(request: Request) -> Readiness:
    """The index is loaded and questions can be answered (also while an update runs in the background)."""
    assistant = request.app.state.assistant
    if assistant is None or not assistant.index.clauses:
        raise IndexUnavailable(not_ready_message(request))
    index = assistant.index
    return Readiness(documents=len(index.documents), clauses=len(index.clauses),
                     index_built_at=index.manifest.built_at, index=assistant.index_state())


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
