"""Compare mode: what every document in scope says about one topic, side by side, or 未涉及.

One ranking pass over all candidate documents (not one question pipeline per province): the clauses are
ranked once, grouped by document, and each document's best clauses go through the same evidence selection
and the same covered/未涉及 decision as a single answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import cn2an
from pydantic import BaseModel

from ..models import Citation, CompareCell, CompareRow, CompareTable, DocumentMeta, Figure, Quote, SearchHit
from ..question import QuestionAnalysis
from ..retrieval import Retriever
from ..text import normalise
from .evidence import CANDIDATES, Evidence, TermWeights, question_terms, term_match
from .extractive import join_quotes

NOT_COVERED = "未涉及"
MODEL_FILE = Path(__file__).with_name("compare_model.json")

# The topic asks for numbers (rates, indices, counts, amounts): they get their own columns.
_ASKS_FIGURES = re.compile(r"多少|几[个项家所条倍]|比例|比重|百分|指数|指标|[^效]率|数值|数量|目标值|金额|奖金|"
                           r"\b(?:how much|how many|percentage|rates?|index|targets?|amounts?)\b", re.IGNORECASE)
# Units printed after numbers in Chinese administrative texts (general: any topic, any document).
_UNITS = ("个百分点", "万亿元", "亿元", "万元", "万人", "平方公里", "公里", "千米", "公顷", "%", "元", "万", "亿", "个",
          "家", "项", "件", "人", "名", "次", "所", "座", "处", "台", "套", "种", "类", "条", "亩", "吨", "倍", "位",
          "分", "天", "小时")
_UNIT = "|".join(re.escape(u) for u in _UNITS)
_QUALIFIER = r"(?:以上|以下|左右|以内|及以上)?"
_ARABIC = re.compile(rf"(?<![\d.〔\[（(A-Za-z])(\d+(?:\.\d+)?)(?![\d〕\]）)A-Za-z])\s*({_UNIT})?{_QUALIFIER}")
_CHINESE = re.compile(rf"(?<!第)([一二三四五六七八九十百千两]+)({_UNIT}){_QUALIFIER}")
_NOT_A_FIGURE = re.compile(r"^(?:年|月|日|号|届|次会议|\.[^\d]|、)")  # dates, document numbers, list markers
_DATE_OR_TIME = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?")
_YEAR_LIKE = re.compile(r"(?:19|20)\d{2}")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
# Wording that makes a question a comparison (general: names no province, document or topic).
_COMPARISON = re.compile(r"各(?:个)?(?:省份?|地区?|市|自治区)|哪(?:些|几个)(?:省份?|地方|地区|城市|文件)|分别|各自|对比|比较|"
                         r"相比|异同|区别|compare[sd]?|each province|respectively", re.IGNORECASE)
KEYWORD_EXTRA = 2  # clauses added to a document's candidates for their keyword match alone
_SEGMENT = re.compile(r"[，,；;。：:！？]")

# The answerer's evidence selection: the best clause among some hits, and the sentences to quote.
EvidenceOf = Callable[[QuestionAnalysis, list[SearchHit]], "Evidence | None"]


@dataclass(frozen=True)
class CellFeatures:
    """How well one clause addresses the topic, as the covered/未涉及 model sees it."""

    coverage: float  # weighted share of the topic's terms in the clause and its headings
    sentence_match: float  # the same in its best sentence
    semantic: float  # cosine of the topic to the closest sentence
    phrase: float  # longest run of the topic's words found verbatim, as a share of the topic's words

    def vector(self) -> list[float]:
        return [self.coverage, self.sentence_match, self.semantic, self.phrase]


class CoverModel(BaseModel):
    """Logistic model P(the document addresses the topic | its best clause), fitted on the compare
    evaluation's dev split (`python -m assistant.compare_eval --fit`)."""

    features: list[str]
    coefficients: list[float]
    intercept: float
    fitted_on: str = ""
    dev_cell_accuracy: float | None = None

    def probability(self, features: CellFeatures) -> float:
        z = self.intercept + sum(c * x for c, x in zip(self.coefficients, features.vector()))
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def cover_model() -> CoverModel:
    return CoverModel.model_validate_json(MODEL_FILE.read_text(encoding="utf-8"))


def save_cover_model(model: CoverModel) -> None:
    MODEL_FILE.write_text(model.model_dump_json(indent=1) + "\n", encoding="utf-8")
    cover_model.cache_clear()


def covers(features: CellFeatures) -> tuple[bool, float]:
    """The one covered/未涉及 decision for a document, from its best clause; and its probability."""
    p = cover_model().probability(features)
    return p >= 0.5, p


def cell_features(analysis: QuestionAnalysis, evidence: Evidence, terms: list[str]) -> CellFeatures:
    core = "".join(terms)
    clause = normalise(f"{evidence.hit.clause.section} {evidence.hit.clause.text}")
    topic = normalise(analysis.topic_text)
    longest = SequenceMatcher(None, topic, clause, autojunk=False).find_longest_match().size
    return CellFeatures(coverage=evidence.features.coverage, sentence_match=evidence.features.sentence_match,
                        semantic=evidence.features.semantic, phrase=min(longest / len(core), 1.0) if core else 0.0)


def asks_figures(analysis: QuestionAnalysis) -> bool:
    return _ASKS_FIGURES.search(analysis.search_text) is not None


def topic_of(analysis: QuestionAnalysis) -> QuestionAnalysis:
    """The question without its comparison wording (各省…分别…): those words name no topic, yet as terms
    they would count against every document that does not repeat them."""
    return replace(analysis, text=_COMPARISON.sub(" ", analysis.text).strip() or analysis.text)


def rank_by_document(analysis: QuestionAnalysis, retriever: Retriever, docs: list[DocumentMeta]
                     ) -> dict[str, list[SearchHit]]:
    """One ranking of every clause of `docs`, split by document: each document's best CANDIDATES clauses,
    plus its best keyword matches (a passing mention of a rare term ranks low on meaning)."""
    wanted = {d.doc_id for d in docs}
    clause_count = sum(1 for c in retriever.index.clauses if c.doc_id in wanted)
    hits = retriever.rank(analysis.search_text, docs, analysis.years, clause_count,
                          keyword_query=retriever.keyword_query(analysis)) if docs else []
    by_doc: dict[str, list[SearchHit]] = {}
    for hit in hits:
        by_doc.setdefault(hit.clause.doc_id, []).append(hit)
    pools = {}
    for doc_id, group in by_doc.items():
        keyword_best = sorted((h for h in group[CANDIDATES:] if h.keyword_score > 0),
                              key=lambda h: -h.keyword_score)[:KEYWORD_EXTRA]
        pools[doc_id] = group[:CANDIDATES] + keyword_best
    return pools


Candidate = tuple[Evidence, CellFeatures]


def candidates(analysis: QuestionAnalysis, retriever: Retriever, docs: list[DocumentMeta],
               evidence_of: EvidenceOf) -> dict[str, list[Candidate]]:
    """Each document's candidate clauses, with the sentences to quote and the model's features
    (`analysis` is the topic, see topic_of)."""
    terms = question_terms(analysis)
    found: dict[str, list[Candidate]] = {}
    for doc_id, hits in rank_by_document(analysis, retriever, docs).items():
        for hit in hits:
            evidence = evidence_of(analysis, [hit])
            if evidence is not None:
                found.setdefault(doc_id, []).append((evidence, cell_features(analysis, evidence, terms)))
    return found


def build_table(analysis: QuestionAnalysis, retriever: Retriever, weights: TermWeights,
                docs: list[DocumentMeta], evidence_of: EvidenceOf, *, topic: str, page: int, page_size: int
                ) -> CompareTable:
    """Decide document by document on one shared ranking; rows covered first, then 未涉及."""
    analysis = topic_of(analysis)
    pools = candidates(analysis, retriever, docs, evidence_of)
    figures_wanted = asks_figures(analysis)
    terms = question_terms(analysis)
    cells: list[tuple[DocumentMeta, Evidence | None, bool, float]] = []
    for meta in docs:
        decided = [(covers(features), evidence) for evidence, features in pools.get(meta.doc_id, [])]
        best = max(decided, key=lambda d: d[0][1], default=None)
        if best is None:
            cells.append((meta, None, False, 0.0))
        else:
            (covered, probability), evidence = best
            cells.append((meta, evidence, covered, probability))
    cells.sort(key=lambda cell: not cell[2])  # stable: corpus order within covered and within 未涉及

    total = len(cells)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(page, 1), pages)
    shown = cells[(page - 1) * page_size: page * page_size]
    citations: list[Citation] = []
    rows = [_row(meta, evidence, covered, probability, citations, terms, weights, figures_wanted)
            for meta, evidence, covered, probability in shown]
    covered_rows = sum(1 for cell in cells if cell[2])
    notes = _scope_notes(analysis, retriever.documents)
    if total and not covered_rows:
        notes.insert(0, f"No document searched ({total}) addresses “{topic}”." if analysis.english
                     else f"所检索的 {total} 份文件均未涉及「{topic}」。")
    if pages > 1:
        notes.append(f"{total} rows in {pages} pages; this is page {page}." if analysis.english
                     else f"共 {total} 行，分 {pages} 页，当前第 {page} 页。")
    return CompareTable(topic=topic, english=analysis.english, asks_figures=figures_wanted, rows=rows,
                        citations=citations, notes=notes, total_rows=total, covered_rows=covered_rows,
                        page=page, pages=pages, page_size=page_size)


def _scope_notes(analysis: QuestionAnalysis, documents: dict[str, DocumentMeta]) -> list[str]:
    """What the question asks that the corpus cannot show: provinces without documents, years not covered."""
    notes = []
    if analysis.missing_provinces:
        covered = "、".join(dict.fromkeys(d.province for d in documents.values()))
        notes.append(f"知识库未收录{'、'.join(analysis.missing_provinces)}的文件（已收录：{covered}）。")
    if analysis.unsupported_years:
        notes.append(f"相关文件未涉及{'、'.join(str(y) for y in analysis.unsupported_years)}年的内容。")
    return notes


def _row(meta: DocumentMeta, evidence: Evidence | None, covered: bool, probability: float,
         citations: list[Citation], terms: list[str], weights: TermWeights, figures_wanted: bool) -> CompareRow:
    cell = CompareCell(status=NOT_COVERED, confidence=round(probability, 4))
    if covered and evidence is not None:
        clause = evidence.hit.clause
        citations.append(Citation(n=len(citations) + 1, doc_id=meta.doc_id, title=meta.title,
                                  province=meta.province, section=clause.section, clause_id=clause.clause_id,
                                  text=clause.text, score=evidence.hit.score))
        text = join_quotes(evidence.quotes, clause.text)
        cell.status = "covered"
        cell.quotes = [Quote(text=text, n=len(citations), clause_id=clause.clause_id)]
        if figures_wanted:
            cell.figures = topic_figures(evidence.quotes, terms, weights)
    return CompareRow(province=meta.province, city=meta.city, county=meta.county, doc_id=meta.doc_id,
                      title=meta.title, date=meta.date, cell=cell)


# -- figures ------------------------------------------------------------------------------------------

def figures(text: str) -> list[tuple[int, Figure]]:
    """Every number with its unit in `text` (normalised), with its position; years, dates, document numbers
    and list markers are not figures. Chinese numerals count only with a unit (十个, 两百家)."""
    found: list[tuple[int, Figure]] = []
    text = _blank_dates(text)
    for match in _ARABIC.finditer(text):
        bare_year = not match.group(2) and _YEAR_LIKE.fullmatch(match.group(1))
        if bare_year or _NOT_A_FIGURE.match(text[match.end(1):]):
            continue
        found.append((match.start(), Figure(text=match.group(0).strip(), value=float(match.group(1)),
                                            unit=match.group(2) or "")))
    for match in _CHINESE.finditer(text):
        try:
            value = float(cn2an.cn2an(match.group(1), "smart"))
        except ValueError:
            continue
        if value >= 2:  # 一个, 一项… are articles more often than counts
            found.append((match.start(), Figure(text=match.group(0), value=value, unit=match.group(2))))
    return sorted(found, key=lambda item: item[0])


def _blank_dates(text: str) -> str:
    """Dates and clock times replaced by spaces of the same length (positions keep their meaning)."""
    return _DATE_OR_TIME.sub(lambda m: " " * len(m.group(0)), text)


def topic_figures(quotes: list[str], terms: list[str], weights: TermWeights) -> list[Figure]:
    """The numbers set for the topic: those in the phrases (between commas) of the quotes that match the
    topic best, each with the year named before it in its sentence (到2020年，…达到99%)."""
    candidates: list[tuple[float, Figure]] = []
    for sentence in quotes:
        text = _blank_dates(normalise(sentence))  # before splitting: 09:13:22 is no list of numbers
        start = 0
        for piece in _SEGMENT.split(text):
            end = start + len(piece)
            found = figures(piece)
            if found:
                years = [int(y) for y in _YEAR.findall(text[:end])]
                match = term_match(terms, weights, piece) if terms else 0.0
                for _, figure in found:
                    candidates.append((match, figure.model_copy(update={"year": years[-1] if years else None})))
            start = end + 1
    if not candidates:
        return []
    best = max(score for score, _ in candidates)
    chosen = [figure for score, figure in candidates if score >= best - 1e-9]
    return list({(f.value, f.unit, f.year): f for f in chosen}.values())
