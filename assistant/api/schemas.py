"""Request and response models of the HTTP API; they are the contract and generate the OpenAPI docs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from ..access import KeyRecord
from ..models import Answer, Citation, Clause, CompareTable, DocumentMeta, SearchHit
from ..updater import IndexState

Filter = str | list[str] | None
MAX_HISTORY_TURNS = 20


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. invalid_question, unauthorized.")
    message: str = Field(description="Message for end users, in Chinese.")
    type: str = Field(description="OpenAI's error type: invalid_request_error, authentication_error, "
                                  "permission_error, rate_limit_error or server_error.")
    param: str | None = Field(None, description="The request field at fault, when there is one.")
    details: list[dict[str, str]] | None = Field(None, description="Per-field problems of a malformed request.")


class ErrorBody(BaseModel):
    """Every error response has this shape, whatever the status (OpenAI's, so its SDKs understand it)."""

    error: ErrorDetail


class ChatTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    question: str = Field(description="The question, in Chinese or English.",
                          examples=["湖南省到2020年工程项目一次性验收合格率要达到多少？"])
    province: Filter = Field(None, description="Only these provinces (湖南, 湖南省, Hunan or 湘).")
    doc_id: Filter = Field(None, description="Only these documents (see GET /v1/documents).")
    top_k: int | None = Field(None, ge=1, le=50, description="Clauses considered; default from settings.")
    history: list[ChatTurn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS,
                                    description="Earlier turns of the conversation, oldest first.")


class AskResponse(BaseModel):
    """The same JSON object as `assistant ask --json`."""

    answer: str
    answerable: bool
    citations: list[Citation]
    mode: Literal["extractive", "llm"]
    table: CompareTable | None = Field(None, description="For comparison questions: the table the answer renders.")

    @classmethod
    def of(cls, answer: Answer) -> AskResponse:
        return cls.model_validate(answer.contract())


class CompareRequest(BaseModel):
    topic: str = Field(description="A topic or a comparison question.", examples=["各省对首席质量官制度有什么要求？"])
    province: Filter = Field(None, description="Only these provinces; default: those the topic names, else all.")
    doc_id: Filter = Field(None, description="Only these documents.")
    page: int = Field(1, ge=1, description="Page of a table with more rows than POLICYQA_COMPARE_PAGE_SIZE.")
    format: Literal["json", "csv", "markdown"] = Field("json", description="csv and markdown come as downloads.")


class SearchRequest(BaseModel):
    query: str = Field(examples=["首席质量官"])
    province: Filter = None
    doc_id: Filter = None
    top_k: int | None = Field(None, ge=1, le=50)


class SearchHitOut(BaseModel):
    clause_id: str
    doc_id: str
    title: str
    province: str
    section: str
    section_path: list[str]
    text: str
    score: float = Field(description="Fused score, 1.0 = best possible.")
    dense_score: float
    keyword_score: float

    @classmethod
    def of(cls, hit: SearchHit, meta: DocumentMeta) -> SearchHitOut:
        c = hit.clause
        return cls(clause_id=c.clause_id, doc_id=c.doc_id, title=meta.title, province=meta.province,
                   section=c.section, section_path=c.section_path, text=c.text, score=hit.score,
                   dense_score=hit.dense_score, keyword_score=hit.keyword_score)


class SearchResponse(BaseModel):
    query: str
    hits: list[SearchHitOut]


class DocumentSummary(DocumentMeta):
    clause_count: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary] = Field(description="The documents of the index in use.")
    index: IndexState = Field(description="Whether an update is running; corpus changes not indexed yet.")


class DocumentChange(BaseModel):
    """An accepted change to the corpus; the index is updated in the background (see `index`)."""

    document: DocumentMeta
    index: IndexState


class ClauseOut(BaseModel):
    clause_id: str
    doc_id: str
    section_path: list[str]
    section: str
    text: str
    order: int

    @classmethod
    def of(cls, clause: Clause) -> ClauseOut:
        return cls(clause_id=clause.clause_id, doc_id=clause.doc_id, section_path=clause.section_path,
                   section=clause.section, text=clause.text, order=clause.order)


class SectionNode(BaseModel):
    """One heading of a document with the clauses directly under it and its sub-headings."""

    heading: str
    path: list[str]
    clause_ids: list[str] = Field(default_factory=list)
    children: list[SectionNode] = Field(default_factory=list)


class DocumentDetail(BaseModel):
    document: DocumentMeta
    clauses: list[ClauseOut] = Field(description="Every clause in document order, with its heading path.")
    sections: list[SectionNode] = Field(description="The same clauses as a heading tree.")


class ClauseDetail(ClauseOut):
    title: str
    province: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    documents: int
    clauses: int
    index_built_at: str
    index: IndexState


class ReindexResult(BaseModel):
    documents: int
    clauses: int
    built_at: str
    build_seconds: float


class KeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="Who holds the key; also the chat login name.")
    role: Literal["reader", "admin"] = "reader"
    collections: list[str] = Field(min_length=1, description="Collections it may read; '*' means every one.",
                                   examples=[["公开"]])


class CreatedKey(BaseModel):
    key: str = Field(description="The key itself: shown this once, only its hash is stored.")
    record: KeyRecord


# -- OpenAI-compatible chat completions and models ------------------------------------------------

class ContentPart(BaseModel):
    type: str = Field(description="Only `text` is supported; images, audio and files are refused with 400.")
    text: str | None = None


class ChatMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    tool_calls: list[dict[str, Any]] | None = Field(None, description="Not supported: refused with 400.")
    function_call: dict[str, Any] | None = Field(None, description="Not supported: refused with 400.")

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    include_usage: bool = Field(False, description="Send a last chunk with `usage` and no choices.")


class ChatCompletionRequest(BaseModel):
    """OpenAI's request. Sampling fields (temperature, max_tokens…) are accepted and ignored, since answers are
    quotes; features that would change the answer's form (n > 1, tools, images) are refused with 400."""

    model: str | None = Field(None, description="`policy-qa` (see GET /v1/models); omitted means the same.")
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(None, description="Only 1 is supported.")
    tools: list[dict[str, Any]] | None = Field(None, description="Not supported: refused with 400.")
    tool_choice: str | dict[str, Any] | None = Field(None, description="Only `none` is supported.")
    functions: list[dict[str, Any]] | None = Field(None, description="Not supported: refused with 400.")
    function_call: str | dict[str, Any] | None = Field(None, description="Only `none` is supported.")
    province: Filter = Field(None, description="Extension: only these provinces.")
    doc_id: Filter = Field(None, description="Extension: only these documents.")


class ChatCompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatCompletionChoice(BaseModel):
    index: int = 0
    message: ChatCompletionMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    """Approximate token counts (see `openai_compat.count_tokens`): deterministic, no tokenizer needed."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatCompletionChoice]
    usage: Usage
    citations: list[Citation] = Field(description="Extension: the clauses the answer cites, numbered as in [n].")
    answerable: bool = Field(description="Extension: false when the corpus does not support an answer.")


class Model(BaseModel):
    """One model as OpenAI's GET /v1/models lists it."""

    id: str
    object: Literal["model"] = "model"
    created: int = Field(description="When the index behind it was built (Unix seconds).")
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]
