"""Hybrid retrieval: dense (the vector store), keyword (bm25s) and best-sentence rankings fused by reciprocal
rank, inside a scope.

The scope is what keeps near-identical provincial texts apart: a province, document or year named in the
question (or passed as a filter) restricts or boosts the documents searched.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Collection
from functools import cached_property, lru_cache

import numpy as np

from .corpus.metadata import DOC_NUMBER, DOC_TYPES, UNKNOWN_PROVINCE, title_type
from .crosslingual import Dictionary
from .embeddings import Embedder
from .embeddings.batching import QueryBatcher
from .errors import UnknownFilter
from .index import ClauseIndex, document_groups
from .models import FACT_ONLY_KINDS, Clause, DocumentMeta, SearchHit
from .provinces import find_provinces, province_named
from .document_facts import is_signature, signs, states_fact
from .places import find_places
from .question import (FULL_DATE, POSTED_ROW, YEAR, CorpusFacts, QuestionAnalysis, TitleIndex, analyse,
                       named_date_row, page_labels_asked)
from .references import referenced_clauses
from .stores.base import top_k
from .synonyms import synonyms
from .text import content_terms, is_english, normalise
from .versions import prefer_versions, version_groups

QUERY_VECTORS_KEPT = 256  # question vectors kept (a few per request in flight)
# A shorter piece of a title (实施意见, 质量强省) is a common phrase, not the title.
TITLE_LINE_CHARS = 6
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
        # Shared by the restricted views (copies). Concurrent questions share model calls, and each question is
        # embedded once however many scopes and steps use it: kept per text, so concurrent requests do not
        # evict each other's vector (one shared slot made every step embed again under 16 clients).
        batcher = QueryBatcher(embedder.embed_queries)
        self.query_vector: Callable[[str], np.ndarray] = lru_cache(maxsize=QUERY_VECTORS_KEPT)(
            lambda text: batcher([text])[0])
        # Shared by the restricted views; the document types (意见, 方案…) let an English question name one.
        self.dictionary = Dictionary(index.keywords.vocab, kinds=DOC_TYPES)

    @cached_property
    def facts(self) -> CorpusFacts:
        """Years and places each document's text mentions, read once per index build. A document's own year
        (its extracted date, perhaps written 二〇一七年 or only in the page's metadata) is one of its years."""
        years: dict[str, set[int]] = {doc_id: {int(d.date[:4])} if d.date else set()
                                      for doc_id, d in self.documents.items()}
        places: dict[str, set[str]] = {doc_id: set() for doc_id in self.documents}
        for clause in self.index.clauses:
            text = normalise(clause.text)
            years[clause.doc_id].update(int(y) for y in YEAR.findall(text))
            places[clause.doc_id].update(p.name for p in find_places(text))
        return CorpusFacts(documents=list(self.index.documents), years=years, places=places,
                           titles=TitleIndex(self.index.documents))

    @property
    def provinces(self) -> list[str]:
        return list(dict.fromkeys(d.province for d in self.documents.values()))

    def restricted(self, doc_ids: Collection[str]) -> Retriever:
        """This retriever seeing only `doc_ids` (access control, see access.py): scopes, filters, their error
        messages, question analysis and clause lookup all go through `documents`, so nothing else is reachable."""
        view = copy.copy(self)
        view.documents = {i: d for i, d in self.documents.items() if i in doc_ids}
        view.facts = dataclasses.replace(self.facts, documents=list(view.documents.values()))
        return view

    def analyse(self, question: str) -> QuestionAnalysis:
        analysis = analyse(question, self.facts, self.dictionary.kinds)
        if analysis.english:
            analysis.translations = self.dictionary.phrases(analysis.topic_text)
        return analysis

    def rank_for(self, analysis: QuestionAnalysis, docs: list[DocumentMeta], limit: int,
                 first: list[Clause] | None = None) -> list[SearchHit]:
        """Ranking for an analysed question; `first` (the numbered parts it points at: referenced()) leads. A
        question about a fact of the document itself (its date, 文号 or issuer) puts first the clauses of the
        document it is about that print the value its metadata holds (for a date its metadata lacks: the dated
        opening and signature; for a 文号 it lacks: the clauses that print one, a cited document's)."""
        hits = self.rank(analysis.search_text, docs, analysis.years, limit, keyword_query=self.keyword_query(analysis))
        wanted = {d.doc_id for d in docs}
        first = [c for c in first or [] if c.doc_id in wanted]
        if first:
            return self._put_first(first, hits, analysis, limit)
        if not analysis.asks_fact or not hits:
            return hits
        about = self.documents[hits[0].clause.doc_id]
        check = self.fact_check(analysis)
        stating = [c for c in self._clauses_of[about.doc_id] if check(c)]
        if not stating and analysis.asks_fact == "date":
            stating = [c for c in self._clauses_of[about.doc_id]
                       if c.kind in ("preamble", *FACT_ONLY_KINDS) and FULL_DATE.search(normalise(c.text))]
        if not stating and analysis.asks_fact == "number":
            # A document without a 文号 of its own is asked the one of a document it cites (贯彻的省文件文号).
            stating = [c for c in self._clauses_of[about.doc_id] if DOC_NUMBER.search(normalise(c.text))]
        return self._put_first(stating, hits, analysis, limit) if stating else hits

    def referenced(self, analysis: QuestionAnalysis, docs: list[DocumentMeta], fallback: bool
                   ) -> dict[str, list[Clause]]:
        """Per document of `docs` that has them, its clauses inside the numbered parts the question names. With
        `fallback`, a document without the unit asked offers the one it numbers by instead (references.py);
        those printing the very unit asked (第三条 of a 办法) still win over them. Documents the question names
        (by title, 某某若干政策措施的第一部分) are the ones meant when they have the parts."""
        if not analysis.references:
            return {}
        named = [d for d in docs if d.doc_id in analysis.doc_ids]
        for among in (named, docs) if named else (docs,):
            for exact in (True, False) if fallback else (True,):
                found = {d.doc_id: referenced_clauses(analysis.references, self._clauses_of[d.doc_id], exact)
                         for d in among}
                if any(found.values()):
                    return {doc_id: clauses for doc_id, clauses in found.items() if clauses}
        return {}

    def list_items(self, clause: Clause) -> list[Clause]:
        """The items of the list `clause` belongs to (its siblings of its own kind, first pieces, in order); []
        for a clause without a numbered heading."""
        if not clause.outline or clause.parent_id is None:
            return []
        kind = clause.outline[-1].kind
        return [c for c in self._clauses_of[clause.doc_id] if c.parent_id == clause.parent_id and c.part == 1
                and c.outline and c.outline[-1].kind == kind and len(c.outline) == len(clause.outline)]

    def children(self, clause: Clause) -> list[Clause]:
        """The clauses directly under `clause` (first pieces, in order): the items a lead-in (…原则：) announces."""
        return [c for c in self._clauses_of[clause.doc_id] if c.parent_id == clause.clause_id and c.part == 1]

    def _put_first(self, clauses: list[Clause], hits: list[SearchHit], analysis: QuestionAnalysis, limit: int
                   ) -> list[SearchHit]:
        """`clauses` ranked before `hits`; they keep their own dense and keyword scores (the models read them)."""
        found = {h.clause.clause_id: h for h in hits}
        top = hits[0].score if hits else 1.0
        positions = np.array([self._positions[c.clause_id] for c in clauses], dtype=np.int64)
        dense = self.index.vectors.similarities(self.query_vector(analysis.search_text), positions)
        first = [found[c.clause_id].model_copy(update={"score": top}) if c.clause_id in found
                 else SearchHit(clause=c, score=top, dense_score=round(float(d), 4))
                 for c, d in zip(clauses, dense)]
        seen = {h.clause.clause_id for h in first}
        return (first + [h for h in hits if h.clause.clause_id not in seen])[:max(limit, len(first))]

    def keyword_query(self, analysis: QuestionAnalysis) -> str:
        """What bm25 searches for: the question's topic, and for an English question the Chinese words a
        dictionary gives for its words (crosslingual.py). On dev, the right clause was answered for 0.80 of
        answerable English questions instead of 0.67. A word the corpus never uses (a colloquial 准时) brings the
        words of its thesaurus group that it does (正点; synonyms.py): held-out dev, right clause chosen 0.934 ->
        0.939, full-pipeline key 0.892 -> 0.897, false refusals 0.047 -> 0.044, refusal 0.851 -> 0.849."""
        words = dict.fromkeys(word for phrase in analysis.translations for word in phrase)
        vocabulary = self.index.keywords.vocab
        others = dict.fromkeys(other for term in content_terms(analysis.topic_text) if term not in vocabulary
                               for other in synonyms(term) if other in vocabulary)
        return " ".join([analysis.topic_text, *words, *others])

    def fact_check(self, analysis: QuestionAnalysis) -> Callable[[Clause], bool]:
        """Whether a clause's text states the fact of its document that the question asks for (for the models); a
        fact of the web page (索引号, 来源…) is stated by the page's lines that print its label."""
        if analysis.asks_fact == "page":
            labels = page_labels_asked(analysis.text)
            posted = "" in labels  # the page at large, or when the site posted the document
            named_row = named_date_row(analysis.text)

            def prints(clause: Clause) -> bool:
                compact = re.sub(r"\s", "", normalise(clause.text))  # a copied table spaces its labels (索 引 号)
                return ((clause.kind == "page" and any(label in compact for label in labels))
                        or (posted and POSTED_ROW.search(compact) is not None)
                        or (named_row is not None and named_row.search(compact) is not None))
            return prints
        if analysis.asks_signed_date:
            return self._signed_check
        return lambda clause: states_fact(clause.text, self.documents[clause.doc_id], analysis.asks_fact)

    def _signed_check(self, clause: Clause) -> bool:
        """Asked for the 落款: a clause holding the signature; the document's date elsewhere only if none signs."""
        meta = self.documents[clause.doc_id]
        return signs(clause.text, meta) or (states_fact(clause.text, meta, "date") and clause.doc_id not in self._signed)

    @cached_property
    def _signed(self) -> set[str]:
        """The documents with a signature line: in the opening (a covering notice's) or the closing."""
        return {c.doc_id for c in self.index.clauses
                if c.kind in ("preamble", "closing") and signs(c.text, self.documents[c.doc_id])}

    def other_years(self, analysis: QuestionAnalysis) -> Callable[[Clause], bool]:
        """Whether a clause speaks of other years than those the question asks about (asked about 到2020年, the
        clause sets targets for 2015), for the models. A year naming a document (云南2016年意见) is not asked
        about (QuestionAnalysis.target_years)."""
        def check(clause: Clause) -> bool:
            asked = set(analysis.target_years)
            spoken = self.clause_years(clause) if asked else set()
            return bool(spoken) and not spoken & asked
        return check

    def other_level(self, analysis: QuestionAnalysis) -> Callable[[Clause], bool]:
        """Whether a city or county issued a clause's document when the question names a province and no city or
        county (湖南省…: the province's own policy is asked, not 湘西州's), for the models."""
        province_only = bool(analysis.provinces) and not analysis.places

        def check(clause: Clause) -> bool:
            meta = self.documents[clause.doc_id]
            return province_only and bool(meta.city or meta.county)
        return check

    def names_document(self, clause: Clause) -> bool:
        """Whether a clause's text is its document's title or holds it (the opening's title line, a signature
        repeating it), or is its signature (issuer and date): such a line names the document and rarely answers
        anything else, for the models."""
        # Without spaces: a title wrapped over two lines is still the title.
        title = re.sub(r"\s", "", self.facts.titles.titles.get(clause.doc_id, ""))
        text = re.sub(r"\s", "", normalise(clause.text)).strip("。；;：:")
        return (bool(title) and len(text) >= TITLE_LINE_CHARS and (text in title or title in text)) \
            or is_signature(clause.text, self.documents[clause.doc_id])

    def clause_years(self, clause: Clause) -> set[int]:
        """The years a clause speaks of: those it or its headings name; else the last year its nearest enclosing
        clause names (到2015年，具体目标如下： above a list of targets)."""
        own = YEAR.findall(normalise(f"{clause.section} {clause.text}"))
        if own:
            return {int(y) for y in own}
        parent = self.clause(clause.parent_id) if clause.parent_id else None
        while parent is not None:
            named = YEAR.findall(normalise(parent.text))
            if named:
                return {int(named[-1])}
            parent = self.clause(parent.parent_id) if parent.parent_id else None
        return set()

    @cached_property
    def _clauses_of(self) -> dict[str, list[Clause]]:
        grouped: dict[str, list[Clause]] = {doc_id: [] for doc_id in self.documents}
        for clause in self.index.clauses:
            grouped.setdefault(clause.doc_id, []).append(clause)
        return grouped

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
        docs = self.facts.in_provinces(provinces) if provinces else self.facts.in_provinces(
            analysis.provinces, analysis.unplaced_too)
        if doc_ids:
            return [d for d in docs if d.doc_id in doc_ids]
        narrowed = {self.documents[i].province for i in analysis.doc_ids}
        if len(analysis.provinces) == 1 and self._names_unplaced(analysis):
            narrowed.add(analysis.provinces[0])
        # -- versions of one policy (issue 11): the version the question asks for --
        scoped = [d for d in docs if d.province not in narrowed or d.doc_id in analysis.doc_ids]
        return prefer_versions(analysis.text, analysis.years, scoped, self._versions)

    def _names_unplaced(self, analysis: QuestionAnalysis) -> bool:
        """Whether the question names, as a document (…实施意见), one whose province could not be read: asked
        江阴市政府关于…实施意见, that is the 江苏 document meant, not a phrase its title shares."""
        titles = self.facts.titles.titles
        return any(self.documents[i].province == UNKNOWN_PROVINCE and title_type(name) and name in titles[i]
                   for i in analysis.doc_ids for name in analysis.scope_names)

    @cached_property
    def _versions(self) -> list[list[DocumentMeta]]:
        return version_groups(self.index.documents)

    def rank(self, query: str, docs: list[DocumentMeta], years: list[int] | None = None,
             limit: int = 10, keyword_query: str | None = None) -> list[SearchHit]:
        """Clauses of `docs` best matching `query` (for the keyword ranker, `keyword_query` if given), fused from
        the dense, keyword and (for Chinese questions) best-sentence rankings. An English question has no words
        in common with a Chinese sentence, and one sentence matched across languages is noisier than a whole
        clause: on dev that ranking lost English questions while it gained Chinese ones."""
        if not docs:
            return []
        allowed = None if len(docs) == len(self.index.documents) else np.array([self._ordinal[d.doc_id] for d in docs])
        pool = max(self.candidate_pool, limit)
        vector = self.query_vector(query)
        dense_at, _ = self.index.vectors.search(vector, pool, allowed)
        keyword_at, keyword_scores = self.index.keywords.search(keyword_query or query, pool, allowed)
        # Reciprocal-rank fusion over the union of the top lists; a clause absent from one list gets nothing
        # from it (its rank there is beyond the pool).
        rankings = (dense_at, keyword_at)
        if not is_english(query):
            rankings += (self.best_sentence_ranking(vector, np.unique(np.concatenate(rankings))),)
        candidates = np.unique(np.concatenate(rankings))
        fused = np.zeros(len(candidates), dtype=np.float64)
        for found in rankings:
            fused[np.searchsorted(candidates, found)] += 1.0 / (self.rrf_k + np.arange(1, len(found) + 1))
        if years:
            boosted = [self._ordinal[d.doc_id] for d in docs if self.facts.years[d.doc_id] & set(years)]
            if boosted and len(boosted) < len(docs):
                fused += np.isin(self._groups[candidates], boosted) * fused.max() * YEAR_BOOST
        dense = self.index.vectors.similarities(vector, candidates)
        keyword = np.zeros(len(candidates))
        keyword[np.searchsorted(candidates, keyword_at)] = keyword_scores
        best_possible = len(rankings) / (self.rrf_k + 1) * (1 + YEAR_BOOST)
        keyword_max = max(float(keyword.max(initial=0.0)), 1e-9)
        return [
            SearchHit(clause=self.index.clauses[candidates[i]], score=round(float(fused[i] / best_possible), 4),
                      dense_score=round(float(dense[i]), 4), keyword_score=round(float(keyword[i] / keyword_max), 4))
            for i in top_k(fused, limit)
        ]

    def best_sentence_ranking(self, vector: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """`positions` (clauses) ordered by the cosine of `vector` to each one's closest sentence. A clause's mean
        vector blurs a long clause; one sentence of it can still say what a paraphrased question asks. Only the
        candidates of the other rankings are ordered: the sentence vectors are in memory for the answerer, but
        all of them at 200,000 clauses would cost a second per question."""
        best = np.array([float((self.index.clause_sentence_vectors(int(p)) @ vector).max(initial=-1.0))
                         for p in positions])
        return positions[np.argsort(-best, kind="stable")]

    def sentence_similarity(self, query: str, clause: Clause) -> np.ndarray:
        """Cosine of the question to each sentence of `clause` (in text.sentences order)."""
        return self.index.clause_sentence_vectors(self._positions[clause.clause_id]) @ self.query_vector(query)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {c.clause_id: i for i, c in enumerate(self.index.clauses)}

    def clause(self, clause_id: str) -> Clause | None:
        clause = self._clauses_by_id.get(clause_id)
        return clause if clause is not None and clause.doc_id in self.documents else None

    @cached_property
    def _clauses_by_id(self) -> dict[str, Clause]:
        return {c.clause_id: c for c in self.index.clauses}


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in values if v and v.strip()]
