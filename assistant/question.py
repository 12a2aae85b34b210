"""What a question says about where to look: places, documents, years, language, and whether it compares.

Which documents a question means comes from each document's extracted metadata (province, city, county,
title, type, date), never from names typed in for particular documents: a question that names a place is
scoped to the documents issued there, and one that quotes a distinctive part of a title, or names the year
and type of a document (「2016年的意见」), is routed to that document.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property

from .corpus.cleaning import PAGE_FACT_LABELS, PAGE_TIME_LABELS, PUBLISHED_DATE_LABELS, WRITTEN_DATE_LABELS
from .corpus.metadata import DOC_TYPES, UNKNOWN_PROVINCE
from .models import DocumentMeta
from .places import Place, find_places, find_romanised, romanised, stem
from .provinces import BY_NAME, find_provinces
from .references import PartReference, part_references
from .text import is_english, normalise

# A year, not an amount that looks like one (突破2000亿元, 1998.5万元, 2000多家): no decimal, magnitude or unit after
# it (general Chinese measure words, any document).
YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)(?![.．]\d)"
                  r"(?!\s*(?:[万亿千百十余多]|元|个|人|名|家|项|户|吨|米|亩|公里|公顷|平方|辆|台|件|次|所|座|套|%|％))")
# A period such as 2011-2020年 or 2023—2025年: it names a plan's span (often its title), not a year asked about.
_PERIOD = re.compile(r"(?:19|20)\d{2}\s*年?\s*[-—–~～至到]\s*(?:19|20)\d{2}")
# A year followed, within its phrase, by a kind of document names the document issued that year
# (2016年实施质量强省战略的意见, 2018年政府工作报告); before a measure (2018年地区生产总值) it is asked about, even
# where a document was issued that year. A plan for 2023 issued in 2022 (2023年计划草案) speaks of 2023.
_DOCUMENT_AFTER = re.compile(rf"年?[^，,。；;？?！!]{{0,20}}?(?:{'|'.join(DOC_TYPES)}|文件)")
_ENGLISH_WORDS_AFTER = 5
# General wording of comparisons and of "which province" questions (any corpus, any language we serve).
_MULTI = re.compile(r"哪些省|哪几个省|各省|几个省|分别|对比|比较|异同|相比|区别|which provinces|compare|each province|"
                    r"respectively", re.IGNORECASE)
# Issued, or for a regulation adopted and promulgated (条例 …通过, 公布): the date the document bears.
_ISSUED = "印发|转发|发布|出台|签发|成文|颁发|作出|下发|通过|颁布|公布"
_WHEN_ASKED = "哪天|哪一天|何时|什么时候|日期|时间"
# …印发《X工作要点》的日期 / 印发X行动计划是哪天: the issuing verb, then the document by its type (maybe with a note:
# 办法(试行)), then the time asked. 是哪天公开的 / 哪天发的 / 哪一天经人民代表大会通过的 ask when a document was made
# public, sent or adopted (是…的: a past event); 多长时间内公开 asks what a rule on disclosure says.
_ISSUE_DATE = re.compile(rf"(哪天|哪一天|何时|什么时候|日期|哪年|哪一年|时间).{{0,6}}({_ISSUED})|"
                         rf"(哪天|哪一天|何时|什么时候|哪年|哪一年)[^，。？?]{{0,12}}?(?:公开|发出?|{_ISSUED})的|"
                         rf"({_ISSUED}).{{0,6}}({_WHEN_ASKED})|"
                         rf"({_ISSUED})[^，。？?]{{0,40}}(?:{'|'.join(DOC_TYPES)})》?(?:[（(][^（）()]{{1,8}}[)）])?》?的?是?"
                         rf"({_WHEN_ASKED})|"
                         r"when (was|were|did) .{0,80}(issued|published|signed|released|adopted)", re.IGNORECASE)
# General wording of questions about a document's own facts (any document): its 文号 and who issued it.
ASKS_NUMBER = re.compile(r"文号|发文字号|字号是|编号是|document number|reference number", re.IGNORECASE)
_ASKS_ISSUER = re.compile(r"(哪个|哪一个|哪两个|哪几个|哪些|什么|哪家|哪级)(部门|单位|机关|机构|政府|组织)[^，。？?]{0,8}(发布|印发|下发|颁发|发出|出台|"
                          r"制定|发的|作出|转发|通告|通知)|(由|是)(谁|哪个部门|哪个单位|哪个机关|哪些(?:部门|单位|机关|机构)).{0,4}(发布|印发|下发|颁发|发出|"
                          r"出台|制定|发的|作出|转发|签发)|发文机关|发布机构|发布单位|"
                          r"落款单位|(谁|哪里)(发布|印发|发的)|who (issued|published|signed)|which (department|office|body|"
                          r"agency|authority) (issued|published)", re.IGNORECASE)
# The date labels of government sites' metadata tables (成文日期, 发文日期, 发布日期…) name the document's date too,
# as does asking the date it is marked with (标注的日期, 所署日期).
_ASKS_SIGNED = re.compile(r"落款.{0,4}(哪天|哪一天|什么时候|何时|日期|时间)|(哪天|哪一天|什么时候|何时).{0,2}落款|"
                          r"(标注|注明|写明|所署)的?(日期|时间)|"
                          + "|".join(WRITTEN_DATE_LABELS + PUBLISHED_DATE_LABELS), re.IGNORECASE)
_SIGNED_DATE = re.compile(r"落款|成文|签发|签署")
FULL_DATE = re.compile(r"\d{4}(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2})")
_WHICH = re.compile(r"哪个省|哪一个省|哪省|which province", re.IGNORECASE)
# A title fragment must be this long to name a document: shorter ones (意见, 方案) name a type, not a document.
MIN_TITLE_FRAGMENT = 4
NEAR_TITLE = 0.9  # share of a quoted name's characters a title must hold, in order, to be that document's
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTED_TITLE = re.compile(r"《([^》]+)》")


@dataclass
class QuestionAnalysis:
    original: str
    text: str  # simplified, normalised
    english: bool
    provinces: list[str]  # provinces of the places named, that the corpus covers
    missing_provinces: list[str]  # provinces named that the corpus does not cover
    doc_ids: list[str]  # documents the question names (by title, place, or year and type)
    years: list[int]
    multi: bool  # 哪些省份 / 分别 / compare: answer province by province
    which: bool  # 哪个省: one province expected, to be named in the answer
    places: list[Place] = field(default_factory=list)  # cities and counties named that the corpus covers
    missing_places: list[str] = field(default_factory=list)  # cities and counties the corpus neither issues nor mentions
    unsupported_years: list[int] = field(default_factory=list)
    # Years asked about (到2020年): not a period, nor the year of a document the question names.
    target_years: list[int] = field(default_factory=list)
    scope_names: list[str] = field(default_factory=list)  # the words that only say where to look
    place_names: list[str] = field(default_factory=list)  # those of them that name a place (not a title)
    # Places named that issued no document, only appear in one (惠安县 in 泉州's list of units): what a
    # sentence lists, so they still choose the sentence quoted.
    listed_places: list[str] = field(default_factory=list)
    # A place named may be that of a document whose province could not be read: search those documents too.
    unplaced_too: bool = False
    # A fact of the document itself: "date" (哪天印发), "number" (文号), "issuer", or "page" (索引号: what its web
    # page records).
    asks_fact: str | None = None
    # An English question's phrases, each as the Chinese words a dictionary gives for it (Retriever.analyse).
    translations: list[list[str]] = field(default_factory=list)
    references: list[PartReference] = field(default_factory=list)  # numbered parts named (第五条, 第二章)

    @property
    def asks_issue_date(self) -> bool:
        return self.asks_fact == "date"

    @property
    def asks_signed_date(self) -> bool:
        """The date the document was signed (落款, 成文, 签发), which a page's posting time is not."""
        return self.asks_issue_date and _SIGNED_DATE.search(self.text) is not None

    @property
    def search_text(self) -> str:
        """What the question vector embeds: the question without the places it names, which the scope already
        applies. A place name drew the vector to the clauses that repeat it (the opening, the signature) more
        than to those that answer (held-out dev: right clause answered 0.878 -> 0.887, refusal at 5 % false
        refusals 0.785 -> 0.795). A title's words stay: they often say what is asked (市长质量奖)."""
        text = _without(self.text, self.place_names)
        return text if text.strip(" ，,。？?的") else self.text

    @property
    def topic_text(self) -> str:
        """The question without the words that only name its scope (places, document titles), which would
        otherwise match every clause that repeats the document's name."""
        return _without(self.text, self.scope_names)


def _without(text: str, names: list[str]) -> str:
    """`text` with each of `names` blanked out, longest first (湖南省 before 湖南)."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


class TitleIndex:
    """Normalised titles with an index of their MIN_TITLE_FRAGMENT-character pieces, so a question finds the
    titles it quotes, and whether a piece is shared, without reading every title (thousands of documents)."""

    def __init__(self, documents: list[DocumentMeta]):
        self.titles = {d.doc_id: normalise(d.title) for d in documents}
        self._grams: dict[str, set[str]] = defaultdict(set)
        for doc_id, title in self.titles.items():
            for start in range(len(title) - MIN_TITLE_FRAGMENT + 1):
                self._grams[title[start : start + MIN_TITLE_FRAGMENT]].add(doc_id)

    def quoted_by(self, text: str) -> set[str]:
        """Documents whose title shares at least MIN_TITLE_FRAGMENT consecutive characters with `text`."""
        grams = {text[i : i + MIN_TITLE_FRAGMENT] for i in range(len(text) - MIN_TITLE_FRAGMENT + 1)}
        return set().union(*(self._grams.get(g, set()) for g in grams))

    def holding(self, piece: str) -> set[str]:
        """Documents whose title contains `piece` (at least MIN_TITLE_FRAGMENT characters long)."""
        return {d for d in self._grams.get(piece[:MIN_TITLE_FRAGMENT], ()) if piece in self.titles[d]}

    def nearly_holding(self, name: str) -> bool:
        """Whether a title holds `name` all but a few characters: a document is quoted by a name a word
        shorter or longer than its title (《促进民营经济加快发展若干政策措施》 for …加快发展的若干政策措施)."""
        if self.holding(name):
            return True
        for doc_id in self.quoted_by(name):
            blocks = SequenceMatcher(None, name, self.titles[doc_id], autojunk=False).get_matching_blocks()
            if sum(block.size for block in blocks) >= NEAR_TITLE * len(name):
                return True
        return False


@dataclass(frozen=True)
class CorpusFacts:
    """What question analysis needs to know about the corpus, derived once per index build."""

    documents: list[DocumentMeta]
    years: Mapping[str, set[int]]  # doc_id → years its text mentions
    places: Mapping[str, set[str]]  # doc_id → city and county names its text mentions
    titles: TitleIndex  # of every document of the index; analysis keeps to `documents`
    # Derived from `documents` (again for each restricted view), so a question does not walk the corpus:
    provinces: frozenset[str] = field(init=False)
    by_province: Mapping[str, list[DocumentMeta]] = field(init=False)
    by_year: Mapping[int, list[DocumentMeta]] = field(init=False)  # by the year of the document's date

    def __post_init__(self) -> None:
        by_province: dict[str, list[DocumentMeta]] = defaultdict(list)
        by_year: dict[int, list[DocumentMeta]] = defaultdict(list)
        for meta in self.documents:
            by_province[meta.province].append(meta)
            if meta.date and meta.date[:4].isdigit():
                by_year[int(meta.date[:4])].append(meta)
        object.__setattr__(self, "provinces", frozenset(by_province))
        object.__setattr__(self, "by_province", dict(by_province))
        object.__setattr__(self, "by_year", dict(by_year))

    @cached_property
    def romanised_places(self) -> dict[str, list[Place]]:
        """xiangxi → the documents' place 湘西; made on the first English question (it needs jionlp's pinyin)."""
        return _romanised_places(self.documents)

    def in_provinces(self, provinces: list[str], unplaced_too: bool = False) -> list[DocumentMeta]:
        """Documents of `provinces` (all documents for none), in corpus order. A province without documents of
        its own gets those whose province could not be read, as may any (`unplaced_too`): they may be its."""
        if not provinces:
            return list(self.documents)
        wanted = {p if p in self.by_province else UNKNOWN_PROVINCE for p in provinces}
        if unplaced_too:
            wanted.add(UNKNOWN_PROVINCE)
        if len(wanted) > 1:
            return [d for d in self.documents if d.province in wanted]
        return list(self.by_province.get(wanted.pop(), []))

    @property
    def unplaced(self) -> bool:
        """Whether some document names no province: a question about any place may be about it."""
        return UNKNOWN_PROVINCE in self.by_province


def _romanised_places(documents: list[DocumentMeta]) -> dict[str, list[Place]]:
    """The cities and counties that issued documents, by their pinyin, so English questions reach them."""
    found: dict[str, dict[Place, None]] = defaultdict(dict)
    for meta in documents:
        for place in (Place(meta.province, meta.city, None) if meta.city else None,
                      Place(meta.province, meta.city, meta.county) if meta.county else None):
            for name in romanised(place) if place else ():
                found[name][place] = None
    return {name: list(places) for name, places in found.items()}


def _may_be_of(meta: DocumentMeta, place: Place) -> bool:
    """Whether `meta` may be a document of `place` though its text neither names the place nor says who issued
    it: it is of the place's province and names no city, county or issuer."""
    return meta.province == place.province and not meta.city and not meta.county and not meta.issuer


def _issued_in(meta: DocumentMeta, place: Place) -> bool:
    if place.county:
        return bool(meta.county) and stem(meta.county) == stem(place.county)
    return bool(meta.city) and stem(meta.city) == stem(place.city or "")


def _issued_at_level(meta: DocumentMeta, place: Place) -> bool:
    """Issued by the place itself: a city's document, not one of its counties'."""
    return _issued_in(meta, place) and (bool(place.county) or not meta.county)


def title_fragments(text: str, title: str, shared: Callable[[str], bool] = lambda piece: False) -> list[str]:
    """Maximal pieces of the normalised `title` (≥ MIN_TITLE_FRAGMENT characters) that `text` quotes and that
    `shared` does not find in another document's title: the words that tell this document apart."""
    found: list[str] = []
    start = 0
    while start <= len(title) - MIN_TITLE_FRAGMENT:
        end = start + MIN_TITLE_FRAGMENT
        if title[start:end] not in text:
            start += 1
            continue
        while end < len(title) and title[start : end + 1] in text:
            end += 1
        piece = title[start:end]
        if not shared(piece) and len(_CJK.findall(piece)) >= MIN_TITLE_FRAGMENT:  # words, not a year such as 2025年
            found.append(piece)
        start = end
    return found


def _naming_years(text: str, english_kinds: Callable[[str], set[str]] | None) -> set[int]:
    """The years of the question that name a document (_DOCUMENT_AFTER; for an English question, given
    `english_kinds`, a kind of document in the words after the year: Yunnan's 2016 quality-province opinions)."""
    if english_kinds is not None:
        return {int(m.group(1)) for m in YEAR.finditer(text)
                if english_kinds(" ".join(text[m.end():].split()[:_ENGLISH_WORDS_AFTER]))}
    return {int(m.group(1)) for m in YEAR.finditer(text) if _DOCUMENT_AFTER.match(text, m.end())}


def analyse(question: str, facts: CorpusFacts, english_kinds: Callable[[str], set[str]] | None = None
            ) -> QuestionAnalysis:
    """Read the scope of a question from the corpus metadata. `english_kinds` (crosslingual.Dictionary.kinds) lets
    an English question name a document type ("Yunnan's 2016 opinions" → 意见) as a Chinese one does."""
    text = normalise(question)
    english = is_english(text)
    documents = facts.documents
    # A document whose province could not be read may be of any province the question names.
    covered = facts.provinces | ({*BY_NAME} if facts.unplaced else set())
    named_provinces = find_provinces(text)
    places, missing_places, scope_names, listed_places = [], [], [], []
    english_places = find_romanised(text, facts.romanised_places) if english else []
    unplaced_too = False
    for place in [*find_places(text), *english_places]:
        written = [n for n in (place.name, stem(place.name)) if n in text]
        issued = any(_issued_in(d, place) for d in documents)
        named = any(place.name in facts.places.get(d.doc_id, ()) for d in documents)
        # Else a document of its province that names no city or issuer, or one that names no province, may be it;
        # so may they when a city is asked and only its counties' documents issue or name it (烟台市, with only
        # 莱阳市's rules, which cite 烟台市's).
        own_level = any(_issued_at_level(d, place) for d in documents)
        named_outside = any(place.name in facts.places.get(d.doc_id, ()) and not _issued_in(d, place) for d in documents)
        possible = not own_level and not named_outside and (facts.unplaced or any(_may_be_of(d, place) for d in documents))
        unplaced_too = unplaced_too or (possible and facts.unplaced)
        if place.province in covered and (issued or named or possible):
            places.append(place)
            if written and not issued:
                listed_places.append(written[0])
        else:
            missing_places.append(place.name)
        scope_names.extend(written)
    for place in places:
        if place.province not in named_provinces:
            named_provinces.append(place.province)
    provinces = [p for p in named_provinces if p in covered]
    missing = [p for p in named_provinces if p not in covered]
    # The full name first (湖南省): a bare 省 left behind would join the next word (省到, 省想) as a term.
    scope_names.extend(n for p in named_provinces for n in (BY_NAME[p].full, p) if n in text)
    place_names = list(dict.fromkeys(scope_names))
    references = part_references(text)
    years = sorted({int(y) for y in YEAR.findall(text)})

    in_scope = facts.in_provinces(provinces, unplaced_too)
    issuers = [d for d in in_scope if any(_issued_in(d, p) for p in places)] if places else []
    doc_ids = [d.doc_id for d in issuers]
    in_scope_ids = {d.doc_id for d in in_scope}
    quoted = facts.titles.quoted_by(text) & in_scope_ids
    holders: dict[str, int] = {}  # piece → in-scope titles holding it; pieces repeat across similar titles

    def shared(piece: str) -> bool:  # the piece comes from one title: shared if another holds it too
        if piece not in holders:
            holders[piece] = len(facts.titles.holding(piece) & in_scope_ids)
        return holders[piece] > 1

    dated = {d.doc_id for y in years for d in facts.by_year.get(y, []) if d.doc_id in in_scope_ids}
    kinds_named = english_kinds(text) if english_kinds and dated and english else set()
    placed = set(doc_ids)
    for meta in (d for d in in_scope if d.doc_id in quoted or d.doc_id in dated):
        # Named by its title's words or its year and type, a document of another city or county than those the
        # question names is not meant: 瓯海区2015年政府工作报告 is no 宁波's 2006年政府工作报告.
        if placed and meta.doc_id not in placed and (meta.city or meta.county):
            continue
        fragments = title_fragments(text, facts.titles.titles[meta.doc_id], shared) if meta.doc_id in quoted else []
        typed = bool(meta.doc_type) and (meta.doc_type in text or meta.doc_type in kinds_named)
        if fragments or (typed and meta.doc_id in dated):
            doc_ids.append(meta.doc_id)
            scope_names.extend(fragments)
    doc_ids = list(dict.fromkeys(doc_ids))

    scope = [d for d in in_scope if not doc_ids or d.doc_id in doc_ids]
    known_years = set().union(*(facts.years.get(d.doc_id, set()) for d in scope)) if scope else set()
    unsupported = [y for y in years if y not in known_years and y > max(known_years, default=0)]
    naming = {int(y) for m in _PERIOD.finditer(text) for y in YEAR.findall(m.group(0))}
    named_by = _naming_years(text, english_kinds if english else None)
    naming.update(year for d in scope if d.date and (year := int(d.date[:4])) in named_by)
    return QuestionAnalysis(
        original=question, text=text, english=english, provinces=provinces, missing_provinces=missing,
        doc_ids=doc_ids, years=years, multi=bool(_MULTI.search(text)) or len(provinces) > 1,
        which=bool(_WHICH.search(text)), places=places, missing_places=missing_places, unplaced_too=unplaced_too,
        unsupported_years=unsupported, target_years=[y for y in years if y not in naming],
        scope_names=list(dict.fromkeys(scope_names)), place_names=place_names, listed_places=listed_places,
        asks_fact=None if _cites_another_document(text, facts.titles, documents) else asked_fact(text),
        references=references,
    )


def _cites_another_document(text: str, titles: TitleIndex, documents: list[DocumentMeta]) -> bool:
    """The question quotes a title no document of the corpus bears (其依据的《质量工作考核办法》文号是多少), names
    one by its issuing body, or by a place no document here was issued at (常山县的办法依据的衢州市实施意见, where
    only a county of 衢州 issued one): the 文号 or date it asks is that cited document's, to be found in the text,
    not the fact of a document here."""
    named = _QUOTED_TITLE.findall(text) + [m.group(1) for m in _ORGAN_TITLE.finditer(text)]
    if any(len(title) >= MIN_TITLE_FRAGMENT and not titles.nearly_holding(title) for title in named):
        return True
    for match in _PLACE_TITLE.finditer(text):
        place = next(iter(find_places(match.group(1))), None)
        if place and not any(_issued_at_level(d, place) for d in documents):
            return True
    return False


# After a word of citing, a title cited without 《》 (编制依据里，生态环境部关于重点行业应急减排措施技术指南的函; the
# kind may be quoted: 国务院关于…的《决定》), by its issuing body (the suffixes of Chinese public bodies right before
# 关于), or by its place (依据的衢州市实施意见: a city, county or district, a few words, a kind of document). Without
# such a word, a title so named is the document asked about, whatever title its metadata settled on.
_CITING = r"(?:依据|根据|贯彻|落实|按照|依照|参照|对接|引用)"
_ORGAN_TITLE = re.compile(rf"{_CITING}[^。？?]*?"
                          rf"([\u4e00-\u9fff]{{1,16}}?(?:部|厅|局|委|委员会|政府|办公厅|办公室|院|署)关于[^，,。？?《》]{{2,60}}?的"
                          rf"《?(?:{'|'.join(DOC_TYPES)})》?)")
_PLACE_TITLE = re.compile(rf"{_CITING}的?([\u4e00-\u9fff]{{1,8}}?[市县区州盟旗][^，,。？?《》]{{0,12}}?(?:{'|'.join(DOC_TYPES)}))")


# What a government site records of a document (索引号, 主题分类, 有效性, 信息来源…, the labels of any site); a bare
# 来源 is an everyday word (资金来源), so only as 来源单位 or 来源网站; so are 有效性 and 时效性 (提高监管的有效性), so
# only beside words for the page (网站上标注的有效性).
_EVERYDAY_LABELS = ("来源", "有效性", "时效性")
_ASKS_PAGE = re.compile("|".join(sorted((label for label in PAGE_FACT_LABELS if label not in _EVERYDAY_LABELS),
                                        key=len, reverse=True))
                        + r"|来源(?:单位|机构|网站)|废止|\bweb ?page\b|\bwebsite\b", re.IGNORECASE)
_PAGE_WORDS = re.compile(r"网页|网站|页面|信息公开|标注", re.IGNORECASE)
_ON_THE_SITE = re.compile(r"网页|网站|页面|平台|门户|政府网|网上|\bweb ?page\b|\bwebsite\b|\bonline\b|\bportal\b|\bplatform\b",
                          re.IGNORECASE)


def _posting_asked(text: str) -> bool:
    """网站上的发布时间 / when was it published on the website: when the site posted the document, which the page's
    lines print, not the date the document bears (落款, 成文)."""
    asks_date = _ISSUE_DATE.search(text) or _ASKS_SIGNED.search(text)
    return bool(asks_date and _ON_THE_SITE.search(text)) and not _SIGNED_DATE.search(text)


def _date_row(labels: tuple[str, ...] | list[str]) -> re.Pattern:
    """A row printing a year-led date under one of `labels`, read without spaces (发布日期：2021年12月10日)."""
    return re.compile(rf"(?:{'|'.join(labels)})[:：]?(?:19|20)\d{{2}}")


# A row printing when the site posted a document, read without spaces; a site's table often stays in the
# document's opening, since it also prints the 文号 and 成文日期.
POSTED_ROW = _date_row(PUBLISHED_DATE_LABELS + PAGE_TIME_LABELS)
_DATE_ROW_LABELS = WRITTEN_DATE_LABELS + PUBLISHED_DATE_LABELS + PAGE_TIME_LABELS


def named_date_row(text: str) -> re.Pattern | None:
    """A row printing a date under the label the question names (网站上的发文时间 → 发文时间：2016-07-04), read without
    spaces: asked by its label, the page's row answers, whichever kind of date the label is."""
    named = [label for label in _DATE_ROW_LABELS if label in text]
    return _date_row(named) if named else None


def page_labels_asked(text: str) -> list[str]:
    """The page labels a question asks about, as a page prints them (来源单位 → 来源); "" for the page at large."""
    labels = [re.sub(r"(?:单位|机构|网站)$", "", m.group()) if not m.group().isascii() else ""
              for m in _ASKS_PAGE.finditer(text)]
    if _PAGE_WORDS.search(text):
        labels += [label for label in _EVERYDAY_LABELS[1:] if label in text]
    return labels + [""] * _posting_asked(text)


def asked_fact(text: str) -> str | None:
    """Which fact of the document itself the question asks for, if any (文号, issuer, issue date, or what its web
    page records: "page")."""
    if ASKS_NUMBER.search(text):
        return "number"
    if _posting_asked(text):
        return "page"
    if _ISSUE_DATE.search(text) or _ASKS_SIGNED.search(text):
        return "date"
    if _ASKS_ISSUER.search(text):
        return "issuer"
    if page_labels_asked(text):
        return "page"
    return None
