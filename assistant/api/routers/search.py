"""Clause search with scores, for clients that build their own answers or browse the documents."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import AssistantDep, errors
from ..security import CallerDep
from ..schemas import SearchHitOut, SearchRequest, SearchResponse

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchResponse, responses=errors(400, 401, 413, 422, 429, 503))
def search(body: SearchRequest, assistant: AssistantDep, principal: CallerDep) -> SearchResponse:
    """The clauses best matching the query, within the provinces or documents it names or the filters give."""
    hits = assistant.search(body.query, province=body.province, doc_id=body.doc_id, top_k=body.top_k,
                            principal=principal)
    documents = {d.doc_id: d for d in assistant.documents(principal=principal)}
    return SearchResponse(query=body.query, hits=[SearchHitOut.of(h, documents[h.clause.doc_id]) for h in hits])
