"""Our hybrid retrieval as a LangChain retriever, for LangChain apps and for the LLM answer chain.

    retriever = PolicyRetriever(assistant=Assistant(), province="湖南", k=3)
    docs = retriever.invoke("工程项目一次性验收合格率要达到多少？")
    docs = await retriever.ainvoke("工程项目一次性验收合格率要达到多少？", k=1)

Each Document is one clause; its metadata carries clause_id, doc_id, title, province, section and score.
`k` (LangChain's usual name; `top_k` as in the rest of our API is accepted too) sets how many clauses come
back, at construction or per call; so do `province` and `doc_id`. Passes langchain-tests' standard
`RetrieversIntegrationTests`.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import AliasChoices, Field

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
    """Hybrid (dense + keyword) clause retrieval of an `Assistant`, within optional province/doc filters."""

    assistant: Any  # assistant.Assistant; typed loosely so pydantic does not need to validate it
    province: str | list[str] | None = None
    doc_id: str | list[str] | None = None
    k: int | None = Field(None, ge=1, validation_alias=AliasChoices("k", "top_k"),
                          description="Clauses returned; default POLICYQA_TOP_K.")
    principal: Principal = Field(LOCAL, description="Whose collections are searched; default every one.")

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, top_k: int | None = None,
                                province: str | list[str] | None = None,
                                doc_id: str | list[str] | None = None) -> list[Document]:
        """Per-call arguments override the ones given at construction."""
        count = next((n for n in (k, top_k, self.k) if n is not None), None)
        if count is not None and count < 1:
            raise ValueError(f"k 须为正整数（返回的条款数），收到：{count}。")
        hits = self.assistant.search(query, province=province or self.province, doc_id=doc_id or self.doc_id,
                                     top_k=count, principal=self.principal)
        documents = {meta.doc_id: meta for meta in self.assistant.documents(principal=self.principal)}
        return [hit_to_document(hit, documents[hit.clause.doc_id]) for hit in hits]

    async def _aget_relevant_documents(self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun,
                                       **kwargs: Any) -> list[Document]:
        """The search is CPU-bound: run it in a worker thread, with the same per-call arguments."""
        return await run_in_executor(None, self._get_relevant_documents, query,
                                     run_manager=run_manager.get_sync(), **kwargs)
