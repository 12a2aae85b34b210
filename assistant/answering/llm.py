"""Optional LLM answers: fluent text over the retrieved clauses, kept only when the grounding check passes.

Switched on by POLICYQA_LLM_BASE_URL and POLICYQA_LLM_MODEL (any OpenAI-compatible endpoint: vLLM, Ollama,
llama.cpp server, hosted Qwen/DeepSeek). The chain is plain LCEL:

    retriever → ChatPromptTemplate (prompts/answer_zh.txt | answer_en.txt) → ChatOpenAI
              → StrOutputParser → CitationParser → grounding check

Whatever goes wrong (endpoint down, timeout, junk, an uncited claim, a number the cited clause lacks, a
refusal that retrieval contradicts) yields the extractive answer instead; the reason is logged and counted
in `policyqa_llm_fallbacks_total{reason=...}`. Each request makes at most 1 + llm_max_retries calls of at
most llm_timeout_s each.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import openai
from langchain_core.documents import Document
from langchain_core.output_parsers import BaseOutputParser, StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import (
    Runnable,
    RunnableBranch,
    RunnableParallel,
    RunnablePassthrough,
)
from langchain_openai import ChatOpenAI
from prometheus_client import REGISTRY, Counter

from ..langchain_retriever import hit_to_document
from ..models import Answer, Citation, DocumentMeta, SearchHit
from ..question import QuestionAnalysis
from ..settings import Settings
from ..text import is_english
from .citations import ParsedAnswer, parse_citations, renumber
from .extractive import ScopeResult
from .grounding import Grounding, check

log = logging.getLogger(__name__)

FALLBACKS = Counter("policyqa_llm_fallbacks_total",
                    "LLM answers replaced by the extractive answer, by reason", ["reason"])
MAX_TOKENS = 1024  # sent as the legacy `max_tokens`, which every OpenAI-compatible server understands
PROMPT_VARIABLES = {"clauses", "question"}
_SECTION = re.compile(r"^\[(system|human)\][ \t]*$", re.MULTILINE)
_TAG = re.compile(r"<\s*/?\s*clause", re.IGNORECASE)


class PromptError(ValueError):
    """A prompt file without [system]/[human] sections or with unexpected {variables}."""


# -- prompt ----------------------------------------------------------------------------------------
def load_prompt(path: Path) -> ChatPromptTemplate:
    """A chat prompt from a file of `[system]` and `[human]` sections using {clauses} and {question}."""
    return _load_prompt(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_prompt(path: Path, _mtime: int) -> ChatPromptTemplate:
    parts = _SECTION.split(path.read_text(encoding="utf-8"))
    messages = [(role, body.strip()) for role, body in zip(parts[1::2], parts[2::2])]
    if [role for role, _ in messages] != ["system", "human"]:
        raise PromptError(f"{path}: expected a [system] section followed by a [human] section")
    prompt = ChatPromptTemplate.from_messages(messages)
    if set(prompt.input_variables) != PROMPT_VARIABLES:
        raise PromptError(f"{path}: variables {sorted(prompt.input_variables)}, expected {sorted(PROMPT_VARIABLES)}")
    return prompt


def source_line(doc: Document) -> str:
    """Where a clause comes from: 《title》（province，date） section."""
    meta = doc.metadata
    place = "，".join(str(v) for v in (meta.get("province"), meta.get("date")) if v)
    return f"《{meta.get('title', '')}》（{place}） {meta.get('section', '')}".strip()


def format_clauses(docs: Sequence[Document]) -> str:
    """Number the clauses inside <clause> blocks; a clause cannot open or close a block itself."""
    blocks = []
    for n, doc in enumerate(docs, start=1):
        text = _TAG.sub(lambda m: m.group(0).replace("<", "＜"), doc.page_content)
        blocks.append(f'<clause n="{n}">\n来源：{source_line(doc)}\n正文：{text}\n</clause>')
    return "\n\n".join(blocks)


def grounding_texts(docs: Sequence[Document]) -> list[str]:
    """What each clause lets an answer state: its source line and its text."""
    return [f"{source_line(doc)}\n{doc.page_content}" for doc in docs]


# -- chain -----------------------------------------------------------------------------------------
class CitationParser(BaseOutputParser[ParsedAnswer]):
    """Model text → ParsedAnswer: markers canonicalised to [n], cited clause numbers listed."""

    def parse(self, text: str) -> ParsedAnswer:
        return parse_citations(text)

    @property
    def _type(self) -> str:
        return "policyqa_citations"


def chat_model(settings: Settings) -> ChatOpenAI:
    """The endpoint of the settings, with bounded timeout and retries (one client per configuration)."""
    if not (settings.llm_base_url and settings.llm_model):
        raise ValueError("LLM mode needs POLICYQA_LLM_BASE_URL and POLICYQA_LLM_MODEL")
    return _chat_model(settings.llm_base_url, settings.llm_model, settings.llm_api_key or "not-needed",
                       settings.llm_timeout_s, settings.llm_max_retries, MAX_TOKENS)


@lru_cache(maxsize=8)
def _chat_model(base_url: str, model: str, api_key: str, timeout: float, retries: int, max_tokens: int
                ) -> ChatOpenAI:
    return ChatOpenAI(base_url=base_url, model=model, api_key=api_key, timeout=timeout, max_retries=retries,
                      temperature=0, extra_body={"max_tokens": max_tokens})


def prompt_for(settings: Settings) -> Runnable:
    """The Chinese prompt, or the English one for English questions (input: question, clauses, english)."""
    zh = load_prompt(settings.prompts_dir / "answer_zh.txt")
    en = load_prompt(settings.prompts_dir / "answer_en.txt")
    return RunnableBranch((lambda x: bool(x.get("english")), en), zh)


def answer_chain(settings: Settings) -> Runnable:
    """{question, clauses, english} → ParsedAnswer."""
    return prompt_for(settings) | chat_model(settings) | StrOutputParser() | CitationParser()


def retrieval_chain(retriever: BaseRetriever, settings: Settings) -> Runnable:
    """question → {question, documents, answer: ParsedAnswer, grounding: Grounding}, for LangChain apps.

    The grounding verdict is attached, not enforced: a caller decides what to show when it fails.
    """
    return (
        RunnableParallel(question=RunnablePassthrough(), documents=retriever)
        | RunnablePassthrough.assign(clauses=lambda x: format_clauses(x["documents"]),
                                     english=lambda x: is_english(x["question"]))
        | RunnablePassthrough.assign(answer=answer_chain(settings))
        | RunnablePassthrough.assign(grounding=lambda x: check(x["answer"], grounding_texts(x["documents"]))))


# -- the Assistant's LLM mode ----------------------------------------------------------------------
def offered_hits(results: Sequence[ScopeResult], extractive: Answer, limit: int) -> list[SearchHit]:
    """The clauses the extractive answer cites, then the best of each scope in turn, up to `limit`."""
    by_id = {hit.clause.clause_id: hit for result in results for hit in result.hits}
    chosen = {c.clause_id: by_id[c.clause_id] for c in extractive.citations if c.clause_id in by_id}
    limit = max(limit, len(chosen))
    depth = max((len(result.hits) for result in results), default=0)
    for rank in range(depth):
        for result in results:
            if len(chosen) >= limit:
                return list(chosen.values())
            if rank < len(result.hits):
                chosen.setdefault(result.hits[rank].clause.clause_id, result.hits[rank])
    return list(chosen.values())


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "unreachable"
    if isinstance(exc, openai.APIStatusError):
        return "http_error"
    return "bad_response"


def fallback(extractive: Answer, reason: str, detail: str = "") -> Answer:
    """Count and log the failure; the extractive answer is what the user gets."""
    FALLBACKS.labels(reason).inc()
    log.warning("LLM answer replaced by the extractive answer: %s %s", reason, detail[:300])
    return extractive


def llm_answer(question: str, analysis: QuestionAnalysis, results: Sequence[ScopeResult], extractive: Answer,
               documents: dict[str, DocumentMeta], settings: Settings) -> Answer:
    """A grounded LLM answer (mode="llm") over the clauses retrieval found, or `extractive` unchanged."""
    hits = offered_hits(results, extractive, settings.top_k)
    if not hits:
        return extractive  # nothing retrieved at all: the extractive refusal is the only honest answer
    docs = [hit_to_document(hit, documents[hit.clause.doc_id]) for hit in hits]
    try:
        parsed = answer_chain(settings).invoke(
            {"question": question, "clauses": format_clauses(docs), "english": analysis.english})
    except Exception as exc:  # noqa: BLE001 - any failure of the model means the extractive answer
        return fallback(extractive, failure_reason(exc), f"{type(exc).__name__}: {exc}")
    verdict: Grounding = check(parsed, grounding_texts(docs), supported=extractive.answerable, question=question)
    if not verdict.ok:
        return fallback(extractive, verdict.reason or "ungrounded", verdict.detail)
    text, mapping = renumber(parsed)
    citations = [_citation(new, hits[old - 1], documents) for old, new in mapping.items()]
    return Answer(answer=text, answerable=not verdict.refused, citations=citations, mode="llm")


def _citation(n: int, hit: SearchHit, documents: dict[str, DocumentMeta]) -> Citation:
    meta = documents[hit.clause.doc_id]
    return Citation(n=n, doc_id=meta.doc_id, title=meta.title, province=meta.province, section=hit.clause.section,
                    clause_id=hit.clause.clause_id, text=hit.clause.text, score=hit.score)


def fallback_count(reason: str) -> float:
    """How many answers fell back for `reason` so far in this process (for tests and diagnostics)."""
    return REGISTRY.get_sample_value("policyqa_llm_fallbacks_total", {"reason": reason}) or 0.0


