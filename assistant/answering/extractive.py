"""The default answer: quotes the clauses verbatim, names document and section, and cites them with [n]."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..models import Answer, Citation, Clause, DocumentMeta, SearchHit
from ..provinces import BY_NAME
from ..question import QuestionAnalysis
from .evidence import Evidence

RELATED_OFFERED = 2
TITLES_LISTED = 3  # documents named when a numbered part is in several


@dataclass
class ScopeResult:
    """What was found for one province (or for the whole corpus when the question names none)."""

    label: str | None
    evidence: Evidence | None
    supported: bool
    hits: list[SearchHit]


class CitationList:
    def __init__(self, documents: dict[str, DocumentMeta]):
        self.documents = documents
        self.items: list[Citation] = []

    def cite(self, hit: SearchHit) -> int:
        for citation in self.items:
            if citation.clause_id == hit.clause.clause_id:
                return citation.n
        meta = self.documents[hit.clause.doc_id]
        self.items.append(Citation(
            n=len(self.items) + 1, doc_id=meta.doc_id, title=meta.title, province=meta.province,
            section=hit.clause.section, clause_id=hit.clause.clause_id, text=hit.clause.text, score=hit.score,
            page=hit.clause.page))
        return len(self.items)


def _source(meta: DocumentMeta, english: bool) -> str:
    if english:
        return f"《{meta.title}》 ({BY_NAME[meta.province].english if meta.province in BY_NAME else meta.province})"
    date = f"，{meta.date}" if meta.date else ""
    return f"《{meta.title}》（{meta.province}{date}）"


def _quote_block(evidence: Evidence, citations: CitationList, english: bool) -> str:
    meta = citations.documents[evidence.hit.clause.doc_id]
    if evidence.siblings:
        return _list_block(evidence, citations, meta, english)
    n = citations.cite(evidence.hit)
    quote = join_quotes(evidence.quotes, evidence.hit.clause.text)
    page = evidence.hit.clause.page
    if english:
        where = f", page {page}" if page else ""
        return f"According to {_source(meta, True)}, section “{evidence.hit.clause.section}”{where}: “{quote}” [{n}]"
    where = f"（第{page}页）" if page else ""
    return f"根据{_source(meta, False)}“{evidence.hit.clause.section}”{where}：“{quote}”[{n}]"


def join_quotes(quotes: list[str], clause_text: str) -> str:
    """Sentences quoted from one clause; where the clause has text between two of them, an ellipsis says so."""
    text = quotes[0] if quotes else ""
    flat = clause_text.replace("\n", "")
    for previous, sentence in pairwise(quotes):
        text += sentence if previous + sentence in flat else "……" + sentence
    return text


def _list_block(evidence: Evidence, citations: CitationList, meta: DocumentMeta, english: bool) -> str:
    """All items of a list (基本原则, 工作方针…) in document order, each item cited on its own."""
    items = sorted([evidence.hit, *evidence.siblings], key=lambda hit: hit.clause.order)
    first = items[0].clause
    # Items announced by the first clause (…包括：) are under its heading; a list's items under their common one.
    announced = any(hit.clause.parent_id == first.clause_id for hit in items[1:])
    heading = " > ".join(first.section_path if announced else first.section_path[:-1])
    lines = [f"According to {_source(meta, True)}, section “{heading}” lists:" if english
             else f"根据{_source(meta, False)}“{heading}”，包括："]
    for hit, first in zip(items, evidence.quotes):
        n = citations.cite(hit)
        lines.append(f"- “{first}” [{n}]" if english else f"- “{first}”[{n}]")
    return "\n".join(lines)


def compose(analysis: QuestionAnalysis, results: list[ScopeResult], documents: dict[str, DocumentMeta],
            refusal_reason: str | None = None) -> Answer:
    """Turn what retrieval found into the answer text and its numbered citations."""
    citations = CitationList(documents)
    english = analysis.english
    supported = [r for r in results if r.supported and r.evidence]
    if refusal_reason or not supported:
        return _refusal(analysis, results, citations, refusal_reason)

    # One scope answers in one block, unless provinces are asked for (各省…): 「…的主线和主题分别是什么」 of one
    # county is no comparison of provinces.
    if len(results) == 1 and not (analysis.multi and _BY_PROVINCE.search(analysis.text)):
        evidence = supported[0].evidence
        assert evidence is not None
        lead = ""
        if analysis.which:
            province = documents[evidence.hit.clause.doc_id].province
            lead = (f"{BY_NAME[province].english} does. " if english and province in BY_NAME
                    else f"{province}。") if province else ""
        text = lead + _quote_block(evidence, citations, english)
    else:
        lines = ["By province:" if english else "按省份分别如下："]
        for result in results:
            name = result.label or ""
            shown = BY_NAME[name].english if english and name in BY_NAME else name
            if result.supported and result.evidence:
                lines.append(f"【{shown}】" + _quote_block(result.evidence, citations, english))
            elif not analysis.which and not _asks_which_provinces(analysis):
                lines.append(f"【{shown}】" + ("no relevant provision found." if english else "知识库中未找到相关规定。"))
        text = "\n".join(lines)
    if analysis.missing_provinces:
        text += "\n" + _not_covered(analysis, documents)
    quotes = [q for r in supported if r.evidence for q in r.evidence.quotes]
    return Answer(answer=text, answerable=True, citations=citations.items, quotes=quotes)


_BY_PROVINCE = re.compile(r"哪些省|哪几个省|各省|几个省|which provinces|each province", re.IGNORECASE)


def _asks_which_provinces(analysis: QuestionAnalysis) -> bool:
    return "哪些省" in analysis.text or "which provinces" in analysis.text.lower()


def _covered_provinces(documents: dict[str, DocumentMeta]) -> str:
    return "、".join(dict.fromkeys(d.province for d in documents.values()))


def _not_covered(analysis: QuestionAnalysis, documents: dict[str, DocumentMeta]) -> str:
    missing = analysis.missing_provinces + analysis.missing_places
    if analysis.english:
        names = ", ".join(BY_NAME[p].english if p in BY_NAME else p for p in missing)
        return f"The knowledge base holds no documents of {names}."
    return f"知识库未收录{'、'.join(missing)}的文件（已收录：{_covered_provinces(documents)}）。"


def _refusal(analysis: QuestionAnalysis, results: list[ScopeResult], citations: CitationList,
             reason: str | None) -> Answer:
    english = analysis.english
    text = ("No answer to this question was found in the knowledge base." if english
            else "知识库中未找到该问题的答案。")
    if reason:
        text += f" {reason.strip()}" if english else reason
    offered = [] if (analysis.missing_provinces or analysis.missing_places) and not analysis.provinces else [
        hit for r in results for hit in r.hits[:RELATED_OFFERED]][:RELATED_OFFERED]
    if offered:
        text += "\nPossibly related:" if english else "\n可能相关："
        for hit in offered:
            n = citations.cite(hit)
            meta = citations.documents[hit.clause.doc_id]
            text += f"\n[{n}] {_source(meta, english)} {hit.clause.section}"
    return Answer(answer=text, answerable=False, citations=citations.items)


def refusal_reason(analysis: QuestionAnalysis, documents: dict[str, DocumentMeta]) -> str | None:
    """A reason to refuse that needs no retrieval: a province or a year the corpus does not cover."""
    if (analysis.missing_provinces or analysis.missing_places) and not analysis.provinces:
        return _not_covered(analysis, documents)
    if analysis.unsupported_years:
        years = "、".join(str(y) for y in analysis.unsupported_years)
        if analysis.english:
            return f" The documents set no targets for {years}."
        return f"相关文件未涉及{years}年的内容。"
    return None


def part_refusal(analysis: QuestionAnalysis, referenced: dict[str, list[Clause]],
                 documents: dict[str, DocumentMeta]) -> str | None:
    """Why a question that only points at numbered parts (第五条是怎么规定的) cannot be answered: no document in
    scope has them, or several do and which one is meant is unknown. None when exactly one does."""
    english = analysis.english
    printed = (" " if english else "").join(r.printed for r in analysis.references)
    if not referenced:
        return f" The documents asked about have no {printed}." if english else f"所问文件中未找到{printed}。"
    if len(referenced) > 1:
        shown = list(referenced)[:TITLES_LISTED]
        if english:
            more = f" and {len(referenced) - len(shown)} more" if len(referenced) > len(shown) else ""
            titles = ", ".join(f"《{documents[doc_id].title}》" for doc_id in shown)
            return f" {titles}{more} each have {printed}: please name the document."
        titles = "、".join(f"《{documents[doc_id].title}》" for doc_id in shown)
        more = f"等{len(referenced)}份文件" if len(referenced) > TITLES_LISTED else ""
        return f"{titles}{more}都有{printed}，请指明是哪份文件。"
    return None
