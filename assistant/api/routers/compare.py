"""Comparison tables: what each province's documents say about one topic, as JSON, CSV or Markdown."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ...answering.table_export import to_csv, to_markdown
from ...models import CompareTable
from ..deps import AssistantDep, errors
from ..schemas import CompareRequest
from ..security import CallerDep

router = APIRouter(tags=["compare"])

EXPORTS = {"csv": ("text/csv; charset=utf-8", "csv", to_csv),
           "markdown": ("text/markdown; charset=utf-8", "md", to_markdown)}
EXPORT_DOC = {200: {"description": "The table: JSON by default; CSV or Markdown (as a download) with `format`.",
                    "content": {"text/csv": {"schema": {"type": "string"}},
                                "text/markdown": {"schema": {"type": "string"}}}}}


@router.post("/compare", response_model=CompareTable, responses={**EXPORT_DOC, **errors(400, 401, 413, 422, 429, 503)})
def compare(body: CompareRequest, assistant: AssistantDep, principal: CallerDep):
    """One row per document in scope with the clauses that address the topic (cited), or 未涉及; numbers
    asked for in their own columns. Tables longer than a page come in pages (`page`)."""
    table = assistant.compare(body.topic, body.province, body.doc_id, page=body.page, principal=principal)
    if body.format == "json":
        return table
    media_type, suffix, render = EXPORTS[body.format]
    return Response(render(table), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="compare-p{table.page}.{suffix}"'})
