"""Numbered parts a question points at (第五条, 第二章, 第三部分) and the clauses of a document that lie in them.

Officials cite rules by number. Such a question shares few words with the clause it means (「第五条是怎么规定的」),
so word and meaning search cannot find it; the chunker's outline (Clause.outline) can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chunking import chinese_number
from .models import Clause, OutlineKind

# 第 + a number in digits or Chinese numerals + the unit of a legal or policy text (条/條, 章, 节/節, 部分).
_REFERENCE = re.compile(r"第\s*([零〇一二两三四五六七八九十百\d]{1,6})\s*(条|條|章|节|節|部分)")
_UNITS: dict[str, OutlineKind] = {"条": "article", "條": "article", "章": "chapter", "节": "division",
                                  "節": "division", "部分": "part"}
# What a unit means where a document has no heading of that kind: a 规则 or 意见 numbered 一、二、 calls its
# items 条 as well, and a document in chapters calls them its 部分.
_FALLBACK: dict[OutlineKind, OutlineKind] = {"article": "part", "part": "chapter"}


@dataclass(frozen=True)
class PartReference:
    kind: OutlineKind
    number: int
    printed: str  # as the question wrote it: 第五条


# The same in English: "Article 5", "Chapter II" is not read (Roman numerals are rare in questions).
_ENGLISH_REFERENCE = re.compile(r"\b(article|chapter|section|part)\s+(\d{1,3})\b", re.IGNORECASE)
_ENGLISH_UNITS: dict[str, OutlineKind] = {"article": "article", "chapter": "chapter", "section": "division",
                                          "part": "part"}


def part_references(text: str) -> list[PartReference]:
    """The numbered parts `text` (normalised) names, in order."""
    found = [PartReference(_ENGLISH_UNITS[m.group(1).lower()], int(m.group(2)), m.group(0))
             for m in _ENGLISH_REFERENCE.finditer(text)]
    for match in _REFERENCE.finditer(text):
        raw = match.group(1).replace("两", "二")
        try:
            number = int(raw) if raw.isdigit() else chinese_number(raw)
        except ValueError:  # not a numeral cn2an reads (十十)
            continue
        found.append(PartReference(_UNITS[match.group(2)], number, match.group(0)))
    return list(dict.fromkeys(found))


def referenced_clauses(references: list[PartReference], clauses: list[Clause], exact: bool = False) -> list[Clause]:
    """The clauses of one document (`clauses`, in order) inside every part referenced; none when the document
    has no such part. Unless `exact`, a unit the document lacks means the one it uses instead (_FALLBACK)."""
    kinds = {mark.kind for clause in clauses for mark in clause.outline}
    wanted = []
    for reference in references:
        kind = reference.kind
        if kind not in kinds and not exact and _FALLBACK.get(kind) in kinds:
            kind = _FALLBACK[kind]
        wanted.append((kind, reference.number))
    return [c for c in clauses
            if all(any(m.kind == kind and m.number == number for m in c.outline) for kind, number in wanted)]
