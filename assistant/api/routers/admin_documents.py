"""Document administration: upload, replace, correct and remove documents.

Each change reaches the corpus at once (or is refused with a Chinese message and changes nothing); the index
follows in the background while questions keep being answered from the current one (see `index` in the answer,
/readyz and GET /v1/documents).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from starlette.concurrency import run_in_threadpool

from ...library import MetadataFields
from ..deps import AssistantDep, errors
from ..schemas import DocumentChange
from ..security import AdminDep

UPLOAD_PATH = "/v1/admin/documents"

router = APIRouter(prefix="/admin/documents", tags=["admin"])

_ERRORS = errors(400, 401, 404, 409, 413, 422, 429, 503)


@router.post("", response_model=DocumentChange, status_code=202, responses=_ERRORS)
async def add_document(
    assistant: AssistantDep,
    client: AdminDep,
    file: Annotated[UploadFile, File(description="txt, md, docx, pdf or html")],
    title: Annotated[str | None, Form()] = None,
    province: Annotated[str | None, Form()] = None,
    city: Annotated[str | None, Form()] = None,
    date: Annotated[str | None, Form()] = None,
    doc_number: Annotated[str | None, Form()] = None,
    issuer: Annotated[str | None, Form()] = None,
    collections: Annotated[str | None, Form(description="Comma-separated, e.g. 公开,市场监管局内部")] = None,
) -> DocumentChange:
    """Add a document (multipart upload) with optional metadata; a copy of a document already present (also in
    traditional characters) is refused with 409 naming its doc_id."""
    fields = MetadataFields(title=title, province=province, city=city, date=date, doc_number=doc_number,
                            issuer=issuer, collections=collections.split(",") if collections else None)
    data = await file.read()
    meta = await run_in_threadpool(partial(assistant.add_document, file.filename or "", data, fields,
                                           principal=client.principal))
    return DocumentChange(document=meta, index=assistant.index_state())


@router.put("/{doc_id}", response_model=DocumentChange, status_code=202, responses=_ERRORS)
async def replace_document(doc_id: str, assistant: AssistantDep, client: AdminDep,
                           file: Annotated[UploadFile, File(description="the new file")]) -> DocumentChange:
    """New content for a document; its doc_id and metadata corrections stay."""
    data = await file.read()
    meta = await run_in_threadpool(partial(assistant.replace_document, doc_id, file.filename or "", data,
                                           principal=client.principal))
    return DocumentChange(document=meta, index=assistant.index_state())


@router.patch("/{doc_id}", response_model=DocumentChange, status_code=202, responses=_ERRORS)
async def edit_document(doc_id: str, fields: MetadataFields, assistant: AssistantDep,
                        client: AdminDep) -> DocumentChange:
    """Correct metadata (title, province, city, date, doc_number, issuer, collections); kept across rebuilds."""
    meta = await run_in_threadpool(partial(assistant.edit_document, doc_id, fields, principal=client.principal))
    return DocumentChange(document=meta, index=assistant.index_state())


@router.delete("/{doc_id}", response_model=DocumentChange, status_code=202, responses=_ERRORS)
async def remove_document(doc_id: str, assistant: AssistantDep, client: AdminDep) -> DocumentChange:
    """Remove a document; its clauses leave the index with the next background update."""
    meta = await run_in_threadpool(partial(assistant.remove_document, doc_id, principal=client.principal))
    return DocumentChange(document=meta, index=assistant.index_state())
