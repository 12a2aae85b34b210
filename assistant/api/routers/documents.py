"""The documents of the corpus, their clause trees, and single clauses by id."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter

from ...models import Clause
from ..deps import AssistantDep, errors
from ..security import CallerDep
from ..schemas import (
    ClauseDetail,
    ClauseOut,
    DocumentDetail,
    DocumentList,
    DocumentSummary,
    SectionNode,
)

router = APIRouter(tags=["documents"])


@router.get("/documents", response_model=DocumentList, responses=errors(401, 429, 503))
def list_documents(assistant: AssistantDep, principal: CallerDep) -> DocumentList:
    counts = Counter(c.doc_id for c in assistant.index.clauses)
    return DocumentList(documents=[DocumentSummary(**d.model_dump(), clause_count=counts[d.doc_id])
                                   for d in assistant.documents(principal=principal)], index=assistant.index_state())


def section_tree(clauses: list[Clause]) -> list[SectionNode]:
    """Headings as a tree, each clause listed under its deepest heading, in document order."""
    roots: list[SectionNode] = []
    index: dict[tuple[str, ...], SectionNode] = {}
    for clause in clauses:
        siblings = roots
        node = None
        for depth in range(1, len(clause.section_path) + 1):
            path = tuple(clause.section_path[:depth])
            node = index.get(path)
            if node is None:
                node = index[path] = SectionNode(heading=path[-1], path=list(path))
                siblings.append(node)
            siblings = node.children
        if node is None:  # a clause above the first heading
            node = index.get(())
            if node is None:
                node = index[()] = SectionNode(heading="", path=[])
                roots.insert(0, node)
        node.clause_ids.append(clause.clause_id)
    return roots


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=errors(401, 404, 429, 503))
def get_document(doc_id: str, assistant: AssistantDep, principal: CallerDep) -> DocumentDetail:
    """Metadata and every clause with its heading path, flat and as a tree."""
    meta = assistant.document(doc_id, principal=principal)
    clauses = sorted(assistant.clauses(doc_id, principal=principal), key=lambda c: c.order)
    return DocumentDetail(document=meta, clauses=[ClauseOut.of(c) for c in clauses], sections=section_tree(clauses))


@router.get("/clauses/{clause_id:path}", response_model=ClauseDetail, responses=errors(401, 404, 429, 503))
def get_clause(clause_id: str, assistant: AssistantDep, principal: CallerDep) -> ClauseDetail:
    """One clause by id; ids contain '#' (hunan-2017#1.4.b2), which clients send URL-encoded as %23."""
    clause = assistant.clause(clause_id, principal=principal)
    meta = assistant.document(clause.doc_id, principal=principal)
    return ClauseDetail(**ClauseOut.of(clause).model_dump(), title=meta.title, province=meta.province)
