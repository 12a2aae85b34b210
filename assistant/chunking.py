"""Split a policy text into clauses: the smallest numbered items, each with its heading path and a stable id.

The headings are 第一章 / 第一节 / 第一条 (the structure of 办法, 规定, 条例 and 规则) above 一、 / （一） / 1. / （1） /
-- bullets. They may start a line or run inline after a sentence
(`（二）… 6. …`); an inline marker only counts when it is the next number expected at its level, so numbers
inside sentences are never taken for headings. Lines broken mid-sentence are joined first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .models import Clause, OutlineKind, OutlineMark

_CN = "一二三四五六七八九十"
_CN_LARGE = "一二三四五六七八九十百零〇"  # article numbers run past ninety-nine: 第一百零五条

CHAPTER, DIVISION, ARTICLE, PART, SECTION, ITEM, SUBITEM, BULLET = range(1, 9)
_KINDS = {0: "preamble", CHAPTER: "chapter", DIVISION: "chapter", ARTICLE: "article", PART: "part",
          SECTION: "section", ITEM: "item", SUBITEM: "subitem", BULLET: "bullet"}
_OUTLINE_KINDS: dict[int, OutlineKind] = {CHAPTER: "chapter", DIVISION: "division", ARTICLE: "article",
                                          PART: "part", SECTION: "section", ITEM: "item", SUBITEM: "subitem",
                                          BULLET: "bullet"}
# Levels whose numbers may run on across their parents: articles across chapters, 一、 across the chapters of a
# 规则, items across sections (6. right after （二）).
_CONTINUED = (ARTICLE, PART, SECTION, ITEM)

# Marker at the start of a paragraph, by level (条 or 條: the chunker reads the printed text).
_START = [
    (CHAPTER, re.compile(rf"^第([{_CN_LARGE}]+|\d{{1,3}})章")),
    (DIVISION, re.compile(rf"^第([{_CN_LARGE}]+|\d{{1,3}})[节節]")),
    (ARTICLE, re.compile(rf"^第([{_CN_LARGE}]+|\d{{1,3}})[条條]")),
    (PART, re.compile(rf"^([{_CN}]+)、")),
    (SECTION, re.compile(rf"^[（(]([{_CN}]+)[）)]")),  # copied pages often print (一) half-width
    # Decimal outlines (应急预案 and technical texts): 1 总则 / 1.1 编制依据 / 1.4.1 突发事件分类; a copied page may
    # drop the space (1总则), but a count is no heading (1个月内, 3号楼).
    (PART, re.compile(r"^(\d{1,2})(?=\s*(?![个项条名家所次年月日天周万亿元千百号倍级类批期人户台辆座处届])[\u4e00-\u9fff]"
                      r"[\u4e00-\u9fff()（）、]{1,15}$)")),
    (SECTION, re.compile(r"^\d{1,2}\.(\d{1,2})(?=\s*[\u4e00-\u9fff])")),
    (ITEM, re.compile(r"^\d{1,2}\.\d{1,2}\.(\d{1,2})(?=\s*[\u4e00-\u9fff])")),
    (ITEM, re.compile(r"^(\d{1,2})[.．、](?=[^\d.．])")),
    (SUBITEM, re.compile(r"^[（(](\d{1,2})[）)]")),
    # A dash before a full date is a speech's or report's delivery note (——2020年1月3日在…会议上), no item.
    (BULLET, re.compile(r"^(?:--|——|－－|—(?=\S))(?![—－\-\s]*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")),
]
# Marker inside a paragraph: after a sentence end, a closing bracket or a space (（一） may follow a title).
_INLINE = re.compile(
    rf"(?:(?<=[。；！？\s])第(?P<article>[{_CN_LARGE}]+|\d{{1,3}})[条條])"
    rf"|(?:(?<=[。；！？）\s])(?P<part>[{_CN}]+)、)"
    rf"|(?:[（(](?P<section>[{_CN}]+)[）)])"
    r"|(?:(?<=[。；！？）\s])(?P<item>\d{1,2})[.．](?=[^\d.．\s]))"
    r"|(?:(?<=[。；！？\s])[（(](?P<subitem>\d{1,2})[）)])"
)
_INLINE_LEVELS = {"article": ARTICLE, "part": PART, "section": SECTION, "item": ITEM, "subitem": SUBITEM}
_TERMINAL = tuple("。！？；：:…”」』》")  # a copied page often has half-width colons
_DUTY_NOTE_END = re.compile(r"（责任单位[^（）]*）$")
_DUTY_NOTE = re.compile(r"（(责任单位[:：][^（）]*)）\s*$", re.MULTILINE)  # ends a paragraph, maybe not the last
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_CLOSING = re.compile(
    r"^(?:\d{4}年\d{1,2}月\d{1,2}日|附件[:：]?.{0,40}|.{2,30}(?:人民政府|办公厅|委员会)(?:\s*\d{4}年\d{1,2}月\d{1,2}日)?)$"
)
_SHORT_LINE = 40
_MIN_WRAP = 20  # no text is wrapped narrower
_METADATA_LINE = re.compile(r"^(?:(发布日期|成文日期|来源|发文字号|索引号|发文机关|主题分类)[:：]|【[^】]{2,8}】)")
_TABLE_ROW = re.compile(r"\|\s*$|^\s*\||\|.*\|")  # cells parted by |, as pages copy a metadata table
_TITLE_LINE = re.compile(r"^.{6,80}(通知|意见|方案|办法|规划|纲要|决定|规定|细则|措施)$")
_SPLIT_BOUND = re.compile(r"\d%?以[上下内]$")  # 94%以 / 上: a bound broken after 以
_DATE_END = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")
_BULLET = re.compile(r"^[•●▪◆■◇□○]\s*")  # a list mark: the line is an item of its own


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十六 → 16, 二十三 → 23, 一百零五 → 105 (cn2an)."""
    import cn2an

    return int(cn2an.cn2an(text, "normal"))


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() else chinese_number(raw)


def _ends_sentence(paragraph: str) -> bool:
    return paragraph.endswith(_TERMINAL) or bool(_DUTY_NOTE_END.search(paragraph))


def _start_marker(paragraph: str) -> tuple[int, re.Match[str]] | None:
    for level, pattern in _START:
        if match := pattern.match(paragraph):
            return level, match
    return None


def without_outline_marks(text: str) -> str:
    """`text` with the outline mark that opens each of its lines (1. / （2） / 1.1) taken out: a clause's own
    number orders it among its siblings, it counts nothing (「1.加快质量法治建设」 states no number)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if (start := _start_marker(stripped)) is not None:
            lines[i] = stripped[start[1].end():]
    return "\n".join(lines)


def _is_heading_only(paragraph: str) -> bool:
    return _start_marker(paragraph) is not None and len(paragraph) < _SHORT_LINE and "。" not in paragraph[:-1]


def join_lines(text: str) -> list[str]:
    """Paragraphs from raw lines: a line continues the previous one when that one stopped mid-sentence."""
    return [paragraph for paragraph, _ in paged_paragraphs(text)]


def paged_paragraphs(text: str) -> list[tuple[str, int]]:
    """Paragraphs with the page each starts on; loaders mark PDF page breaks with a form feed (\\f)."""
    paragraphs: list[tuple[str, int]] = []
    pages = text.replace("\r", "").split("\f")
    full = _full_line(raw.strip() for page_text in pages for raw in page_text.split("\n"))
    last = ""  # the previous line as printed
    for page, page_text in enumerate(pages, start=1):
        for raw in page_text.split("\n"):
            line = raw.strip().strip("\u3000").strip()
            if not line:
                continue
            if paragraphs and _continues(paragraphs[-1][0], last, line, full):
                paragraphs[-1] = (paragraphs[-1][0] + line, paragraphs[-1][1])
            else:
                paragraphs.append((line, page))
            last = line
    return paragraphs


_WRAP_SAMPLE = 8  # lines of text needed to tell how wide a document's lines are
_WRAP_SLACK = 4  # how much shorter than the width a wrapped line may be (punctuation is narrower)


def _full_line(lines: Iterable[str]) -> int:
    """How long a line cut off mid-sentence is: _SHORT_LINE, or less for a text wrapped narrowly (a PDF's page
    width, some 30 characters), where most lines of text are about as long as the widest and none much longer."""
    lengths = sorted(len(line) for line in lines if len(line) >= _MIN_WRAP)
    if len(lengths) < _WRAP_SAMPLE:
        return _SHORT_LINE
    width = lengths[int(0.75 * (len(lengths) - 1))]
    near = sum(width - _WRAP_SLACK <= n <= width + _WRAP_SLACK for n in lengths)
    longer = sum(n > width + 2 * _WRAP_SLACK for n in lengths)
    if width >= _SHORT_LINE or near < 0.6 * len(lengths) or longer > 0.1 * len(lengths):
        return _SHORT_LINE
    return max(_MIN_WRAP, width - _WRAP_SLACK)


def _continues(previous: str, last: str, line: str, full: int = _SHORT_LINE) -> bool:
    """Whether `line` goes on with the paragraph `previous`, whose last line was `last`. Only a long last line
    was cut off by wrapping: a paragraph already joined from several lines says nothing of its last one
    (a title, a meeting line and a speaker's name, each short, stay lines of their own)."""
    if _start_marker(line) or _BULLET.match(line) or _ends_sentence(previous) or _is_heading_only(previous):
        return False
    if _TITLE_LINE.match(previous) or _METADATA_LINE.match(_unbulleted(line)) or \
            _METADATA_LINE.match(_unbulleted(previous)):
        return False
    if _TABLE_ROW.search(previous) or _TABLE_ROW.search(line):  # a copied table's row is a line of its own
        return False
    # A long line cut off mid-sentence, or a number split across lines (`5` / `0%`, `94%以` / `上`); a short line
    # ending with a full date (a signature: 某市人民政府办公室2019年6月27日) is whole.
    return (len(last) >= full or previous[-1].isdigit() or bool(_SPLIT_BOUND.search(previous + line[:1]))
            or not (_is_cjk_start(line) or _DATE_END.search(last)))


def _unbulleted(line: str) -> str:
    return _BULLET.sub("", line)


def _is_cjk_start(line: str) -> bool:
    return "\u4e00" <= line[0] <= "\u9fff" or line[0] in "（《“"


@dataclass
class _Node:
    level: int  # the marker's kind: CHAPTER … BULLET (0 for the root, the opening and the closing)
    number: int
    id_part: str
    label: str  # e.g. 「（三）基本原则」, shown in the heading path
    parent: _Node | None
    marker: str = ""  # 一、 / （三） / 6. / （2） / --, as printed
    page: int = 1
    kind: str = ""
    heading_line: str = ""  # a heading that stood alone, without body text
    body: list[str] = field(default_factory=list)
    children: int = 0
    bullets: int = 0
    last_child_number: dict[int, int] = field(default_factory=dict)
    depth: float = 0.0  # where the kind ranks in this document (_Builder.depth)

    def path(self) -> list[_Node]:
        nodes, node = [], self
        while node is not None and node.level > 0:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]


@dataclass
class ChunkedDocument:
    clauses: list[Clause]
    headings: list[str]  # heading lines that carry no body text of their own (kept in the heading paths)
    dropped_duplicates: list[str]


def _title(rest: str) -> str:
    """A heading's title: its first sentence when short, else its opening words."""
    first = re.split(r"[。；]", rest, maxsplit=1)[0].strip()
    if len(first) <= 30:
        return first
    return first[:24] + "…"


class _Builder:
    def __init__(self, doc_id: str, max_chars: int, paged: bool = False):
        self.doc_id = doc_id
        self.paged = paged
        self.max_chars = max_chars
        self.root = _Node(level=0, number=0, id_part="", label="", parent=None)
        self.nodes: list[_Node] = []
        self.current = self.root
        self.preamble: _Node | None = None
        self.page = 1  # page of the paragraph being fed
        # How the kinds of marker rank, outermost first. A document that heads its chapters 一、总则 and numbers
        # its articles 第一条 under them ranks 一、 above 第X条 (see _rank_parts_above_articles).
        self.depth: dict[int, float] = {kind: float(kind) for kind in _KINDS}

    # -- tree ---------------------------------------------------------------------------------
    def _parent_for(self, level: int) -> _Node:
        node = self.current
        while node.depth >= self.depth[level] and node.level:
            node = node.parent  # type: ignore[assignment]
        return node

    def _rank_parts_above_articles(self) -> None:
        """Called at the first article that starts a line: when 一、 headings came before it (and no 第X章), they
        are the chapters, so 第X条 goes under them, not the other way round."""
        kinds = {node.level for node in self.nodes}
        if PART not in kinds or kinds & {CHAPTER, DIVISION, ARTICLE}:
            return
        self.depth[PART] = (self.depth[DIVISION] + self.depth[ARTICLE]) / 2
        for node in self.nodes:
            if node.level == PART:
                node.depth = self.depth[PART]

    def _expected(self, level: int) -> set[int]:
        """Numbers that may come next at `level`: the next sibling's, or 1 under a new parent; at the levels that
        may keep counting across their parents (_CONTINUED), the next after the last one anywhere too."""
        parent = self._parent_for(level)
        last = parent.last_child_number.get(level, 0)
        expected = {last + 1}
        if level in _CONTINUED:
            expected.add(self._last_number_anywhere(level) + 1)
        return expected

    def _last_number_anywhere(self, level: int) -> int:
        for node in reversed(self.nodes):
            if node.level == level:
                return node.number
        return 0

    def open(self, level: int, number: int, marker: str, rest: str, paragraph: str) -> None:
        parent = self._parent_for(level)
        parent.children += 1
        if level == BULLET:
            parent.bullets += 1
            number = parent.bullets  # bullets are unnumbered in print: counted under their parent
            id_part = f"b{number}"
        else:
            parent.last_child_number[level] = number
            id_part = str(number)
        # 第一章 总则, 1.1 编制依据: as printed
        spaced = " " if (level in (CHAPTER, DIVISION, ARTICLE) or marker[-1:].isdigit()) and rest else ""
        node = _Node(level=level, number=number, id_part=id_part, label=f"{marker}{spaced}{_title(rest)}",
                     parent=parent, marker=marker, page=self.page, depth=self.depth[level])
        # An article has no heading: a short first line (「第四条 省人民政府……负责全省的渔业管理工作。」) is its first
        # sentence, kept in its text. A short （一）…。 line may head numbered items of its own (青海: （一）深入实施
        # “三大战略”。 over 1. 2. 3.).
        if level not in (BULLET, ARTICLE) and "。" not in rest.rstrip("。") and len(paragraph) < _SHORT_LINE:
            node.heading_line = paragraph
        else:
            node.body.append(paragraph)
        self.nodes.append(node)
        self.current = node

    def add_text(self, paragraph: str) -> None:
        """Plain text belongs to the innermost numbered heading; text after bullets returns to their parent."""
        node = self.current
        while node.level == BULLET:
            node = node.parent  # type: ignore[assignment]
        if node is self.root:
            if self.preamble is None:
                self.preamble = _Node(level=0, number=0, id_part="0", label="前言", parent=None, page=self.page)
            self.preamble.body.append(paragraph)
            return
        self.current = node
        node.body.append(paragraph)

    # -- paragraphs ---------------------------------------------------------------------------
    def feed(self, paragraph: str) -> None:
        start = _start_marker(paragraph)
        if start is not None and start[0] == BULLET:
            self.open(BULLET, 0, "--", paragraph[start[1].end() :].strip(), paragraph)
            return
        if start is not None and self._plausible_start(start):
            level, match = start
            if level == ARTICLE:
                self._rank_parts_above_articles()
            self._feed_inline(paragraph, (level, _number(match.group(1)), match.group(0)))
        else:
            self._feed_inline(paragraph, None)

    def _plausible_start(self, start: tuple[int, re.Match[str]]) -> bool:
        level, match = start
        number = _number(match.group(1))
        if "." in match.group(0) and number > 1:
            # 1.2 goes on a decimal outline; after （四） a line 「2.5亿元用于……」 is text, not a fifth section.
            previous = next((node for node in reversed(self.nodes) if node.level == level), None)
            return previous is not None and "." in previous.marker and previous.number + 1 == number
        # A heading at the start of a line is trusted unless it jumps far ahead of the numbering; a page copied
        # from the middle of a document (（上接第四版）…) may start at 第四节, a heading line of its own.
        first_of_level = level in (CHAPTER, DIVISION) and not any(node.level == level for node in self.nodes)
        return (number == 1 or number <= max(self._expected(level)) + 1
                or (first_of_level and _is_heading_only(match.string)))

    def _feed_inline(self, paragraph: str, start: tuple[int, int, str] | None) -> None:
        """Cut `paragraph` at every heading marker that is next in sequence, and feed the pieces."""
        pieces: list[tuple[int, int, str, int]] = []  # (level, number, marker, position)
        snapshot = self._snapshot()
        position = 0
        if start is not None:
            pieces.append((*start, 0))
            self.open(start[0], start[1], start[2], "", "")
            position = len(start[2])
        while True:
            found = None
            for match in _INLINE.finditer(paragraph, position):
                name = next(key for key, value in match.groupdict().items() if value)
                level = _INLINE_LEVELS[name]
                number = _number(match.group(name))
                if number in self._expected(level):
                    found = (level, number, match)
                    break
            if found is None:
                break
            level, number, match = found
            pieces.append((level, number, match.group(0), match.start()))
            # Pretend the heading is open so the next marker is checked against the right numbering.
            self.open(level, number, match.group(0), "", "")
            position = match.end()
        self._restore(snapshot)

        if not pieces:
            self.add_text(paragraph)
            return
        if pieces[0][3] > 0:
            self.add_text(paragraph[: pieces[0][3]].strip())
        for index, (level, number, marker, begin) in enumerate(pieces):
            end = pieces[index + 1][3] if index + 1 < len(pieces) else len(paragraph)
            segment = paragraph[begin:end].strip()
            self.open(level, number, marker, segment[len(marker) :].strip(), segment)

    def _snapshot(self) -> tuple:
        return (self.current, len(self.nodes), [(n, n.children, n.bullets, dict(n.last_child_number))
                                                for n in [self.root, *self.nodes]])

    def _restore(self, snapshot: tuple) -> None:
        current, count, states = snapshot
        for node, children, bullets, last in states:
            node.children, node.bullets, node.last_child_number = children, bullets, last
        del self.nodes[count:]
        self.current = current

    # -- output -------------------------------------------------------------------------------
    def _id(self, node: _Node) -> str:
        """Stable id from the numbering only: doc#2.3.6 for 二、（三）6., doc#0 preamble, doc#end closing."""
        if not node.level:
            return f"{self.doc_id}#{node.id_part}"
        return f"{self.doc_id}#" + ".".join(n.id_part for n in node.path())

    def _unique_ids(self, ordered: list[_Node]) -> set[int]:
        """Make every node's id unique; return the nodes (by id()) to leave out. A numbering that starts over
        under the same heading repeats ids: a table of contents (目录: 1 总则 / 1.1 编制目的… with no text) is
        left out for the body that repeats its headings; otherwise the later part's number gets a suffix (1.1_2)."""
        first: dict[str, _Node] = {}
        skipped: set[int] = set()
        for node in ordered:
            clause_id = self._id(node)
            earlier = first.get(clause_id)
            if earlier is not None and not earlier.body and earlier.label == node.label:
                skipped.add(id(earlier))
            elif earlier is not None:
                base, repeat = node.id_part, 2
                while (clause_id := self._id(node)) in first:
                    node.id_part, repeat = f"{base}_{repeat}", repeat + 1
            first[clause_id] = node
        return skipped

    def clauses(self, closing: list[tuple[str, int]], page_lines: Sequence[str] = ()) -> ChunkedDocument:
        clauses: list[Clause] = []
        headings: list[str] = []
        ordered = ([self.preamble] if self.preamble else []) + self.nodes
        if closing:
            ordered.append(_Node(level=0, number=0, id_part="end", label="落款与附件", parent=None,
                                 body=[text for text, _ in closing], page=closing[0][1], kind="closing"))
        if page_lines:
            ordered.append(_Node(level=0, number=0, id_part="page", label="网页信息", parent=None,
                                 body=list(page_lines), kind="page"))
        skipped = self._unique_ids(ordered)
        for node in ordered:
            if id(node) in skipped:
                continue
            if node.heading_line:
                headings.append(node.heading_line)
            body = node.body or ([] if node.children else [node.heading_line])
            if node.body and not node.children and node.heading_line.rstrip().endswith(("。", "！", "？", "；")):
                # A leaf item stated on its own line (1.地区生产总值增长5%以上。) above its duty lines (牵头单位：…):
                # the statement is its text, not only its heading.
                body = [node.heading_line, *node.body]
            if not body:
                continue
            if node.heading_line and not node.body:
                headings.pop()  # a heading with nothing under it becomes a clause of its own
            path = [n.label for n in node.path()] or [node.label]
            clause_id = self._id(node)
            parent_id = self._id(node.parent) if node.parent is not None and node.parent.level else None
            text = "\n".join(body)
            duty = ([None, *_DUTY_NOTE.finditer(text)])[-1]  # the item's own note: the last one
            parts = split_long(text, self.max_chars)
            for index, part in enumerate(parts, start=1):
                suffix = f"~{index}" if len(parts) > 1 else ""
                clauses.append(Clause(
                    clause_id=clause_id + suffix, doc_id=self.doc_id, section_path=path, text=part,
                    order=len(clauses), kind=node.kind or _KINDS[node.level], parent_id=parent_id,
                    item=node.marker or None, duty=duty.group(1) if duty else None, part=index,
                    page=node.page if self.paged else None,
                    outline=[OutlineMark(kind=_OUTLINE_KINDS[n.level], number=n.number) for n in node.path()]))
        return ChunkedDocument(clauses=clauses, headings=headings, dropped_duplicates=[])


def split_long(text: str, max_chars: int) -> list[str]:
    """Split at sentence ends into parts of at most `max_chars` (a single longer sentence stays whole)."""
    if len(text) <= max_chars:
        return [text]
    parts, current = [], ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        if current and len(current) + len(sentence) > max_chars:
            parts.append(current)
            current = ""
        current += sentence
    if current:
        parts.append(current)
    return parts


def _split_closing(paragraphs: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Signature, date and attachment lines at the very end form a closing clause of their own."""
    end = len(paragraphs)
    while end > 0 and _CLOSING.match(paragraphs[end - 1][0]):
        end -= 1
    return paragraphs[:end], paragraphs[end:]


def chunk_document(doc_id: str, text: str, max_chars: int = 600, page_lines: Sequence[str] = ()) -> ChunkedDocument:
    """Clauses of one document, in reading order, with ids that depend only on its numbering; the page's
    lines (SourceDocument.page_lines) last, as a clause of their own."""
    paragraphs, seen, dropped = [], set(), []
    for paragraph, page in paged_paragraphs(text):
        if paragraph in seen and len(paragraph) >= 10:
            dropped.append(paragraph)
            continue
        seen.add(paragraph)
        paragraphs.append((paragraph, page))
    body, closing = _split_closing(paragraphs)
    builder = _Builder(doc_id, max_chars, paged="\f" in text)
    for paragraph, page in body:
        builder.page = page
        builder.feed(paragraph)
    result = builder.clauses(closing, page_lines)
    result.dropped_duplicates = dropped
    return result
