"""Citation markers in generated answers: find [n], accept the variants models write, renumber, stream.

Pure functions with no LangChain import, so the extractive path can use `pieces` at no cost; the LangChain
output parser that wraps `parse_citations` lives in llm.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# [1]  [1][2]  [1, 2]  [1、3]  [1-3]  【1】  ［１］ (Python's \d matches full-width digits, and int() reads them)
_MARKER = re.compile(r"[\[【［]\s*(\d+(?:\s*(?:[,，、;；\-–~～]|\s)\s*\d+)*)\s*[\]】］]")
_RANGE = re.compile(r"(\d+)\s*[\-–~～]\s*(\d+)")
_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)
_PIECE = re.compile(r"\[\d+\]|[^\[]{1,16}|\[")
MAX_RANGE = 20


@dataclass(frozen=True)
class ParsedAnswer:
    """Generated text with its markers rewritten as [n][m], and the clause numbers cited, in first-use order."""

    text: str
    cited: list[int] = field(default_factory=list)


def _numbers(group: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"[,，、;；\s]+", group.strip()):
        span = _RANGE.fullmatch(part)
        if span:
            low, high = int(span.group(1)), int(span.group(2))
            numbers.extend(range(low, high + 1) if 0 <= high - low <= MAX_RANGE else [low, high])
        elif part:
            numbers.append(int(part))
    return numbers


def parse_citations(raw: str) -> ParsedAnswer:
    """Strip reasoning blocks and surrounding space, canonicalise every marker to [n], list what is cited."""
    text = _THINK.sub("", raw or "").strip()
    cited: dict[int, None] = {}

    def canonical(match: re.Match[str]) -> str:
        numbers = _numbers(match.group(1))
        for n in numbers:
            cited.setdefault(n, None)
        return "".join(f"[{n}]" for n in numbers)

    text = _MARKER.sub(canonical, text)
    return ParsedAnswer(text=text, cited=list(cited))


def renumber(parsed: ParsedAnswer) -> tuple[str, dict[int, int]]:
    """Number the cited clauses 1, 2, 3… in order of first citation; returns the new text and old → new."""
    mapping = {old: new for new, old in enumerate(parsed.cited, start=1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", parsed.text)
    return text, mapping


def pieces(text: str) -> Iterator[str]:
    """Short pieces of a finished answer for streaming, never splitting a [n] marker; they join to `text`."""
    yield from _PIECE.findall(text)
