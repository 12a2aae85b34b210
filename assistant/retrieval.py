"""Hybrid retrieval: dense (FAISS) and keyword (bm25s) rankings fused by reciprocal rank, inside a scope.

The scope is what keeps near-identical provincial texts apart: a province, document or year named in the
question (or passed as a filter) restricts or boosts the documents searched.
"""

from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from .embeddings import Embedder
from .errors import UnknownFilter
from .index import ClauseIndex, document_groups
from .models import Clause, DocumentMeta, SearchHit
from .provinces import find_provinces, province_named
from .question import FULL_DATE, QuestionAnalysis, analyse
from .stores.base import top_k
from .text import normalise

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
YEAR_BOOST = 0.3  # share of the best fused score added to clauses of documents that speak of the asked year


class Retriever:
    def __init__(self, index: ClauseIndex, embedder: Embedder, rrf_k: int = 60, candidate_pool: int = 40):
        self.index = index
        self.embedder = embedder
        self.rrf_k = rrf_k
        self.candidate_pool = candidate_pool
        self.documents = {d.doc_id: d for d in index.documents}
        self._ordinal = {d.doc_id: i for i, d in enumerate(index.documents)}
        self._groups = document_groups(index.documents, index.clauses)
        self._dated: dict[str, list[Clause]] = {}
        self._last_query: tuple[str, np.ndarray] | None = None  # one tuple, swapped whole: thread-safe

    @cached_property
    def document_years(self) -> dict[str, set[int]]:
        years: dict[str, set[int]] = {doc_id: set() for doc_id in self.documents}
        for clause in self.index.clauses:
            years[clause.doc_id].update(int(y) for y in _YEAR.findall(clause.text))
        return years

    @property
    def provinces(self) -> list[str]:
        return list(dict.fromkeys(d.province for d in self.index.documents))

    def analyse(self, question: str) -> QuestionAnalysis:
        return analyse(question, self.index.documents, self.document_years)

    def rank_for(self, analysis: QuestionAnalysis, docs: list[DocumentMeta], limit: int) -> list[SearchHit]:
        """Ranking for an analysed question; a question about the issue date puts the dated clauses first."""
        hits = self.rank(analysis.search_text, docs, analysis.years, limit, keyword_query=analysis.topic_text)
        if not analysis.asks_issue_date:
            return hits
        dated = [SearchHit(clause=c, score=hits[0].score if hits else 0.0) for d in docs for c in self._dated_of(d)]
        seen = {h.clause.clause_id for h in dated}
        return (dated + [h for h in hits if h.clause.clause_id not in seen])[:limit]

    def _dated_of(self, doc: DocumentMeta) -> list[Clause]:
        """The dated opening and signature clauses of one document, found once per document."""
        if doc.doc_id not in self._dated:
            positions = self._doc_positions[self._ordinal[doc.doc_id]]
            self._dated[doc.doc_id] = [c for c in (self.index.clauses[i] for i in positions)
                                       if FULL_DATE.search(c.text) and c.clause_id.endswith(("#0", "#end"))]
        return self._dated[doc.doc_id]

    @cached_property
    def _doc_positions(self) -> dict[int, np.ndarray]:
        """Clause positions of each document ordinal, grouped once."""
        order = np.argsort(self._groups, kind="stable")
        keys, starts = np.unique(self._groups[order], return_index=True)
        return dict(zip(keys.tolist(), np.split(order, starts[1:])))

    def resolve_filters(self, province: str | list[str] | None, doc_id: str | list[str] | None
                        ) -> tuple[list[str], list[str]]:
        """Validate explicit filters; province names may be given in any recognisable form (湘, Hunan, 湖南省)."""
        provinces: list[str] = []
        for value in _as_list(province):
            named = province_named(normalise(value))
            found = [p for p in ([named] if named else find_provinces(normalise(value))) if p in self.provinces]
            if not found:
                raise UnknownFilter(f"知识库中没有该省份的文件：{value}（已收录：{'、'.join(self.provinces)}）")
            provinces.extend(found)
        doc_ids = _as_list(doc_id)
        for value in doc_ids:
            if value not in self.documents:
                raise UnknownFilter(f"未知的文档编号：{value}（可用：{'、'.join(self.documents)}）")
        return list(dict.fromkeys(provinces)), doc_ids

    def scope(self, analysis: QuestionAnalysis, provinces: list[str], doc_ids: list[str]) -> list[DocumentMeta]:
        """Documents to search: explicit filters win, then what the question names, then everything.
        A document named in the question narrows its own province only: 「云南三年行动方案和湖南…」 keeps
        all of 湖南."""
        provinces = provinces or analysis.provinces
        docs = [d for d in self.documents.values() if not provinces or d.province in provinces]
        if doc_ids:
            return [d for d in docs if d.doc_id in doc_ids]
        named = [self.documents[i] for i in analysis.doc_ids]
        narrowed = {d.province for d in named}
        return [d for d in docs if d.province not in narrowed or d in named]

    def rank(self, query: str, docs: list[DocumentMeta], years: list[int] | None = None,
             limit: int = 10, keyword_query: str | None = None) -> list[SearchHit]:
        """Clauses of `docs` best matching `query` (for the keyword ranker, `keyword_query` if given),
        fused from both rankers."""
        if not docs:
            return []
        allowed = None if len(docs) == len(self.documents) else np.array([self._ordinal[d.doc_id] for d in docs])
        pool = max(self.candidate_pool, limit)
        vector = self.query_vector(query)
        dense_at, _ = self.index.vectors.search(vector, pool, allowed)
        keyword_at, keyword_scores = self.index.keywords.search(keyword_query or query, pool, allowed)
        # Reciprocal-rank fusion over the union of both top lists; a clause absent from one list gets nothing
        # from it (its rank there is beyond the pool).
        candidates = np.unique(np.concatenate([dense_at, keyword_at]))
        fused = np.zeros(len(candidates), dtype=np.float64)
        for found in (dense_at, keyword_at):
            fused[np.searchsorted(candidates, found)] += 1.0 / (self.rrf_k + np.arange(1, len(found) + 1))
        if years:
            boosted = [self._ordinal[d.doc_id] for d in docs if self.document_years[d.doc_id] & set(years)]
            if boosted and len(boosted) < len(docs):
                fused += np.isin(self._groups[candidates], boosted) * fused.max() * YEAR_BOOST
        dense = self.index.vectors.similarities(vector, candidates)
        keyword = np.zeros(len(candidates))
        keyword[np.searchsorted(candidates, keyword_at)] = keyword_scores
        best_possible = 2.0 / (self.rrf_k + 1) * (1 + YEAR_BOOST)
        keyword_max = max(float(keyword.max(initial=0.0)), 1e-9)
        return [
            SearchHit(clause=self.index.clauses[candidates[i]], score=round(float(fused[i] / best_possible), 4),
                      dense_score=round(float(dense[i]), 4), keyword_score=round(float(keyword[i] / keyword_max), 4))
            for i in top_k(fused, limit)
        ]

    def query_vector(self, text: str) -> np.ndarray:
        """The question's embedding, computed once per question however many scopes and steps use it."""
        cached = self._last_query
        if cached is not None and cached[0] == text:
            return cached[1]
        vector = self.embedder.embed_queries([text])[0]
        self._last_query = (text, vector)
        return vector

    def sentence_similarity(self, query: str, clause: Clause) -> np.ndarray:
        """Cosine of the question to each sentence of `clause` (in text.sentences order)."""
        return self.index.clause_sentence_vectors(self._positions[clause.clause_id]) @ self.query_vector(query)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {c.clause_id: i for i, c in enumerate(self.index.clauses)}

    def clause(self, clause_id: str) -> Clause | None:
        return self._clauses_by_id.get(clause_id)

    @cached_property
    def _clauses_by_id(self) -> dict[str, Clause]:
        return {c.clause_id: c for c in self.index.clauses}


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in values if v and v.strip()]
