"""Our hybrid retrieval as a LangChain retriever, for LangChain apps and for the LLM answer chain.

    retriever = PolicyRetriever(assistant=Assistant(), province="湖南")
    docs = retriever.invoke("工程项目一次性验收合格率要达到多少？")

Each Document is one clause; its metadata carries clause_id, doc_id, title, province, section and score.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .access import LOCAL, Principal
from .models import DocumentMeta, SearchHit


def hit_to_document(hit: SearchHit, meta: DocumentMeta) -> Document:
    """One retrieved clause as a LangChain Document."""
    clause = hit.clause
    return Document(
        page_content=clause.text,
        id=clause.clause_id,
        metadata={"clause_id": clause.clause_id, "doc_id": clause.doc_id, "title": meta.title,
                  "province": meta.province, "date": meta.date, "section": clause.section, "score": hit.score},
    )


class PolicyRetriever(BaseRetriever):
    """Hybrid (dense + keyword) clause retrieval of an `Assistant`, within optional province/doc filters and
    the collections of `principal`."""

    assistant: Any  # assistant.Assistant; typed loosely so pydantic does not need to validate it
    province: str | list[str] | None = None
    doc_id: str | list[str] | None = None
    top_k: int | None = None
    principal: Principal = LOCAL

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        hits = self.assistant.search(query, province=self.province, doc_id=self.doc_id, top_k=self.top_k,
                                     principal=self.principal)
        documents = {meta.doc_id: meta for meta in self.assistant.documents(principal=self.principal)}
        return [hit_to_document(hit, documents[hit.clause.doc_id]) for hit in hits]
