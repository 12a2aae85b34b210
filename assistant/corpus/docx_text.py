"""Text of a .docx in reading order, with Word's automatic numbering written out.

Word keeps list numbers (一、 / （一） / 1. / （1）) out of the text: a paragraph only points at a numbering
definition (w:numPr → numbering.xml). Without them the chunker cannot see the clause structure, so the numbers
are rebuilt here the way Word counts them: one running counter per abstract definition and level, deeper levels
restarting when a higher one advances, `startOverride` restarting a list instance on its first use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from lxml import etree

_W_P, _W_TBL, _W_SDT, _W_R, _W_DEL = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:r"), qn("w:del")
_W_TXBX = qn("w:txbxContent")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_CELL_SEPARATOR = " | "
# Word's bullets are glyphs from symbol fonts; written as the bullet plain-text policy documents use.
_BULLET = "--"

# Digits and place units of the numeral systems Word's numFmt values name.
_CN_DIGITS = "零一二三四五六七八九"  # 零 inside counted numbers (一百零五); 〇 for digit-by-digit numbers
_CN_UNITS = ("", "十", "百", "千")
_LEGAL_SIMPLIFIED_DIGITS, _LEGAL_SIMPLIFIED_UNITS = "零壹贰叁肆伍陆柒捌玖", ("", "拾", "佰", "仟")
_LEGAL_TRADITIONAL_DIGITS, _LEGAL_TRADITIONAL_UNITS = "零壹貳參肆伍陸柒捌玖", ("", "拾", "佰", "仟")
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def _chinese(n: int, digits: str = _CN_DIGITS, units: tuple[str, ...] = _CN_UNITS, short_ten: bool = True) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (up to 9999; larger numbers stay Arabic)."""
    if not 0 < n < 10_000:
        return str(n)
    out, pending_zero = "", False
    for power in range(3, -1, -1):
        digit = n // 10**power % 10
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += digits[0]
            pending_zero = False
        out += digits[digit] + units[power]
    if short_ten and 10 <= n < 20:
        out = out[1:]  # 十一, not 一十一
    return out


def _letters(n: int, alphabet: str) -> str:
    """Word repeats the letter past z: 27 → aa."""
    return alphabet[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
              (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, symbol in values:
        count, n = divmod(n, value)
        out += symbol * count
    return out


def _enclosed(n: int, first: int, last: int) -> str:
    return chr(first + n - 1) if 1 <= n <= last else str(n)


def format_number(n: int, num_fmt: str) -> str:
    """One counter value in a w:numFmt style (ECMA-376 §17.18.59); unknown styles fall back to Arabic digits."""
    formats = {
        "decimal": lambda: str(n),
        "decimalZero": lambda: f"{n:02d}",
        "decimalFullWidth": lambda: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "chineseCounting": lambda: _chinese(n),
        "chineseCountingThousand": lambda: _chinese(n),
        "taiwaneseCounting": lambda: _chinese(n),
        "taiwaneseCountingThousand": lambda: _chinese(n),
        "japaneseCounting": lambda: _chinese(n),
        "ideographDigital": lambda: "".join("〇" if d == "0" else _CN_DIGITS[int(d)] for d in str(n)),
        "chineseLegalSimplified": lambda: _chinese(n, _LEGAL_SIMPLIFIED_DIGITS, _LEGAL_SIMPLIFIED_UNITS, False),
        "ideographLegalTraditional": lambda: _chinese(n, _LEGAL_TRADITIONAL_DIGITS, _LEGAL_TRADITIONAL_UNITS,
                                                      False),
        "ideographTraditional": lambda: _HEAVENLY_STEMS[(n - 1) % 10],
        "ideographZodiac": lambda: _EARTHLY_BRANCHES[(n - 1) % 12],
        "decimalEnclosedCircle": lambda: _enclosed(n, 0x2460, 20),
        "decimalEnclosedCircleChinese": lambda: _enclosed(n, 0x2460, 20),
        "decimalEnclosedFullstop": lambda: _enclosed(n, 0x2488, 20),
        "decimalEnclosedParen": lambda: _enclosed(n, 0x2474, 20),
        "ideographEnclosedCircle": lambda: _enclosed(n, 0x3280, 10),
        "ideographParenthesized": lambda: _enclosed(n, 0x3220, 10),
        "lowerLetter": lambda: _letters(n, "abcdefghijklmnopqrstuvwxyz"),
        "upperLetter": lambda: _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        "lowerRoman": lambda: _roman(n).lower(),
        "upperRoman": lambda: _roman(n),
        "none": lambda: "",
    }
    return formats.get(num_fmt, formats["decimal"])()


def _val(element: etree._Element | None, path: str) -> str | None:
    """The w:val of the first element at `path` under `element`."""
    if element is None:
        return None
    found = element.find(path, nsmap)
    return None if found is None else found.get(qn("w:val"))


@dataclass
class _Level:
    num_fmt: str = "decimal"
    text: str = ""
    start: int = 1
    restart_after: int | None = None  # w:lvlRestart: restart when a level above this (1-based) advances
    legal: bool = False  # w:isLgl: every number in the text shown in Arabic digits
    style_id: str | None = None  # w:pStyle: the paragraph style bound to this level


@dataclass
class _Abstract:
    levels: dict[int, _Level]
    counters: dict[int, int] = field(default_factory=dict)


class Numbering:
    """Numbering definitions of one document and the running counters while it is read in order."""

    def __init__(self, numbering_xml: etree._Element | None, styles_xml: etree._Element | None) -> None:
        self._styles = {s.get(qn("w:styleId")): s for s in (styles_xml.iterfind(qn("w:style"))
                                                              if styles_xml is not None else [])}
        self._default_style = next((sid for sid, s in self._styles.items()
                                    if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")),
                                   None)
        self._abstracts: dict[str, _Abstract] = {}
        self._links: dict[str, str] = {}  # numStyleLink: an abstract that takes its levels from a numbering style
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, startOverride by level)
        self._started: set[tuple[str, int]] = set()  # (numId, level) pairs already used once
        if numbering_xml is None:
            return
        for abstract in numbering_xml.iterfind(qn("w:abstractNum")):
            abstract_id = abstract.get(qn("w:abstractNumId"))
            if link := _val(abstract, "w:numStyleLink"):
                self._links[abstract_id] = link
            self._abstracts[abstract_id] = _Abstract(levels={
                int(lvl.get(qn("w:ilvl"))): self._level(lvl) for lvl in abstract.iterfind(qn("w:lvl"))})
        for num in numbering_xml.iterfind(qn("w:num")):
            overrides = {int(o.get(qn("w:ilvl"))): int(_val(o, "w:startOverride"))
                         for o in num.iterfind(qn("w:lvlOverride")) if _val(o, "w:startOverride") is not None}
            self._nums[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId"), overrides)

    @staticmethod
    def _level(lvl: etree._Element) -> _Level:
        restart = _val(lvl, "w:lvlRestart")
        legal = lvl.find(qn("w:isLgl"))
        return _Level(num_fmt=_val(lvl, "w:numFmt") or "decimal", text=_val(lvl, "w:lvlText") or "",
                      start=int(_val(lvl, "w:start") or 1), restart_after=None if restart is None else int(restart),
                      legal=legal is not None and legal.get(qn("w:val"), "1") not in ("0", "false"),
                      style_id=_val(lvl, "w:pStyle"))

    def _abstract_of(self, num_id: str) -> _Abstract | None:
        abstract_id = self._nums.get(num_id, (None, {}))[0]
        seen: set[str] = set()
        while abstract_id in self._links and abstract_id not in seen:  # follow numStyleLink to the real levels
            seen.add(abstract_id)
            linked_num = self._style_numbering(self._links[abstract_id])[0]
            abstract_id = self._nums.get(linked_num or "", (None, {}))[0]
        return self._abstracts.get(abstract_id or "")

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """numId and ilvl a paragraph style gives, following w:basedOn."""
        seen: set[str] = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            num_id = _val(style, "w:pPr/w:numPr/w:numId")
            if num_id is not None:
                ilvl = _val(style, "w:pPr/w:numPr/w:ilvl")
                return num_id, None if ilvl is None else int(ilvl)
            style_id = _val(style, "w:basedOn")
        return None, None

    def label(self, paragraph: etree._Element) -> str | None:
        """The number Word shows before this paragraph (advancing the counters), or None when it has none."""
        style_id = _val(paragraph, "w:pPr/w:pStyle") or self._default_style
        num_id = _val(paragraph, "w:pPr/w:numPr/w:numId")
        ilvl_text = _val(paragraph, "w:pPr/w:numPr/w:ilvl")
        ilvl = None if ilvl_text is None else int(ilvl_text)
        if num_id is None:
            num_id, style_ilvl = self._style_numbering(style_id)
            ilvl = style_ilvl if ilvl is None else ilvl
        if num_id is None or num_id == "0":  # numId 0 removes numbering a style would give
            return None
        abstract = self._abstract_of(num_id)
        if abstract is None:
            return None
        if ilvl is None:  # a heading style bound to a level through that level's w:pStyle
            ilvl = next((i for i, lvl in abstract.levels.items() if lvl.style_id == style_id), 0)
        level = abstract.levels.get(ilvl)
        if level is None:
            return None
        self._advance(num_id, abstract, ilvl)
        if level.num_fmt == "bullet":
            return _BULLET
        out = level.text
        for i in range(9):
            if f"%{i + 1}" in out:
                ref = abstract.levels.get(i, _Level())
                value = abstract.counters.get(i, ref.start)
                out = out.replace(f"%{i + 1}", str(value) if level.legal else format_number(value, ref.num_fmt))
        return out

    def _advance(self, num_id: str, abstract: _Abstract, ilvl: int) -> None:
        override = self._nums[num_id][1].get(ilvl)
        level = abstract.levels[ilvl]
        if override is not None and (num_id, ilvl) not in self._started:
            abstract.counters[ilvl] = override
        elif ilvl in abstract.counters:
            abstract.counters[ilvl] += 1
        else:
            abstract.counters[ilvl] = level.start
        self._started.add((num_id, ilvl))
        for deeper in [i for i in abstract.counters if i > ilvl]:
            restart_after = abstract.levels[deeper].restart_after if deeper in abstract.levels else None
            if restart_after is None or (restart_after > 0 and ilvl < restart_after):
                del abstract.counters[deeper]


def _belongs_to(node: etree._Element, paragraph: etree._Element) -> bool:
    """Whether `node` is content of `paragraph` itself: not deleted (tracked change), not in a text box (a
    paragraph of its own) and not in the fallback copy Word stores beside newer drawing markup."""
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in (_W_DEL, _W_P, _W_TXBX, _MC_FALLBACK):
            return False
        parent = parent.getparent()
    return True


def _paragraph_text(paragraph: etree._Element) -> str:
    """Visible text of a paragraph: its runs, also inside hyperlinks, fields and tracked insertions."""
    return "".join(run.text for run in paragraph.iter(_W_R) if _belongs_to(run, paragraph))


def _block_lines(container: etree._Element, numbering: Numbering) -> Iterator[str]:
    """Lines of the paragraphs and tables directly in a body, cell or content control, in order."""
    for child in container:
        if child.tag == _W_P:
            label = numbering.label(child)
            text = _paragraph_text(child).strip()
            if text:
                yield f"{label}{text}" if label else text
            for textbox in child.iter(_W_TXBX):  # e.g. the red header of an official document
                if _belongs_to(textbox, child):
                    yield from _block_lines(textbox, numbering)
        elif child.tag == _W_TBL:
            yield from _table_lines(child, numbering)
        elif child.tag == _W_SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_lines(content, numbering)


def _table_lines(table: etree._Element, numbering: Numbering) -> Iterator[str]:
    """One line per row, the cells' text separated by ` | `. A cell merged across columns counts once; one
    merged down repeats its text on every row it spans, so each row reads whole (task and 责任单位 together)."""
    above: dict[int, str] = {}  # grid column → text of the cell a downward merge started from
    for row in table.iterfind(qn("w:tr")):
        cells, column = [], 0
        for cell in row.iterfind(qn("w:tc")):
            merge = cell.find("w:tcPr/w:vMerge", nsmap)
            if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                text = above.get(column, "")
            else:
                text = above[column] = " ".join(_block_lines(cell, numbering))
            cells.append(text)
            column += int(_val(cell, "w:tcPr/w:gridSpan") or 1)
        if any(cells):
            yield _CELL_SEPARATOR.join(cells)


def load_docx(path: Path) -> str:
    """Paragraphs (numbered as Word shows them) and table rows, one per line, in reading order."""
    import docx

    document = docx.Document(str(path))
    try:
        numbering_xml = document.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        numbering_xml = None
    numbering = Numbering(numbering_xml, document.styles.element)
    return "\n".join(_block_lines(document.element.body, numbering))
