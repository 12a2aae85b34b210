"""The Python API: one object that loads the index once and answers many questions, from any thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from .answering.citations import pieces
from .answering.evidence import TermWeights, select
from .answering.extractive import ScopeResult, compose, refusal_reason
from .answering.refusal import min_strength
from .embeddings import Embedder, get_embedder
from .errors import InvalidQuestion, NotFound
from .followup import resolve_followup
from .index import ClauseIndex, build_index, load_or_build
from .models import Answer, Clause, DocumentMeta, SearchHit
from .question import QuestionAnalysis
from .retrieval import Retriever
from .settings import Settings, get_settings

log = logging.getLogger(__name__)

SEARCH_POOL = 12


@dataclass(frozen=True)
class _Loaded:
    """Everything derived from one index build; replaced as a whole, so readers never see a mix."""

    index: ClauseIndex
    retriever: Retriever
    weights: TermWeights


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 show_progress: bool = False):
        self.settings = settings or get_settings()
        self.embedder = embedder or get_embedder(self.settings.embedding_backend, self.settings.embedding_model)
        self._swap_lock = threading.Lock()
        self._loaded = self._prepare(load_or_build(self.settings, self.embedder, show_progress))

    def _prepare(self, index: ClauseIndex) -> _Loaded:
        return _Loaded(index, Retriever(index, self.embedder, self.settings.rrf_k, self.settings.candidate_pool),
                       TermWeights([c.text for c in index.clauses]))

    # -- index --------------------------------------------------------------------------------
    @property
    def index(self) -> ClauseIndex:
        return self._loaded.index

    def rebuild(self, show_progress: bool = False) -> ClauseIndex:
        """Build a fresh index and swap it in; requests in flight finish on the old one."""
        with self._swap_lock:
            loaded = self._prepare(build_index(self.settings, self.embedder, show_progress))
            self._loaded = loaded
        return loaded.index

    # -- questions ----------------------------------------------------------------------------
    def validate(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InvalidQuestion("问题不能为空。")
        question = question.strip()
        if len(question) > self.settings.max_question_chars:
            raise InvalidQuestion(
                f"问题过长（{len(question)} 字），请控制在 {self.settings.max_question_chars} 字以内。")
        return question

    def search(self, query: str, *, province: str | list[str] | None = None,
               doc_id: str | list[str] | None = None, top_k: int | None = None) -> list[SearchHit]:
        """Top clauses with scores, within the scope the filters or the query name."""
        loaded = self._loaded
        query = self.validate(query)
        analysis = loaded.retriever.analyse(query)
        provinces, doc_ids = loaded.retriever.resolve_filters(province, doc_id)
        docs = loaded.retriever.scope(analysis, provinces, doc_ids)
        return loaded.retriever.rank_for(analysis, docs, top_k or self.settings.top_k)

    def analyse(self, question: str) -> QuestionAnalysis:
        return self._loaded.retriever.analyse(self.validate(question))

    def ask(self, question: str, *, province: str | list[str] | None = None,
            doc_id: str | list[str] | None = None, top_k: int | None = None,
            history: list[dict] | None = None) -> Answer:
        """An extractive answer quoting the clauses that support it, or an honest refusal.

        With `history` (OpenAI-style messages), a follow-up such as 「那四川呢？」 is answered as the
        self-contained question it stands for, given back in `rewritten_question`.
        """
        loaded = self._loaded
        retriever = loaded.retriever
        question = self.validate(question)
        rewritten = resolve_followup(question, history, retriever.analyse, retriever.documents.values()) \
            if history else None
        if rewritten:
            answer = self.ask(rewritten, province=province, doc_id=doc_id, top_k=top_k)
            return answer.model_copy(update={"rewritten_question": rewritten})
        analysis = retriever.analyse(question)
        provinces, doc_ids = retriever.resolve_filters(province, doc_id)
        pool = max(top_k or self.settings.top_k, SEARCH_POOL)
        reason = None if (provinces or doc_ids) else refusal_reason(analysis, retriever.documents)

        results = []
        for label, docs in _scopes(retriever, analysis, provinces, doc_ids):
            hits = retriever.rank_for(analysis, docs, pool)
            evidence = select(analysis, hits, loaded.weights,
                              similarity=lambda hit: retriever.sentence_similarity(analysis.search_text, hit.clause)
                              ) if hits else None
            supported = evidence is not None and evidence.strength >= min_strength()
            results.append(ScopeResult(label=label, evidence=evidence, supported=supported, hits=hits))
        answer = compose(analysis, results, retriever.documents, reason)
        if self.settings.llm_base_url and self.settings.llm_model:
            # LangChain is imported only when an LLM is configured.
            from .answering.llm import llm_answer

            answer = llm_answer(question, analysis, results, answer, retriever.documents, self.settings)
        return answer

    def ask_stream(self, question: str, **kwargs) -> Iterator[str | Answer]:
        """Text pieces, then the final Answer; same arguments as `ask`.

        The answer is generated and grounding-checked in full before the first piece is sent (the check
        needs the whole text), so a client never sees text that is later withdrawn. Invalid questions and
        filters raise here, at the call, before any piece is produced.
        """
        answer = self.ask(question, **kwargs)

        def produce() -> Iterator[str | Answer]:
            yield from pieces(answer.answer)
            yield answer

        return produce()

    # -- documents ----------------------------------------------------------------------------
    def documents(self) -> list[DocumentMeta]:
        return list(self._loaded.index.documents)

    def document(self, doc_id: str) -> DocumentMeta:
        for meta in self._loaded.index.documents:
            if meta.doc_id == doc_id:
                return meta
        raise NotFound(f"未找到文档：{doc_id}")

    def clauses(self, doc_id: str) -> list[Clause]:
        self.document(doc_id)
        return [c for c in self._loaded.index.clauses if c.doc_id == doc_id]

    def clause(self, clause_id: str) -> Clause:
        clause = self._loaded.retriever.clause(clause_id)
        if clause is None:
            raise NotFound(f"未找到条款：{clause_id}")
        return clause


def _scopes(retriever: Retriever, analysis: QuestionAnalysis, provinces: list[str], doc_ids: list[str]
            ) -> list[tuple[str | None, list[DocumentMeta]]]:
    """One scope per province for comparisons and 哪些省份 questions; otherwise a single scope."""
    docs = retriever.scope(analysis, provinces, doc_ids)
    if not analysis.multi or analysis.which or doc_ids:
        return [(provinces[0] if len(provinces) == 1 else None, docs)]
    wanted = provinces or analysis.provinces or retriever.provinces
    return [(p, [d for d in docs if d.province == p]) for p in wanted if any(d.province == p for d in docs)]
