"""The Gradio app's API for scripts (`gradio_client`): a few named, documented endpoints that return the same
JSON as the HTTP API, instead of the chat's internal callbacks (which are private).

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("湖南省到2020年工程项目一次性验收合格率要达到多少？", api_name="/ask")

Arguments are checked with the HTTP API's request models, so both APIs accept and refuse the same input. Each
endpoint only translates to the Python API; a new one (such as `/compare`) is one more entry in `endpoints`.
Each call runs as the logged-in principal (`principal_of`, as for the chat's own callbacks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import gradio as gr
from pydantic import BaseModel, ValidationError

from ..access import LOCAL, Principal
from ..api.errors import validation_details
from ..api.schemas import AskRequest, CompareRequest, Filter, SearchHitOut, SearchRequest
from ..errors import AssistantError

if TYPE_CHECKING:
    from ..assistant import Assistant

CONCURRENCY = 4
M = TypeVar("M", bound=BaseModel)


def _refuse(message: str) -> gr.Error:
    """The message reaches the script as gradio_client's AppError; bad input is no server fault to log."""
    return gr.Error(message, print_exception=False)


def _validated(model: type[M], **fields: Any) -> M:
    try:
        return model(**fields)
    except ValidationError as error:
        raise _refuse(validation_details(error)[1]) from None


def register_api(assistant: Assistant | None, error_message: str | None = None,
                 principal_of: Callable[[str | None], Principal | None] = lambda _user: LOCAL) -> None:
    """Adds the endpoints to the Blocks being built (call inside its `with` block)."""

    def ready(request: gr.Request | None) -> tuple[Assistant, Principal]:
        if assistant is None:
            raise _refuse(f"知识库暂不可用：{error_message or '索引未加载。'}")
        principal = principal_of(getattr(request, "username", None))
        if principal is None:
            raise _refuse("请先登录：会话已失效或密钥已被吊销。")
        return assistant, principal

    def ask(question: str, request: gr.Request, province: Filter = None, doc_id: Filter = None,
            history: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """Answer a question about the policy documents, quoting and citing the clauses. Arguments: question;
        optional province and doc_id (one or a list), history ([{role, content}], for follow-ups). Returns the
        same JSON as POST /v1/ask: {answer, answerable, citations[{n, doc_id, title, province, section,
        clause_id, text, score}], mode}.

        Parameters:
            question: the question, in Chinese or English, e.g. 湖南省到2020年工程项目一次性验收合格率要达到多少？
            province: only these provinces (湖南, 湖南省, Hunan or 湘); one name or a list
            doc_id: only these documents (ids as in GET /v1/documents); one id or a list
            history: earlier turns, oldest first, [{"role": "user" | "assistant", "content": "…"}], so that a
                follow-up such as 那四川呢？ is understood
        """
        body = _validated(AskRequest, question=question, province=province, doc_id=doc_id, history=history or [])
        try:
            qa, principal = ready(request)
            return qa.ask(body.question, province=body.province, doc_id=body.doc_id,
                          history=[turn.model_dump() for turn in body.history] or None, principal=principal
                          ).contract()
        except AssistantError as error:
            raise _refuse(error.message) from None

    def search(query: str, request: gr.Request, province: Filter = None, doc_id: Filter = None,
               top_k: int | None = None) -> dict[str, Any]:
        """The clauses best matching a query, with scores. Arguments: query; optional province and doc_id (one
        or a list), top_k (1-50). Returns the same JSON as POST /v1/search: {query, hits[{clause_id, doc_id,
        title, province, section, section_path, text, score, dense_score, keyword_score}]}.

        Parameters:
            query: words or a question, e.g. 首席质量官
            province: only these provinces; one name or a list
            doc_id: only these documents; one id or a list
            top_k: how many clauses, 1 to 50 (default POLICYQA_TOP_K)
        """
        body = _validated(SearchRequest, query=query, province=province, doc_id=doc_id, top_k=top_k)
        try:
            qa, principal = ready(request)
            hits = qa.search(body.query, province=body.province, doc_id=body.doc_id, top_k=body.top_k,
                             principal=principal)
        except AssistantError as error:
            raise _refuse(error.message) from None
        documents = {d.doc_id: d for d in qa.documents(principal=principal)}
        return {"query": query, "hits": [SearchHitOut.of(h, documents[h.clause.doc_id]).model_dump() for h in hits]}

    def compare(topic: str, request: gr.Request, province: Filter = None, doc_id: Filter = None,
                page: int = 1) -> dict[str, Any]:
        """What each document in scope says about a topic, one row per document: quoted clauses with citations,
        or 未涉及; figures asked for in their own columns. Returns the same JSON as POST /v1/compare.

        Parameters:
            topic: the topic or comparison question, e.g. 各省对首席质量官制度有什么要求？
            province: only these provinces; one name or a list
            doc_id: only these documents; one id or a list
            page: page of a table longer than a page (1-based)
        """
        body = _validated(CompareRequest, topic=topic, province=province, doc_id=doc_id, page=page)
        try:
            qa, principal = ready(request)
            return qa.compare(body.topic, body.province, body.doc_id, page=body.page,
                              principal=principal).model_dump()
        except AssistantError as error:
            raise _refuse(error.message) from None

    endpoints: dict[str, Callable[..., dict[str, Any]]] = {"ask": ask, "search": search, "compare": compare}
    for name, fn in endpoints.items():
        gr.api(fn, api_name=name, concurrency_limit=CONCURRENCY)
