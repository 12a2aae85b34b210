"""Document metadata read from the text (title, issuer, 文号, date, place, type); the manifest overrides it.

Places come from jionlp's dictionary of administrative divisions (扬州市 → 江苏), Chinese numerals from cn2an,
script from opencc (assistant.text): the only word lists here are general ones (all document types, all
organ-name endings). Which date counts, in order: the 成文日期 row, the signature date (or a dating note such as
（2023年3月10日…通过）), the 发布日期 row of a metadata table or a date alone above the body, then a web page's
posting time (a date on a line with a visit counter, a font switch, 来源 or a 发布时间 label), which says when the
page went up, not when the document was written, and is ignored when it contradicts the year of the 文号; last,
the 文号's year alone.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..models import DocumentMeta
from ..places import Place, load_jionlp, place_mentions
from ..provinces import PROVINCES, province_named
from ..text import normalise, open_titles, to_simplified
from .cleaning import (BULLET, CLOCK_LABELS, ISSUER_LABELS, NUMBER_LABELS, PAGE_TIME_LABELS, PUBLISHED_DATE_LABELS,
                       SOURCE_LABELS, TITLE_LABELS, WRITTEN_DATE_LABELS, CleanedText, MetaRow)

# General: the 15 kinds of 党政机关公文 (决议…纪要) plus the names normative documents carry (规划, 方案, 办法, 预案…).
DOC_TYPES = ("决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案",
             "函", "纪要", "规划", "纲要", "方案", "计划", "办法", "规定", "细则", "措施", "条例", "规则", "规程",
             "要点", "预案", "指南", "指引", "守则", "制度", "章程", "清单", "目录", "名单", "公约", "标准", "规范", "导则",
             "公示", "倡议书", "倡议", "公开信", "说明", "解读", "问答", "安排", "行动", "若干政策")
# General: how the names of Chinese public bodies end (人民政府, 办公厅, 委员会, 局, 厅…).
_ORGAN_END = re.compile(r"(人民政府|政府|办公厅|办公室|委员会|管委会|领导小组|局|厅|委|部|署|院|办|中心|会|所|处|站|"
                        r"科|室|组|队|公司|集团|学校|大学|学院)$")
_GOVERNMENT_FIRST = re.compile(r"[\u4e00-\u9fff]{2,12}?人民政府(?:办公厅|办公室)?")
_CONJUNCTION_FIRST = re.compile(r"[和与及并暨或]")
_SENTENCE_PUNCT = re.compile(r"[，,。；;！？!?：:“”\"《》]")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|"
                        r"第[一二三四五六七八九十百]+[章节条部分])")
_TRAILING_NOTE = re.compile(r"\s*[（(][^（）()]*[)）]$")
_HEAD_LINES = 25
UNKNOWN_PROVINCE = "未知"  # the province of a document whose text names none
_PAGE_NOTE = re.compile(r"\s*[（(](?:全文|附全文|原文|图解|文字版|图文|附件|含附件|附解读)[)）]")  # general page notes

_YEAR_CN = "〇○◯零OoＯО0一二三四五六七八九"  # the zero is printed in many look-alikes: 二OO二, 二○一○
DATE = re.compile(
    r"(?<!\d)(?P<y>(?:1[89]|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|\s*(?P<sep>[-/.－／—–])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})(?!\d))"
    rf"|(?P<cy>[{_YEAR_CN}]{{4}})\s*年\s*(?P<cm>[一二三四五六七八九十]{{1,2}})\s*月\s*(?P<cd>[一二三四五六七八九十]{{1,3}})\s*日")
# A 文号 (鲁政字〔2022〕225号), or the number a government order or a standing committee's announcement carries
# (长春市人民政府令第77号, 某省人民代表大会常务委员会公告第50号): regulations are published under the latter.
_ORDER_NUMBER = r"[\u4e00-\u9fff()（）]{2,24}?(?:令|公告)\s*[（(]?\s*第\s*\d{1,5}\s*号\s*[)）]?"
DOC_NUMBER = re.compile(r"(?:[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*[\u4e00-\u9fff]{0,3}\s*"
                        rf"\d{{1,5}}\s*号|{_ORDER_NUMBER})")
_FILE_EXTENSION = re.compile(r"\.(?:docx?|wps|pdf|ofd|xlsx?|txt)\s*$", re.IGNORECASE)
_ORDER_LINE = re.compile(r"[\u4e00-\u9fff()（）]{0,24}(?:令|公告)")  # an order's number printed on the next line
_ORDER_COUNT = re.compile(r"[（(]?\s*第\s*\d{1,5}\s*号\s*[)）]?")
_NUMBERED_PART = re.compile(r"第[一二三四五六七八九十百零〇\d]+[编章节条]")
_NUMBER_BEFORE_TITLE = re.compile(r"[（(]?\s*(?:" + DOC_NUMBER.pattern + r")\s*[)）]?\s*(?=《|[\u4e00-\u9fff]{0,20}关于)")
_SIGNATURE_TAIL = re.compile(r"[)）]?\s*(?:印发|发布|公布)?\s*(?:[（(][^（）()]{1,20}[)）])?")
_DATING_NOTE = re.compile(r"[（(][^（）()]*[)）]")  # （2023年3月10日省人民政府第5次常务会议通过）
# Where a work report or speech was given, after its date (——2020年1月3日在某区第十六届人民代表大会第四次会议上),
# maybe wrapped before 第…次会议上.
_DELIVERY_TAIL = re.compile(r"\s*在[\u4e00-\u9fff\d]{2,40}(?:会议|大会|会)上?(?:的(?:讲话|报告|发言))?\s*")
_SEAL = re.compile(r"\s*[（(](?:盖章|印章|代章|章|印|公章|签章)[)）]\s*$")  # where the seal goes: （盖章）
_CLOSING = re.compile(r"^(?:特此|专此|此|现予|现将)")  # 特此通知, 此函: closing formulae, not titles

DateSource = Literal["written", "signature", "published", "page", "number"]


@dataclass(frozen=True)
class ExtractedMeta:
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    doc_type: str | None = None
    date: str | None = None
    date_source: DateSource | None = None
    place: Place | None = None


@dataclass(frozen=True)
class _Line:
    """A line as printed (`orig`) and as the patterns read it (`simp`: simplified, half-width digits)."""

    orig: str
    simp: str

    @classmethod
    def of(cls, text: str) -> _Line:
        text = re.sub(r"\s+", " ", BULLET.sub("", text)).strip()  # a bulleted list's mark is no part of a title
        if re.fullmatch(r"(?:\S )+\S", text):  # letter-spaced, as in 泉 州 市 人 民 政 府
            text = text.replace(" ", "")
        return cls(text, normalise(text))

    def cut(self, start: int, end: int) -> str:
        """The printed characters of a span found in `simp` (script conversion rarely changes lengths)."""
        return (self.orig if len(self.orig) == len(self.simp) else self.simp)[start:end].strip()


# -- dates ----------------------------------------------------------------------------------------------------
def _cn_number(text: str) -> int:
    import cn2an

    return int(cn2an.cn2an(text, "smart"))


def _iso(match: re.Match[str]) -> str | None:
    try:
        if match.group("cy"):
            year = _cn_number(re.sub(r"[○◯零OoＯО0]", "〇", match.group("cy")))
            month, day = _cn_number(match.group("cm")), _cn_number(match.group("cd"))
        else:
            year = int(match.group("y"))
            month, day = int(match.group("m") or match.group("m2")), int(match.group("d") or match.group("d2"))
        return datetime.date(year, month, day).isoformat()
    except ValueError:  # 2023年2月30日, or numerals cn2an cannot read
        return None


def parse_date(text: str) -> str | None:
    """The first valid date in `text`, as YYYY-MM-DD: 2023年3月10日, 2023-10-13, 2024/3/11, 二〇一七年三月十日."""
    for match in DATE.finditer(normalise(text)):
        if iso := _iso(match):
            return iso
    return None


def dates_in(text: str) -> set[str]:
    """Every valid date in `text`, as YYYY-MM-DD, whatever its notation."""
    return {iso for match in DATE.finditer(normalise(text)) if (iso := _iso(match))}


def number_key(text: str) -> str:
    """A 文号 as compared: simplified, no spaces, every bracket pair as 〔〕 (许政[2017]16号 = 许政〔2017〕16号)."""
    return re.sub(r"[\[［(（【]", "〔", re.sub(r"[\]］)）】]", "〕", re.sub(r"\s+", "", normalise(text))))


@dataclass(frozen=True)
class _Dating:
    signed: str | None = None  # the signature date, or a dating note's
    signers: str | None = None  # the organs signing, one per line above the date or before it on its line
    head: str | None = None  # a date alone above the body: the page's or the header's


def _dating(lines: list[_Line]) -> _Dating:
    """The first line that is only a date written with 年月日 (as official documents print it; a bare
    2023-10-30 is a web page's), maybe after the organ's name, or a bracketed dating note such as
    （2023年3月10日省人民政府第5次常务会议通过）. A lone date above the first sentence is not a signature."""
    after_body, head = False, None
    for i, line in enumerate(lines):
        after_body = after_body or (i > 0 and ("。" in lines[i - 1].simp or len(lines[i - 1].simp) > 60))
        match = DATE.search(line.simp)
        if not match or "年" not in match.group() or not (iso := _iso(match)):
            continue
        # The bracket holding the date, after any other ((北京市)某区政府工作报告(2025年1月7日)).
        note = next((n for n in _DATING_NOTE.finditer(line.simp) if n.start() <= match.start() < n.end()), None)
        if note and note.end() == len(line.simp):
            return _Dating(iso, None, head)  # a dating note, alone or after a title
        prefix = line.simp[: match.start()].rstrip(" （(")
        if not prefix.strip("—－- ") and _DELIVERY_TAIL.fullmatch(line.simp[match.end():]):
            return _Dating(iso, None, head)  # a report's or speech's delivery note: the day it was given
        if DOC_NUMBER.fullmatch(prefix.strip()) and not line.simp[match.end():].strip():
            return _Dating(iso, None, head)  # a gazette's header line: the 文号, then the day it was issued
        if not _SIGNATURE_TAIL.fullmatch(line.simp[match.end():]) or (prefix and not _is_organ(prefix)):
            continue
        if prefix:
            return _Dating(iso, _organs(line.cut(0, len(prefix))), head)
        if not after_body:
            head = head or iso
            continue
        above = i - 1 if i and _SEAL.fullmatch(lines[i - 1].simp) else i  # （盖章） between organ and date
        signers = []  # joint documents are signed by several organs, one per line
        while above - len(signers) > 0 and len(signers) < 4 and _is_organ(lines[above - len(signers) - 1].simp):
            signers.insert(0, _organs(lines[above - len(signers) - 1].orig))
        return _Dating(iso, "、".join(signers) or None, head)
    return _Dating(head=head)


# -- titles, types, numbers, organs -------------------------------------------------------------------------
def title_type(title: str) -> str | None:
    """The document type a title ends with (通知, 实施意见 → 意见, …（试行） → its type), or None."""
    core = normalise(title)
    while (stripped := _TRAILING_NOTE.sub("", core)) != core:
        core = stripped
    return next((kind for kind in DOC_TYPES if core.endswith(kind)), None)


# An issue of a periodical (某市人民政府公报(2019年第3、4期)): the gazette a page reprints the document from.
_PERIODICAL_ISSUE = re.compile(r"第[\d、,，一二三四五六七八九十〇]+期[)）]?$")


def _is_title(simp: str) -> bool:
    if not 5 <= len(simp) <= 120 or _NUMBERING.match(simp) or _CLOSING.match(simp) or simp.startswith("附"):
        return False
    if _PERIODICAL_ISSUE.search(simp):
        return False
    if re.search(r"[。；;！？!?]|[：:，,]$", simp) or re.search(r"[：:]", re.sub(r"《[^》]*》", "", simp)):
        return False  # a sentence, or a label: value line
    if re.search(r"[，,]", simp) and not _is_formal(simp):
        return False  # a comma belongs to a sentence, unless the line has a title's shape (…关于…)
    return title_type(simp) is not None


def _is_formal(title: str) -> bool:
    """A title that names its subject (关于…, 印发《…》) or starts with the issuing place."""
    return bool(re.search(r"关于|印发|转发|批转|《", title)) or locate(title) is not None


def _organs(printed: str) -> str:
    """Organ names printed side by side (中共某市委  某市人民政府) joined with 、; one name spaced out stays one;
    a seal note （代章） goes."""
    printed = _SEAL.sub("", printed)
    parts = printed.split()
    if len(parts) > 1 and all(_is_organ(normalise(part)) for part in parts):
        return "、".join(parts)
    return printed.replace(" ", "")


def _is_organ(simp: str) -> bool:
    compact = _SEAL.sub("", simp.replace(" ", ""))
    return (2 <= len(compact) <= 40 and not _SENTENCE_PUNCT.search(compact) and bool(_ORGAN_END.search(compact))
            and not DATE.search(compact) and not compact.startswith(("—", "－", "-"))  # no dated note
            and not _NUMBERED_PART.match(compact))  # 第二章自治机关、人民法院和人民检察院 heads a chapter


def _title_candidates(lines: list[_Line]) -> list[str]:
    """Title lines of the opening, in order; an organ line above a 关于… line, or a title broken over two
    lines (after 关于, or before a type-only end such as 管理办法), is joined to it."""
    found = []
    for i, line in enumerate(lines):
        below = lines[i + 1] if i + 1 < len(lines) else None
        after = lines[i + 2] if i + 2 < len(lines) else None
        part = _title_part(line)
        if wrapped := _wrapped_title(lines[i:i + 3]):
            found.append(wrapped)
        elif (below and "关于" in line.simp and open_titles(line.simp) == 0 and (rest := _wrapped_title(lines[i + 1:i + 4]))
              and _is_title(normalise(line.orig + rest))):
            found.append(line.orig + rest)  # 某区人民政府办公室关于修订 / 《某区突发地质灾害 / 应急预案》的通知
        elif below and below.simp.startswith("关于") and _is_organ(line.simp) and _is_title(below.simp):
            found.append(line.orig.replace(" ", "") + below.orig + (after.orig if _goes_on(below, after) else ""))
        elif (below and after and below.simp.startswith("关于") and _is_organ(line.simp)
              and _is_title(below.simp + after.simp)):
            found.append(line.orig.replace(" ", "") + below.orig + after.orig)  # 某市人民政府 / 关于印发…的 / 通知
        elif (below and "关于" in line.simp and ((not _is_title(line.simp) and part is None) or _goes_on(line, below))
              and _is_title(line.simp + below.simp)):
            found.append(line.orig + below.orig)
        elif (below and part is None and not _is_title(line.simp) and not _SENTENCE_PUNCT.search(line.simp)
              and (tail := _title_part(below)) and not _is_formal(tail) and _is_formal(joined := line.simp + tail)
              and _is_title(joined)):
            found.append(line.orig + tail)  # 某省财政农业保险保费补贴 / 管理实施办法: the wrapped end alone names nothing
        if part:
            found.append(part)
    return found


def _wrapped_title(lines: list[_Line]) -> str | None:
    """A title whose 《 opens on the first line and closes one or two lines below (…关于印发《2023年 / 省〈政府工作
    报告〉任务分解 / 和责任分工方案》的通知)."""
    if not lines or open_titles(lines[0].simp) <= 0:
        return None
    for end in range(2, len(lines) + 1):
        simp = "".join(line.simp for line in lines[:end])
        if open_titles(simp) == 0:
            return "".join(line.orig for line in lines[:end]) if _is_title(simp) else None
    return None


def _goes_on(line: _Line, below: _Line | None) -> bool:
    """Whether a title that seemed complete goes on on the next line: …三年行动计划 / (2023—2025年)的通知, or a
    covering notice's title (关于印发…, always …的通知) broken after a type word: …三年行动 / 计划(2023-2025年)的通知."""
    if below is None or not _is_title(line.simp + below.simp):
        return False
    notice = re.search(r"印发|转发", line.simp) is not None and title_type(line.simp) != "通知"
    return re.match(r"[（(的]", below.simp) is not None or (notice and title_type(below.simp) == "通知")


def _title_part(line: _Line) -> str | None:
    """The title a line holds: all of it, or inside 《》, or before a page-title suffix (…的通知_某某政府网),
    without a leading tag (【政策文件】…). A line opening with a conjunction (和责任分工方案) ends a title wrapped
    from the line above: no title starts so."""
    if _CONJUNCTION_FIRST.match(line.simp):
        return None
    start = tag.end() if (tag := re.match(r"[【\[][^】\]]{1,10}[】\]]\s*", line.simp)) else 0
    end = len(line.simp)
    if (suffix := re.search(r"\s*(?:_|｜|\||\s-\s|\s—\s)", line.simp[start:])) and suffix.start():
        end = start + suffix.start()
    if extension := _FILE_EXTENSION.search(line.simp, start, end):  # an attachment's file name: 关于…的实施方案.docx
        end = extension.start()
    # 扬府发〔2023〕141号《…》, 梁政发【2023】7号关于…, 某政办规[2023]4号 某市人民政府办公厅关于…: a site's heading
    # puts the 文号 first
    if number := _NUMBER_BEFORE_TITLE.match(line.simp, start, end):
        start = number.end()
    # 《…方案》 alone, maybe with a note on its state: 《…工作方案》(草案)
    if (quoted := re.fullmatch(r"《([^《》]+)》(\s*[（(][^（）()]{1,6}[)）])?", line.simp[start:end])) \
            and title_type(quoted.group(1)):
        start, end = start + 1, start + 1 + len(quoted.group(1))
    return line.cut(start, end) if _is_title(line.simp[start:end]) else None


# How a covering notice issues a document, or a standing committee's or government's 公告 promulgates one.
_ISSUES = re.compile(r"印发|现予公布|予以公布|现予发布|予以发布")


def _issued_document(lines: list[_Line]) -> str | None:
    """The document a covering notice issues (《…》已经…同意，现印发给你们) or a 公告 promulgates (《…条例》已由…通过，
    现予公布)."""
    for line in lines:
        for sentence in re.finditer(r"[^。]+", line.simp):
            text = sentence.group()
            # 印发 inside a quoted title (贯彻《…印发〈…〉的通知》精神) is what the cited document did
            unquoted = re.sub(r"《[^《》]*》", lambda q: "　" * len(q.group()), text)
            if not (issues := _ISSUES.search(unquoted)) or "转发" in text:
                continue
            # The document issued is the one quoted last before 印发 (现将《…》印发), else first after it (印发《…》):
            # not another one the sentence cites (贯彻《政府工作报告》…，现将《…任务分解表》印发给你们).
            issued_at = issues.start()
            quotes = list(re.finditer(r"《([^《》]{4,80})》", text))
            before = [q for q in quotes if q.end() <= issued_at]
            quoted = before[-1] if before else next(iter(quotes), None)
            if quoted and title_type(quoted.group(1)):
                return line.cut(sentence.start() + quoted.start(1), sentence.start() + quoted.end(1))
    return None


def detect_title(lines: list[_Line], rows: list[MetaRow]) -> str | None:
    """A 标题 row, else the first title line (a formal one before a site's section heading), else the document
    a covering notice issues; then the longest title line ending with it, because a site's heading often drops
    the issuer (关于… vs 某市人民政府关于…)."""
    candidates = _title_candidates(lines[:_HEAD_LINES])
    first = next((c for c in candidates if _is_formal(c)), candidates[0] if candidates else None)
    title = next((_without_number(row.value) for row in rows if row.label in TITLE_LABELS and row.value), None)
    if first and title_type(first) == "公告":  # a promulgation's title is the regulation's, when it names one
        first = _issued_document(lines[:_HEAD_LINES]) or first
    title = title or first or _issued_document(lines[:_HEAD_LINES]) or _question_heading(lines[:_HEAD_LINES])
    if title is None:
        return None
    key = _compact(title)
    # An issuer before it (某市人民政府关于…), not a site's words parted by spaces (EHS中国 法规首页 某市消防条例).
    return max((c for c in candidates if _compact(c).endswith(key)
                and not re.search(r"\S\s+\S", _before_last(c, len(key)).strip())), key=len, default=title)


def _without_number(title: str) -> str:
    """A title row's value without the 文号 a site puts first (某政发〔2010〕22号 某市人民政府关于…)."""
    number = _NUMBER_BEFORE_TITLE.match(normalise(title))
    return title[number.end():].strip() if number and len(normalise(title)) == len(title) else title


def _before_last(text: str, count: int) -> str:
    """`text` without its last `count` characters that count in _compact (spaces and quote marks do not)."""
    end = len(text)
    while end > 0 and count > 0:
        end -= 1
        count -= bool(_compact(text[end]))
    return text[:end]


_QUESTION_HEADING = re.compile(r"[^。；;!！]{6,60}[?？]")


def _question_heading(lines: list[_Line]) -> str | None:
    """A service guide or policy Q&A page headed by its question (…补贴如何办理？), before its first sentence."""
    for line in lines:
        if _QUESTION_HEADING.fullmatch(line.simp.strip()):
            return line.orig.strip()
        if "。" in line.simp:
            return None
    return None


def _compact(text: str) -> str:
    """For comparing two printings of a title: no spaces or quote marks."""
    return re.sub(r"[\s\"'“”‘’]+", "", normalise(text))


def _doc_number_in(line: _Line) -> str | None:
    match = DOC_NUMBER.search(line.simp)
    return line.cut(match.start(), match.end()).replace(" ", "") if match else None


_ISSUE_DAY = re.compile(rf"\s+(?:{DATE.pattern})\s*")  # a full date after a 文号 on its line


def detect_doc_number(lines: list[_Line], rows: list[MetaRow], title: str | None) -> str | None:
    """A 文号 row, a line that is only a 文号 (maybe in brackets, or with the day it was issued after it, as a
    gazette prints its header: 某政发〔2013〕99号  2013年4月25日) or puts it before a title, or one in brackets
    closing a heading line (the title, or a page's heading that is none: 2021年重点工作任务（华政发〔2021〕2号）). 文号
    inside sentences are other documents' (根据…（国发〔2012〕9号）)."""
    for row in rows:
        if row.label in NUMBER_LABELS and (number := _doc_number_in(_Line.of(row.value))):
            return number
    head = lines[:_HEAD_LINES]
    for line, below in zip(head, [*head[1:], None]):
        if below and _ORDER_LINE.fullmatch(line.simp) and _ORDER_COUNT.fullmatch(below.simp):  # 某市人民政府令 / 第77号
            return (line.orig + below.orig).replace(" ", "")
        if (lead := _NUMBER_BEFORE_TITLE.match(line.simp)) and (number := DOC_NUMBER.search(line.simp, 0, lead.end())):
            return line.cut(number.start(), number.end()).replace(" ", "")  # a site's heading: 梁政发【2023】7号关于…
        match = DOC_NUMBER.search(line.simp)
        if match and _collapsed_header(line.simp, match):
            return line.cut(match.start(), match.end()).replace(" ", "")
        rest = line.simp[match.end():] if match else ""
        if not match or not (re.fullmatch(r"\s*[)）]?(?:\s*签发人.*)?", rest) or _ISSUE_DAY.fullmatch(rest)):
            continue
        before = line.simp[: match.start()]
        if title and (glued := re.match(re.escape(_compact(title)) + r"\s*", line.simp)) \
                and DOC_NUMBER.fullmatch(line.simp[glued.end():].strip(" )）")):  # 某市…实施意见武政发[2017]52号
            return line.cut(glued.end(), len(line.simp)).strip(" )）").replace(" ", "")
        if re.fullmatch(r"[（(]?\s*", before) or (re.search(r"[（(]\s*$", before)
                                                   and not re.search(r"[。，,；;：:]", before)):
            return line.cut(match.start(), match.end()).replace(" ", "")
    note = _TRAILING_NOTE.search(title or "")
    return _doc_number_in(_Line.of(note.group())) if note else None


def _collapsed_header(simp: str, number: re.Match[str]) -> bool:
    """A page that runs a notice's header into one line: title, 文号, addressees (…实施方案的通知 杭政函〔2016〕190号
    各区、县(市)人民政府,市政府各部门:)."""
    before, after = simp[: number.start()].strip(), simp[number.end():].strip()
    return (_is_title(before) and after.endswith((":", "：")) and not re.search(r"[。；;]", after)
            and (after.startswith("各") or _is_organ(re.split(r"[、，,]", after)[0])))


def _strip_number_note(title: str) -> str:
    """Without a trailing （鲁政字〔2022〕225号）, dating note （2023年3月10日…） or page note （全文）: they are not
    the title."""
    note = _TRAILING_NOTE.search(title)
    found = normalise(note.group()) if note else ""
    if note and (DOC_NUMBER.search(found) or "日" in found and parse_date(found) or _PAGE_NOTE.fullmatch(found)):
        return title[: note.start()].rstrip()
    return title


def _title_organ(title: str | None) -> str | None:
    """The issuer a title starts with: 某市人民政府办公室(关于|转发|批转|印发)…, or a government that names its
    own rules (某县人民政府工作规则)."""
    line = _Line.of(title or "")
    match = re.search(r"关于|转发|批转|印发", line.simp)
    if match and match.start() and _is_organ(line.simp[: match.start()]):
        return line.cut(0, match.start())
    own = _GOVERNMENT_FIRST.match(line.simp)
    return line.cut(0, own.end()) if own and locate(own.group()) else None


def _announcing_organs(lines: list[_Line], title: str | None) -> str | None:
    """The organs a news repost says issued the document: 近日，中共某省委、某省人民政府印发了《<title>》."""
    if not title:
        return None
    quoted = re.compile(rf"([^，,。：:；;]{{2,60}}?)\s*(?:联合)?印发了?《{re.escape(normalise(title))}》")
    for line in lines[:_HEAD_LINES]:
        match = quoted.search(line.simp)
        parts = re.split(r"[、\s]+", line.cut(*match.span(1))) if match else []  # as printed
        if parts and all(_is_organ(normalise(part)) for part in parts):
            return "、".join(parts)
    return None


def _header_organ(lines: list[_Line]) -> str | None:
    """The red header above the body: 某某人民政府文件, or the organ's name on a line of its own."""
    for line in lines[:_HEAD_LINES]:
        if "。" in line.simp or len(line.simp) > 60:
            return None
        name = line.simp.removesuffix("文件")
        if _is_organ(name):
            return line.cut(0, len(name)).replace(" ", "")
    return None


# -- places ---------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _location_parser():
    return load_jionlp().parse_location


_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")


@lru_cache(maxsize=4096)
def locate(name: str) -> Place | None:
    """Province, city and county of a place or organ name (扬州市 → 江苏, 扬州市), from jionlp's dictionary.

    Names of bodies and places start with the place (中共 aside; a title may put its year first: 2020年某区…报告),
    so a match further in is jionlp reading a place into ordinary words (中华人民共和国 → 共和县) and is ignored."""
    name = _LEADING_YEAR.sub("", to_simplified(name).replace(" ", ""))
    result = _location_parser()(name)
    province = province_named(result.get("province") or "")
    found = [result.get(level) for level in ("province", "city", "county") if result.get(level)]
    if province is None or not any(place[:2] in name[:4] for place in found):
        return None
    city = result.get("city")
    same = city and province_named(city) == province  # a municipality (天津市) or 香港: the province is the city
    return Place(province, None if same else city, result.get("county"))


def _addressee(lines: list[_Line]) -> str | None:
    """The 主送 line (各县（市）、区人民政府……：) that opens a document's body."""
    return next((line.simp for line in lines[:_HEAD_LINES] if re.search(r"[：:]$", line.simp)
                 and re.search(r"政府|各|委员会|局|区|县", line.simp)), None)


def _most_named_province(text: str) -> str | None:
    head = normalise(text[:3000])
    counts = {p.name: head.count(p.name) for p in PROVINCES if p.name in head}
    return max(counts, key=lambda name: (counts[name], -head.find(name))) if counts else None


def _most_named_city(text: str, addressee: str | None, speaks_as_city: bool = True) -> Place | None:
    """The prefecture-level place the opening names most often, for a document whose issuer does not say
    where it is but which speaks of itself as a city, county or town (我市, 全县, 我镇…) more than as a province (我省);
    places are the gazetteer's, with or without their suffix (结合宜春实际), the addressees' (subordinate units)
    aside. Without `speaks_as_city`, whatever the document calls itself."""
    head = normalise(text[:1500]).replace(addressee or "\0", "")
    if speaks_as_city and len(re.findall(r"[我全本][市州县盟镇乡]", head)) < max(1, len(re.findall(r"[我全本]省", head))):
        return None
    mentions = [place for place in place_mentions(head) if place.city]
    if not mentions:
        return None
    # The city whose places (itself, its counties and districts) are named most, then its place named more than
    # any other, else the city itself: a plan naming 堆龙德庆区 and 达孜区 as often is 拉萨's, though 老城区 (old
    # town, and a district of 洛阳) comes first.
    city = Counter(place.city for place in mentions).most_common(1)[0][0]
    ranked = Counter(place for place in mentions if place.city == city).most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return Place(ranked[0][0].province, city, None)
    return ranked[0][0]


def _place(names: list[str | None], lines: list[_Line], text: str) -> Place | None:
    """The place of the first of `names` that says where it is (the issuer, the title, then the other organs
    the page names: 来源 华容县政府 for 发布机构 县人民政府办公室); else the province of the addressees or the one
    the text names most, with the city the text names most when it lies in that province."""
    for name in names:
        if name and (place := locate(name)):
            return place
    addressee = _addressee(lines)
    city = _most_named_city(text, addressee)
    if addressee and (place := locate(addressee)):
        province = place.province
    else:
        province = _most_named_province(text) or (city.province if city else None)
    if province is None:
        # Nothing names a province and the text speaks of no city as its own: the province of the places it
        # names (结合淮安实际 → 江苏) is still known, their city may be any it mentions (吉安县 in a province's plan).
        named = _most_named_city(text, addressee, speaks_as_city=False)
        province = named.province if named else None
    if city and city.province == province:
        return city
    return Place(province, None, None) if province else None


# -- everything -----------------------------------------------------------------------------------------------
def _date(rows: list[MetaRow], dating: _Dating, doc_number: str | None) -> tuple[str | None, DateSource | None]:
    """The best-ranked date the text states (see the module docstring)."""
    year = re.search(r"(?:19|20)\d{2}", doc_number or "")
    page = next((d for r in rows if (r.label in PUBLISHED_DATE_LABELS + PAGE_TIME_LABELS or r.page)
                 and r.label not in CLOCK_LABELS and (d := parse_date(r.value))), None)
    ranked: list[tuple[str | None, DateSource]] = [
        (next((d for r in rows if r.label in WRITTEN_DATE_LABELS and (d := parse_date(r.value))), None), "written"),
        (dating.signed, "signature"),
        (next((d for r in rows if r.label in PUBLISHED_DATE_LABELS and not r.page and (d := parse_date(r.value))),
              None), "published"),
        (dating.head, "published"),
        (page if page and (not year or page.startswith(year.group())) else None, "page"),  # else a later repost
        (year.group() if year else None, "number"),
    ]
    return next(((date, source) for date, source in ranked if date), (None, None))


def extract_metadata(cleaned: CleanedText) -> ExtractedMeta:
    """Everything the text itself says about the document; fields it does not state stay None."""
    # Only the opening and short lines (signatures, dates) are read closely: converting script is slow.
    lines = [_Line.of(line) if i < _HEAD_LINES or len(line) <= 120 else _Line(line, line)
             for i, line in enumerate(line for line in cleaned.text.splitlines() if line.strip())]
    rows = cleaned.rows
    title = detect_title(lines, rows)
    doc_number = detect_doc_number(lines, rows, title)
    title = _strip_number_note(title) if title else None
    dating = _dating(lines)
    row_issuers = [row.value.replace(" ", "") for row in rows if row.label in ISSUER_LABELS and row.value]
    # A 来源 value may run on into the posting time (来源:华容县政府   2021-03-23 10:56): its first word is the organ.
    # 本站/本网 (this site) names no one.
    sources = [name for row in rows if row.label in SOURCE_LABELS and row.value
               and _is_organ(name := row.value.split()[0]) and not name.startswith("本")]
    # The document's own statement first (signature, title), then the site's rows and the red header; a name
    # that says where it is beats a shortened one (市政府办公室, 县政府办); the page's 来源 only as a last resort.
    stated = [name for name in [dating.signers, _title_organ(title), *row_issuers, _header_organ(lines),
                                _announcing_organs(lines, title)] if name]
    candidates = ([name for name in stated if locate(name)] + stated
                  + sorted(sources, key=lambda name: locate(name) is None))
    issuer = next(iter(candidates), None)
    date, date_source = _date(rows, dating, doc_number)
    place = _place([issuer, title, *candidates], lines, cleaned.text)
    return ExtractedMeta(title=title, issuer=issuer, doc_number=doc_number, doc_type=title_type(title or ""),
                         date=date, date_source=date_source, place=place)


def content_hash(text: str) -> str:
    """The same for a traditional and a simplified copy, whatever their spacing."""
    return hashlib.sha256(re.sub(r"\s+", "", normalise(text)).encode()).hexdigest()


def _untitled(fields: dict) -> str:
    """A label that cannot pass for an official title: who issued it, its 文号 or date, and 未识别标题."""
    place = (fields.get("province"), fields.get("city"), fields.get("county"))
    who = fields.get("issuer") or "".join(part for part in place if part and part != UNKNOWN_PROVINCE) or "来源不明"
    details = [part for part in (fields.get("doc_number"), fields.get("date")) if part]
    return f"{who}文件（{'，'.join(details + ['未识别标题'])}）"


def document_meta(doc_id: str, path: Path, found: ExtractedMeta, overrides: dict, text_hash: str) -> DocumentMeta:
    """Extracted values, overridden by the manifest entry; what is still missing gets a Chinese warning."""
    fields: dict = {"doc_id": doc_id, "title": found.title, "issuer": found.issuer, "doc_number": found.doc_number,
                    "date": found.date}
    place = found.place
    if overrides.get("issuer") and (named := locate(str(overrides["issuer"]))):
        place = named  # the manifest's issuer says where the document comes from
    if place:
        fields.update(province=place.province, city=place.city, county=place.county)
    fields.update({key: value for key, value in overrides.items() if value is not None and key != "file"})
    if "province" in overrides and place and overrides["province"] != place.province:
        fields.update(city=None, county=None)  # the manifest moved the document: the extracted city is wrong
    fields["date"] = str(fields["date"]) if fields.get("date") else None
    warnings = []
    if not fields.get("province"):
        fields["province"] = UNKNOWN_PROVINCE
        warnings.append("未识别到省份")
    if not fields["date"]:
        warnings.append("未识别到日期")
    elif "date" not in overrides and found.date_source == "page":
        warnings.append("日期取自网页发布时间，文件本身未写明日期")
    elif "date" not in overrides and found.date_source == "number":
        warnings.append("仅从文号得知年份，未识别到具体日期")
    if not fields.get("title"):
        fields["title"] = _untitled(fields)
        warnings.append("未识别到标题")
    else:
        fields.setdefault("doc_type", title_type(fields["title"]))
    if not fields.get("issuer"):
        warnings.append("未识别到发文机关")
    fields.update(source_file=path.name, content_hash=text_hash, warnings=warnings)
    return DocumentMeta(**fields)


def slug(path: Path) -> str:
    """A doc_id for a file the manifest does not list: its stem, lower-case, safe in URLs and clause ids."""
    stem = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff-]+", "-", path.stem).strip("-").lower()
    return stem or "doc"
