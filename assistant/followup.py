"""Follow-up questions: 「那四川呢？」 borrows the topic of the previous question and changes only its scope.

Officials ask in conversation: after 「湖南省到2020年工程项目一次性验收合格率要达到多少？」 they type 「那四川呢？」,
「2025年的目标呢？」 or 「这条由哪些单位负责？」. `resolve_followup` rewrites such a question into a
self-contained one by editing the previous user question; a question that names its own topic is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from .models import DocumentMeta
from .provinces import BY_NAME
from .question import QuestionAnalysis, title_fragments
from .text import normalise

Analyse = Callable[[str], QuestionAnalysis]

# Words that point back at the previous answer: 「这条」「该项」「上述要求」.
_REFERENCE = re.compile(
    r"这一?条|该条|此条|这一?项|该项|此项|上述|以上|这些(?:要求|措施|任务|内容|工作)?|这方面|该措施|这个措施")
# A question that opens or ends like a continuation.
_LEAD = re.compile(r"^\s*(?:那么?|那个|还有|另外|再看看?|再问一下|同样地?|又)")
_TRAIL = re.compile(r"(?:呢|怎么样|如何|又如何|又怎样)\s*[？?！!。.]*\s*$")
# What is left of 「2025年的目标呢？」 once scope and filler are gone: no topic of its own.
_GENERIC = re.compile(r"(?:的|目标|要求|规定|情况|方面|是什么|是多少|有什么|有哪些|什么|多少|呢|吗|[\s？?，,。！!])*")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_YEAR_PHRASE = re.compile(r"(?:到|至|截至|截止到)?(?<!\d)20\d{2}(?!\d)年?(?:底|末|前)?")
_CONNECTOR = r"(?:和|与|及|以及|、|同|跟)"
# The asking part at the end of a question: what remains before it is the topic.
_ASKING_TAIL = re.compile(
    r"(?:(?:分别)?(?:提出了?|作出了?|有|制定了?|明确了?)?(?:什么|哪些|怎样的|哪几项)(?:具体)?(?:要求|规定|措施|目标|任务|安排|部署|政策)"
    r"|(?:要|应|需要)?(?:达到|提高到|提升到|控制在|保持在)?(?:多少|几成)|是什么|是多少|有哪些|怎么规定的?|如何规定|如何|怎么办|怎样)"
    r"[？?！!。.\s]*$"
)
_OBJECT = re.compile(r"^(?P<head>.*?)(?:对|关于|在)(?P<topic>[^对关在]+)$")


def resolve_followup(question: str, history: Sequence[dict], analyse: Analyse,
                     documents: Iterable[DocumentMeta] | None = None) -> str | None:
    """The self-contained question a follow-up stands for, or None when `question` stands on its own.

    `history` is OpenAI-style ({"role", "content"}); the last user message is the question continued.
    `documents` lets a change of province drop a document name that belongs to the old province.
    """
    previous = _last_user_question(history)
    if not previous or previous == question.strip() or not _looks_like_followup(question):
        return None
    docs = {d.doc_id: d for d in documents or []}
    now, before = analyse(question), analyse(previous)

    if _REFERENCE.search(question):
        asked = _REFERENCE.sub("", _LEAD.sub("", question)).strip(" ，,")
        return _topic(previous) + asked if asked else None

    residue = _residue(question, now, docs)
    provinces = now.provinces + now.missing_provinces
    if residue:
        if not (provinces or now.years or now.doc_ids or _LEAD.search(question)):
            return None
        return _with_new_topic(previous, before, now, residue, docs)

    rewritten = previous
    if now.doc_ids:
        rewritten = _replace_documents(rewritten, before, now, question, docs)
    elif provinces:
        rewritten = _drop_foreign_documents(rewritten, before, provinces, docs)
    if provinces:
        rewritten = _replace_provinces(rewritten, before.provinces + before.missing_provinces, provinces)
    years = [y for y in now.years if not _year_inside_document_name(y, question, now, docs)]
    if years:
        rewritten = _replace_years(rewritten, years, before, docs)
    return rewritten if rewritten != previous else None


def _last_user_question(history: Sequence[dict]) -> str | None:
    for message in reversed(history or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str) and content.strip():
                return content.strip()
    return None


def _looks_like_followup(question: str) -> bool:
    text = question.strip()
    return bool(text) and len(text) <= 40 and bool(
        _LEAD.search(text) or _TRAIL.search(text) or _REFERENCE.search(text))


def _province_surfaces(text: str, province: str) -> list[tuple[int, int]]:
    """Spans where `text` names `province`, full names first (湖南省 before 湖南)."""
    meta = BY_NAME.get(province)
    names = [meta.full, meta.name] if meta else [province]
    spans: list[tuple[int, int]] = []
    for name in names:
        for match in re.finditer(re.escape(name), text):
            if not any(s <= match.start() < e for s, e in spans):
                spans.append((match.start(), match.end()))
    return sorted(spans)


def _document_surface(text: str, meta: DocumentMeta) -> str | None:
    """The longest of the doc_id, the title, the pieces of the title (三年行动方案) and the year and type of the
    document (2016年的意见) that `text` contains."""
    dated = (re.search(rf"{meta.date[:4]}年?的?{re.escape(meta.doc_type)}", text)
             if meta.date and meta.doc_type else None)
    names = sorted([n for n in (meta.title, meta.doc_id, *title_fragments(text, normalise(meta.title)),
                                dated.group(0) if dated else "") if n], key=len, reverse=True)
    return next((n for n in names if n in text), None)


def _residue(question: str, analysis: QuestionAnalysis, docs: dict[str, DocumentMeta]) -> str:
    """What a follow-up says beyond scope (province, document, year) and filler: its own topic, if any."""
    text = question
    for doc_id in analysis.doc_ids:
        surface = docs.get(doc_id) and _document_surface(text, docs[doc_id])
        if surface:
            text = text.replace(surface, "")
    for province in analysis.provinces + analysis.missing_provinces:
        for start, end in reversed(_province_surfaces(text, province)):
            text = text[:start] + text[end:]
    text = _TRAIL.sub("", _LEAD.sub("", _YEAR_PHRASE.sub("", text)))
    text = re.sub(rf"^(?:{_CONNECTOR}|的)+|(?:{_CONNECTOR}|的)+$", "", text.strip(" ？?，,。！!"))
    return "" if _GENERIC.fullmatch(text) else text


def _topic(previous: str) -> str:
    """The previous question without its asking part: 「湖南省到2020年工程项目一次性验收合格率」."""
    topic = _ASKING_TAIL.sub("", previous).rstrip(" ，,的")
    match = _OBJECT.match(topic)
    if match and match.group("topic"):
        topic = match.group("head") + match.group("topic")
    return topic or previous.rstrip("？?！!。. ")


def _scope_prefix(text: str, analysis: QuestionAnalysis, docs: dict[str, DocumentMeta],
                  provinces: list[str] | None = None) -> str:
    """The province, document and year a question is about, as a phrase to start a new question with."""
    names = provinces if provinces is not None else analysis.provinces + analysis.missing_provinces
    parts = ["和".join(_full(p) for p in names)]
    for doc_id in analysis.doc_ids:
        meta = docs.get(doc_id)
        surface = meta and _document_surface(text, meta)
        if surface and (not names or meta.province in names):
            parts.append(surface)
    year = _YEAR_PHRASE.search(text)
    if year and analysis.years:
        parts.append(year.group(0) if year.group(0).startswith(("到", "至", "截")) else "到" + year.group(0))
    return "".join(parts)


def _with_new_topic(previous: str, before: QuestionAnalysis, now: QuestionAnalysis, residue: str,
                    docs: dict[str, DocumentMeta]) -> str:
    """「那标准化呢？」 after a 湖南 question: the previous scope with the new topic."""
    provinces = now.provinces + now.missing_provinces
    scope = _scope_prefix(previous, before, docs, provinces or None)
    if now.years:
        scope = _YEAR_PHRASE.sub("", scope) + f"到{now.years[0]}年"
    return f"{scope}对{residue}有什么要求？"


def _full(province: str) -> str:
    meta = BY_NAME.get(province)
    return meta.full if meta else province


def _replace_provinces(text: str, old: list[str], new: list[str]) -> str:
    """Swap the provinces a question names; 「湖南和四川」 becomes one span, 「分别」 goes with a single province."""
    spans = sorted(span for p in old for span in _province_surfaces(text, p)[:1])
    full = bool(spans) and any(text[s:e] == _full(p) for p in old for s, e in _province_surfaces(text, p)[:1])
    replacement = "和".join(_full(p) if full else p for p in new)
    if not spans:
        return replacement + text
    start, end = spans[0][0], spans[-1][1]
    between = text[spans[0][1]:end]
    if len(spans) > 1 and not re.fullmatch(rf"(?:{_CONNECTOR}|{'|'.join(map(re.escape, old))}|省|市)*", between):
        end = spans[0][1]
    text = text[:start] + replacement + text[end:]
    if len(new) == 1:
        text = text.replace("分别", "")
    return text


def _drop_foreign_documents(text: str, before: QuestionAnalysis, provinces: list[str],
                            docs: dict[str, DocumentMeta]) -> str:
    """A document of another province cannot be asked about for this one: drop its name."""
    for doc_id in before.doc_ids:
        meta = docs.get(doc_id)
        surface = meta and _document_surface(text, meta)
        if surface and meta.province not in provinces:
            text = text.replace(surface, "", 1)
            text = re.sub(r"^的|(?<=[省市区])的", "", text, count=1)
    return text


def _replace_documents(text: str, before: QuestionAnalysis, now: QuestionAnalysis, question: str,
                       docs: dict[str, DocumentMeta]) -> str:
    """「那2016年的意见呢？」: the previous question about another document of the same scope."""
    surfaces = [s for s in (docs.get(d) and _document_surface(question, docs[d]) for d in now.doc_ids) if s]
    if not surfaces:
        return text
    new = "和".join(surfaces)
    for doc_id in before.doc_ids:
        meta = docs.get(doc_id)
        old = meta and _document_surface(text, meta)
        if old:
            return text.replace(old, new, 1)
    spans = [span for p in before.provinces for span in _province_surfaces(text, p)[:1]]
    if spans:
        end = max(e for _, e in spans)
        return text[:end] + new + text[end:]
    return new + text


def _year_inside_document_name(year: int, question: str, analysis: QuestionAnalysis,
                               docs: dict[str, DocumentMeta]) -> bool:
    for doc_id in analysis.doc_ids:
        surface = docs.get(doc_id) and _document_surface(question, docs[doc_id])
        if surface and str(year) in surface:
            return True
    return False


def _replace_years(text: str, years: list[int], before: QuestionAnalysis, docs: dict[str, DocumentMeta]) -> str:
    """Put the follow-up's year in place of the previous one, or after the scope when there was none."""
    protected = [s for s in (docs.get(d) and _document_surface(text, docs[d]) for d in before.doc_ids) if s]
    masked = text
    for surface in protected:
        masked = masked.replace(surface, "\0" * len(surface))
    found = list(_YEAR.finditer(masked))
    if found:
        for match, year in reversed(list(zip(found, years + [years[-1]] * len(found)))):
            text = text[:match.start()] + str(year) + text[match.end():]
        return text
    phrase = f"到{years[0]}年"
    ends = [e for p in before.provinces + before.missing_provinces for _, e in _province_surfaces(text, p)[:1]]
    ends += [text.index(s) + len(s) for s in protected]
    at = max(ends, default=0)
    return text[:at] + phrase + text[at:]
