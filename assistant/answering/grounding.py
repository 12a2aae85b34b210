"""Whether a generated answer stays within the clauses it was given; pure functions, no model calls.

An answer passes when it is not empty, every [n] names a clause that was offered, it cites at least one
clause unless it refuses, every number, percentage and year it states occurs in a clause it cites, and
its refusal (「知识库中未找到」) agrees with what retrieval found. Anything else falls back to the extractive
answer, which quotes the clauses verbatim.

Numbers are compared as tokens after normalising full-width digits and signs: 99.3% needs 99.3% in a
cited clause (9 or 99 do not count), 99.3 without a sign needs 99.3 there. Numbers written in Chinese
numerals (百分之九十) are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .citations import ParsedAnswer

REFUSAL_MARKERS = ("知识库中未找到", "not found in the knowledge base", "no answer to this question was found")

_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}
                           | {"％": "%", "．": ".", "　": " "})
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(%|‰)?")
_MARKERS = re.compile(r"\[\d+\]")
# List numbering the model adds for readability: "1. ", "2、", "（3）", "(4)", "第一" is not a digit anyway.
_ENUMERATION = re.compile(r"(?m)^\s*(?:[-*]\s*)?\d{1,2}(?:[、)）]|\.(?!\d))|[（(]\d{1,2}[)）]")
_FIRST_SENTENCE = re.compile(r"^[^。！？.!?\n]*")


@dataclass(frozen=True)
class Grounding:
    """The verdict: `reason` is a short label for logs and the fallback counter, `detail` says what failed."""

    ok: bool
    reason: str | None = None
    detail: str = ""
    refused: bool = False


def normalise_digits(text: str) -> str:
    return text.translate(_FULLWIDTH)


def numbers(text: str, enumeration: bool = False) -> list[str]:
    """The numbers a text states, as tokens such as '99.3%', '2020', '1000'; citation markers are skipped,
    and list numbering too unless `enumeration`."""
    text = _MARKERS.sub(" ", normalise_digits(text))
    if not enumeration:
        text = _ENUMERATION.sub(" ", text)
    found: dict[str, None] = {}
    for value, sign in _NUMBER.findall(text):
        value = value.replace(",", "")
        if "." not in value:
            value = str(int(value))  # 06 in 2017-06-19 is the 6 of 2017年6月19日
        found.setdefault(value + (sign or ""), None)
    return list(found)


def _available(texts: Sequence[str]) -> set[str]:
    """Tokens a claim may use: each number with its sign, and also bare (a bare 99.3 may quote 99.3%)."""
    tokens: set[str] = set()
    for token in numbers("\n".join(texts), enumeration=True):
        tokens.add(token)
        tokens.add(token.rstrip("%‰"))
    return tokens


def is_refusal(parsed: ParsedAnswer) -> bool:
    """Refusing means leading with the refusal phrase, or using it while citing nothing; 「【青海】知识库中未找到
    相关规定」 inside an otherwise cited answer is a partial answer, not a refusal."""
    lowered = parsed.text.lower()
    if not any(marker in lowered for marker in REFUSAL_MARKERS):
        return False
    lead = _FIRST_SENTENCE.match(lowered)
    return not parsed.cited or any(marker in (lead.group(0) if lead else "") for marker in REFUSAL_MARKERS)


def check(parsed: ParsedAnswer, clauses: Sequence[str], *, supported: bool | None = None,
          question: str = "") -> Grounding:
    """Check `parsed` against the offered `clauses` (clause i+1 is cited as [i+1]; pass each clause's text
    with its source line). `supported` is the extractive path's verdict (None: not checked); numbers from
    `question` are allowed only in a refusal, which may repeat what was asked."""
    if not parsed.text.strip() or not _MARKERS.sub("", parsed.text).strip():
        return Grounding(False, "empty", "the model returned no text")
    unknown = [n for n in parsed.cited if not 1 <= n <= len(clauses)]
    if unknown:
        return Grounding(False, "unknown_citation",
                         f"cites {', '.join(f'[{n}]' for n in unknown)}; only [1]–[{len(clauses)}] were given")
    refused = is_refusal(parsed)
    if supported is not None and refused == supported:
        detail = ("the model refused although retrieval found support" if supported
                  else "the model answered although retrieval found no support")
        return Grounding(False, "refusal_mismatch", detail, refused)
    if not refused and not parsed.cited:
        return Grounding(False, "no_citation", "the answer cites no clause", refused)
    allowed = _available([clauses[n - 1] for n in parsed.cited] + ([question] if refused else []))
    stray = [token for token in numbers(parsed.text) if token not in allowed]
    if stray:
        return Grounding(False, "ungrounded_number", f"not in a cited clause: {', '.join(stray)}", refused)
    return Grounding(True, refused=refused)
