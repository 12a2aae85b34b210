"""The embeddable chat widget: one <script> tag on any page adds a chat bubble that talks to this server."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Response

router = APIRouter(tags=["widget"])

WIDGET = Path(__file__).resolve().parent.parent / "static" / "widget.js"


@lru_cache(maxsize=1)
def _script() -> bytes:
    return WIDGET.read_bytes()


@router.get("/widget.js", include_in_schema=False)
def widget() -> Response:
    return Response(_script(), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})
