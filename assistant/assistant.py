"""The Python API: one object that loads the index once and answers many questions, from any thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypedDict

from .access import EVERY_COLLECTION, LOCAL, Principal
from .answering.citations import pieces
from .answering.compare import Candidate as CompareCandidate
from .answering.compare import build_table, topic_of
from .answering.compare import candidates as compare_candidates
from .answering.evidence import (Candidate, ClauseCheck, Evidence, SentenceSimilarity, TermWeights, candidates,
                                 question_terms, select, whole_parts)
from .answering.extractive import ScopeResult, compose, join_quotes, part_refusal, refusal_reason
from .answering.refusal import models
from .answering.table_export import table_answer
from .audit import AuditLog
from .embeddings import Embedder, get_embedder
from .errors import InvalidQuestion, NotFound, UnknownFilter
from .followup import resolve_followup
from .index import ClauseIndex, build_index, load_or_build, pending_changes
from .library import DocumentLibrary, MetadataFields
from .models import Answer, Clause, CompareTable, DocumentMeta, SearchHit
from .question import QuestionAnalysis
from .retrieval import Retriever
from .settings import Settings, get_settings
from .text import normalise
from .updater import BackgroundIndexer, IndexState
from .versions import label_versions

log = logging.getLogger(__name__)

SEARCH_POOL = 12


@dataclass(frozen=True)
class _Loaded:
    """Everything derived from one index build; replaced as a whole, so readers never see a mix."""

    index: ClauseIndex
    retriever: Retriever
    weights: TermWeights
    cited: dict[str, DocumentMeta]  # documents as citations name them (versions labelled with their date)
    views: dict[frozenset[str], Retriever] = field(default_factory=dict)  # by collections

    def retriever_for(self, principal: Principal) -> Retriever:
        """The retriever restricted to what `principal` may read: the one place access is enforced. Views are
        kept per set of collections (what visibility depends on), so a question does not walk the corpus."""
        key = frozenset(principal.collections)
        if EVERY_COLLECTION in key:
            return self.retriever
        view = self.views.get(key)
        if view is None:
            visible = principal.visible(self.index.documents)
            view = self.views[key] = (self.retriever if len(visible) == len(self.index.documents)
                                      else self.retriever.restricted(visible))
        return view


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 show_progress: bool = False, stale_ok: bool = False):
        """With `stale_ok`, an index that is only behind the corpus is used as it is (see `index_state`)
        instead of being updated first."""
        self.settings = settings or get_settings()
        self.embedder = embedder or get_embedder(self.settings.embedding_backend, self.settings.embedding_model)
        self._swap_lock = threading.Lock()
        self.audit = AuditLog.from_settings(self.settings)
        self._loaded = self._prepare(load_or_build(self.settings, self.embedder, show_progress, stale_ok))
        self.library = DocumentLibrary(self.settings)
        self.indexer = BackgroundIndexer(self.rebuild)

    def _prepare(self, index: ClauseIndex) -> _Loaded:
        return _Loaded(index, Retriever(index, self.embedder, self.settings.rrf_k, self.settings.candidate_pool),
                       TermWeights([c.text for c in index.clauses]), label_versions(index.documents))

    # -- index --------------------------------------------------------------------------------
    @property
    def index(self) -> ClauseIndex:
        return self._loaded.index

    def rebuild(self, show_progress: bool = False, full: bool = False, *, principal: Principal = LOCAL
                ) -> ClauseIndex:
        """Bring the index up to date with the corpus (incrementally unless `full`) and swap it in; requests in
        flight finish on the old one."""
        with self._swap_lock:
            loaded = self._prepare(build_index(self.settings, self.embedder, show_progress, full))
            self._loaded = loaded
        self.audit.admin(principal.name, "reindex", {"documents": loaded.index.manifest.documents,
                                                      "clauses": loaded.index.manifest.clauses})
        return loaded.index

    def index_state(self) -> IndexState:
        """Whether an update is running and which corpus changes the index in use does not contain yet."""
        building = self.indexer.busy
        return IndexState(state="building" if building else "ready", last_error=self.indexer.last_error,
                          pending=pending_changes(self._loaded.index, self.settings.corpus_dir))

    def catch_up(self) -> IndexState:
        """Start a background update when the corpus has changes the index in use does not contain."""
        state = self.index_state()
        if state.pending:
            self.indexer.request()
        return state

    # -- document management: each change goes to the corpus at once, to the index in the background ----
    def add_document(self, name: str, data: bytes, fields: MetadataFields | None = None, *,
                     background: bool = True, principal: Principal = LOCAL) -> DocumentMeta:
        """Add a file (refused with the existing doc_id if it is already there); without `background`, the
        caller updates the index itself (`rebuild`). Every document change is audited under `principal`."""
        return self._changed("upload", self.library.add(name, data, fields), background, principal)

    def replace_document(self, doc_id: str, name: str, data: bytes, *, background: bool = True,
                         principal: Principal = LOCAL) -> DocumentMeta:
        return self._changed("replace", self.library.replace(doc_id, name, data), background, principal)

    def remove_document(self, doc_id: str, *, background: bool = True, principal: Principal = LOCAL) -> DocumentMeta:
        return self._changed("remove", self.library.remove(doc_id), background, principal)

    def edit_document(self, doc_id: str, fields: MetadataFields, *, background: bool = True,
                      principal: Principal = LOCAL) -> DocumentMeta:
        """Correct metadata; kept in corpus/manifest.yaml, so every later build keeps the correction."""
        return self._changed("metadata", self.library.edit(doc_id, fields), background, principal,
                             fields.given())

    def _changed(self, action: str, meta: DocumentMeta, background: bool, principal: Principal,
                 details: dict | None = None) -> DocumentMeta:
        self.audit.admin(principal.name, action, {"doc_id": meta.doc_id, "file": meta.source_file, **(details or {})})
        if background:
            self.indexer.request()
        return meta

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
               doc_id: str | list[str] | None = None, top_k: int | None = None,
               principal: Principal = LOCAL) -> list[SearchHit]:
        """Top clauses with scores, within the scope the filters or the query name."""
        retriever = self._loaded.retriever_for(principal)
        query = self.validate(query)
        analysis = retriever.analyse(query)
        provinces, doc_ids = retriever.resolve_filters(province, doc_id)
        docs = retriever.scope(analysis, provinces, doc_ids)
        return retriever.rank_for(analysis, docs, top_k or self.settings.top_k)

    def analyse(self, question: str, *, principal: Principal = LOCAL) -> QuestionAnalysis:
        return self._loaded.retriever_for(principal).analyse(self.validate(question))

    def ask(self, question: str, *, province: str | list[str] | None = None,
            doc_id: str | list[str] | None = None, top_k: int | None = None,
            history: list[dict] | None = None, principal: Principal = LOCAL) -> Answer:
        """An extractive answer quoting the clauses that support it, or an honest refusal; recorded in the
        audit log under `principal`, who sees only the documents of their collections.

        With `history` (OpenAI-style messages), a follow-up such as 「那四川呢？」 is answered as the
        self-contained question it stands for, given back in `rewritten_question`.
        """
        loaded = self._loaded
        retriever = loaded.retriever_for(principal)
        question = self.validate(question)
        rewritten = resolve_followup(question, history, retriever.analyse, retriever.documents.values()) \
            if history else None
        answer = self._answer(loaded, retriever, rewritten or question, province, doc_id, top_k)
        if rewritten:
            answer = answer.model_copy(update={"rewritten_question": rewritten})
        self.audit.question(principal.name, question, rewritten=rewritten, mode=answer.mode,
                            refused=not answer.answerable, citations=[c.clause_id for c in answer.citations])
        return answer

    def _answer(self, loaded: _Loaded, retriever: Retriever, question: str, province: str | list[str] | None,
                doc_id: str | list[str] | None, top_k: int | None) -> Answer:
        analysis = retriever.analyse(question)
        provinces, doc_ids = retriever.resolve_filters(province, doc_id)
        reason = None if (provinces or doc_ids) else refusal_reason(analysis, retriever.documents)
        if reason is None and analysis.multi and not analysis.which:
            docs = retriever.scope(analysis, provinces, doc_ids)
            if len(docs) > 1:  # 各省…, 哪些省份…, 对比…: answered with the comparison table
                return table_answer(build_table(analysis, retriever, loaded.weights, docs,
                                                partial(_evidence, retriever, loaded.weights), topic=question,
                                                page=1, page_size=self.settings.compare_page_size))

        # A question that only points at numbered parts (第五条是怎么规定的) is answered by them, or refused when
        # none or several documents have them; one that asks something of them (第五条的奖金是多少) searches them
        # first, when a document prints that very unit.
        pointing_only = bool(analysis.references) and all(
            any(term in r.printed for r in analysis.references) for term in question_terms(analysis))
        referenced = retriever.referenced(analysis, retriever.scope(analysis, provinces, doc_ids), pointing_only) \
            if reason is None else {}
        if pointing_only and reason is None:
            reason = part_refusal(analysis, referenced, retriever.documents)
        results = []
        first = [c for clauses in referenced.values() for c in clauses]
        pointed = {c.clause_id for c in first} if pointing_only and len(referenced) == 1 else set()
        for label, hits in self._ranked_scopes(retriever, analysis, provinces, doc_ids, top_k, first):
            evidence = _evidence(retriever, loaded.weights, analysis, hits) if hits else None
            parts = [h for h in hits if h.clause.clause_id in pointed]
            if evidence is not None and parts:
                evidence = whole_parts(evidence, parts)
            elif evidence is not None and analysis.references and not referenced:
                evidence, reason = _nth_item(retriever, analysis, evidence, hits, reason)
            elif evidence is not None:
                evidence = _announced_items(retriever, evidence)
            supported = evidence is not None and evidence.probability >= models().threshold
            results.append(ScopeResult(label=label, evidence=evidence, supported=supported, hits=hits))
        answer = compose(analysis, results, loaded.cited, reason)
        if self.settings.llm_base_url and self.settings.llm_model:
            # LangChain is imported only when an LLM is configured.
            from .answering.llm import llm_answer

            answer = llm_answer(question, analysis, results, answer, loaded.cited, self.settings)
        return answer

    def candidates(self, question: str) -> list[list[Candidate]]:
        """The described candidate clauses of each scope, as the evidence models see them (for fitting)."""
        loaded = self._loaded
        analysis = loaded.retriever.analyse(self.validate(question))
        if refusal_reason(analysis, loaded.retriever.documents):
            return []  # refused before retrieval (a place or year the corpus lacks): nothing to learn from
        return [candidates(analysis, hits, loaded.weights, **_clause_tests(loaded.retriever, analysis))
                for _, hits in self._ranked_scopes(loaded.retriever, analysis, [], [], None)]

    def _ranked_scopes(self, retriever: Retriever, analysis: QuestionAnalysis, provinces: list[str],
                       doc_ids: list[str], top_k: int | None, first: list[Clause] | None = None
                       ) -> list[tuple[str | None, list[SearchHit]]]:
        pool = max(top_k or self.settings.top_k, SEARCH_POOL)
        return [(label, retriever.rank_for(analysis, docs, pool, first))
                for label, docs in _scopes(retriever, analysis, provinces, doc_ids)]

    def compare(self, topic: str, provinces: str | list[str] | None = None, doc_ids: str | list[str] | None = None,
                *, page: int = 1, principal: Principal = LOCAL) -> CompareTable:
        """What each document in scope says about `topic`, one row per document (so per province, and per
        document where a province has several): quoted clauses with citations, or 未涉及.

        The scope is `provinces` / `doc_ids`, else what the topic names, else the whole corpus (of the documents
        `principal` may see). Tables over `compare_page_size` rows come in pages (`page`, 1-based)."""
        loaded, retriever, analysis, docs = self._compare_scope(topic, provinces, doc_ids, principal)
        table = build_table(analysis, retriever, loaded.weights, docs, partial(_evidence, retriever, loaded.weights),
                            topic=analysis.original, page=page, page_size=self.settings.compare_page_size)
        self.audit.question(principal.name, topic, rewritten=None, mode="compare", refused=False,
                            citations=[c.clause_id for c in table.citations])
        return table

    def _compare_scope(self, topic: str, provinces: str | list[str] | None, doc_ids: str | list[str] | None,
                       principal: Principal = LOCAL) -> tuple[_Loaded, Retriever, QuestionAnalysis, list[DocumentMeta]]:
        loaded = self._loaded
        retriever = loaded.retriever_for(principal)
        analysis = retriever.analyse(self.validate(topic))
        provinces, doc_ids = retriever.resolve_filters(provinces, doc_ids)
        if analysis.missing_provinces and not (analysis.provinces or provinces or doc_ids):
            raise UnknownFilter(refusal_reason(analysis, retriever.documents) or "知识库未收录所问省份的文件。")
        return loaded, retriever, analysis, retriever.scope(analysis, provinces, doc_ids)

    def _compare_candidates(self, topic: str, provinces: str | list[str] | None = None,
                            doc_ids: str | list[str] | None = None) -> dict[str, list[CompareCandidate]]:
        """Every document's candidate clauses with the cover model's features (for fitting that model)."""
        loaded, retriever, analysis, docs = self._compare_scope(topic, provinces, doc_ids)
        return compare_candidates(topic_of(analysis), retriever, docs, partial(_evidence, retriever, loaded.weights))

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
    def documents(self, *, principal: Principal = LOCAL) -> list[DocumentMeta]:
        return list(self._loaded.retriever_for(principal).documents.values())

    def document(self, doc_id: str, *, principal: Principal = LOCAL) -> DocumentMeta:
        """One document's metadata; a document outside the principal's collections is as unknown as a typo."""
        meta = self._loaded.retriever_for(principal).documents.get(doc_id)
        if meta is None:
            raise NotFound(f"未找到文档：{doc_id}")
        return meta

    def clauses(self, doc_id: str, *, principal: Principal = LOCAL) -> list[Clause]:
        self.document(doc_id, principal=principal)
        return [c for c in self._loaded.index.clauses if c.doc_id == doc_id]

    def clause(self, clause_id: str, *, principal: Principal = LOCAL) -> Clause:
        clause = self._loaded.retriever_for(principal).clause(clause_id)
        if clause is None:
            raise NotFound(f"未找到条款：{clause_id}")
        return clause


class _ClauseTests(TypedDict):
    similarity: SentenceSimilarity
    fact_check: ClauseCheck
    year_check: ClauseCheck
    level_check: ClauseCheck
    title_check: ClauseCheck


def _clause_tests(retriever: Retriever, analysis: QuestionAnalysis) -> _ClauseTests:
    """What the corpus adds to a candidate's description for one question: its sentences' closeness in meaning,
    whether it prints the document fact asked for, whether it speaks of other years than those asked, whether a
    city or county issued it when the question names only a province, whether it (a sentence) is the title."""
    return {"similarity": lambda hit: retriever.sentence_similarity(analysis.search_text, hit.clause),
            "fact_check": retriever.fact_check(analysis), "year_check": retriever.other_years(analysis),
            "level_check": retriever.other_level(analysis), "title_check": retriever.names_document}


def _evidence(retriever: Retriever, weights: TermWeights, analysis: QuestionAnalysis, hits: list[SearchHit]
              ) -> Evidence | None:
    """The answerer's choice of clause and sentences among `hits`, with P(answerable) (for refusal)."""
    return select(analysis, hits, weights, **_clause_tests(retriever, analysis))


def _announced_items(retriever: Retriever, evidence: Evidence) -> Evidence:
    """A clause that ends announcing what follows (第四条 认定工作应当遵循以下原则：) answers with the items under
    it: they are quoted, each by its first sentence, after what the clause's own quotes say (…坚持“公开为常态、不公开
    为例外”的原则，除以下信息外，其余政府信息应当公开：)."""
    clause = evidence.hit.clause
    if evidence.siblings or not clause.text.rstrip().endswith((":", "：")):
        return evidence
    items = [SearchHit(clause=c, score=evidence.hit.score) for c in retriever.children(clause)]
    if not items:
        return evidence
    listed = whole_parts(evidence, [evidence.hit, *items], evidence.probability)
    return replace(listed, quotes=[join_quotes(evidence.quotes, clause.text), *listed.quotes[1:]])


def _nth_item(retriever: Retriever, analysis: QuestionAnalysis, evidence: Evidence, hits: list[SearchHit],
              reason: str | None) -> tuple[Evidence, str | None]:
    """「基本原则第二条是什么」: no document numbers its articles, so 第二条 counts the items of the list the question
    names (the list of the best-ranked hit whose heading holds one of the question's words, the chosen clause's
    first): its second item, or a refusal when the list is shorter. A question with no other words than the
    list's heading and the number asks for the item itself, which the document has: it answers, as a numbered
    part pointed at does (whole_parts); one asking something of it (第二条对企业有什么要求) keeps the chosen
    clause's P(answerable)."""
    [reference, *others] = analysis.references
    terms = question_terms(analysis)
    named = next((h for h in [evidence.hit, *hits] if retriever.list_items(h.clause)
                  and any(t in normalise(" ".join(h.clause.section_path[:-1])) for t in terms)), None)
    if others or reference.kind != "article" or named is None:
        return evidence, reason
    nth = [c for c in retriever.list_items(named.clause) if c.outline[-1].number == reference.number]
    if not nth:
        return evidence, reason or f"“{named.clause.section_path[-2]}”中未找到{reference.printed}。"
    hit = SearchHit(clause=nth[0], score=evidence.hit.score)
    heading = normalise(named.clause.section_path[-2])
    pointing = all(t in heading or t in reference.printed for t in terms)
    return whole_parts(evidence, [hit], 1.0 if pointing else evidence.probability), reason


def _scopes(retriever: Retriever, analysis: QuestionAnalysis, provinces: list[str], doc_ids: list[str]
            ) -> list[tuple[str | None, list[DocumentMeta]]]:
    """One scope per province for comparisons and 哪些省份 questions; otherwise a single scope."""
    docs = retriever.scope(analysis, provinces, doc_ids)
    if not analysis.multi or analysis.which or doc_ids:
        return [(provinces[0] if len(provinces) == 1 else None, docs)]
    wanted = provinces or analysis.provinces or retriever.provinces
    return [(p, [d for d in docs if d.province == p]) for p in wanted if any(d.province == p for d in docs)]
