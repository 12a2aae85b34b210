"""How well metadata extraction reads real government web pages: the corpus-extra files against the metadata a
careful reader wrote down for them (`sources.jsonl`).

Fair comparison: both sides are compared after simplified script, NFKC width folding, one dash, no whitespace,
quote marks or book-title marks, and one bracket style (〔2017〕 = [2017] = （2017）). A city matches with or
without 市, as city + county (温州市洞头区), and a municipality's name as city agrees with it as province; joint
issuers match whatever separates them; a title within one slip per twenty characters matches (the pages carry
transcription slips such as 脱固 for 巩固). Gold values are cut at the annotator's ` (note…)`, a gold date of only
a year or month matches any date in it, and a gold value that is only a note (`not printed on page …`) counts as
not stated. Only fields the gold states are scored.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from .corpus import read_document
from .models import DocumentMeta
from .provinces import BY_NAME, province_named
from .settings import PROJECT_ROOT
from .text import normalise

CORPUS_EXTRA = PROJECT_ROOT.parent / "shared" / "corpus-extra"
FIELDS = ("province", "city", "title", "date", "doc_number", "issuer")
TITLE_SIMILARITY = 0.95  # one slip per twenty characters

_NOTE = re.compile(r"\s*[(（](?=[^)）]*[A-Za-z]).*$")  # the annotator's English note: " (posted 2011-11-24)"
_GOLD_DATE = re.compile(r"\d{4}(?:-\d{2}){0,2}")
_OPEN, _CLOSE = "〔[［(（【", "〕]］)）】"


class FieldScore(BaseModel):
    field: str
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


class Mismatch(BaseModel):
    file: str
    field: str
    gold: str
    extracted: str | None


class MetadataReport(BaseModel):
    half: str | None
    documents: int
    scores: list[FieldScore]
    mismatches: list[Mismatch]

    def accuracy(self, field: str) -> float:
        return next(score.accuracy for score in self.scores if score.field == field)


def gold_value(value: object) -> str | None:
    """The stated value without the annotator's note; None when the page does not state it."""
    if value is None:
        return None
    text = _NOTE.sub("", str(value)).strip()
    return None if not text or re.match(r"[A-Za-z]", text) else text


def _fold(text: str) -> str:
    text = normalise(unicodedata.normalize("NFKC", text))
    text = text.translate(str.maketrans(_OPEN + _CLOSE, "〔" * len(_OPEN) + "〕" * len(_CLOSE)))
    text = re.sub(r"[—–－~～‐]", "-", text)
    return re.sub(r"[\s\"'“”‘’「」『』《》〈〉<>]+", "", text)


def _organs(text: str) -> str:
    """Joint issuers compare whatever separates them (、, ；, spaces)."""
    return re.sub(r"[、，,；;]", "", _fold(text))


def _same_city(gold: str, meta: DocumentMeta) -> bool:
    """黄石 = 黄石市; 温州市洞头区 = city + county; in a municipality (天津) the city is the province."""
    province = BY_NAME.get(meta.province)
    if province and province_named(gold) == province.name:
        return True
    gold = _fold(gold).removesuffix("市")
    options = {meta.city or "", (meta.city or "") + (meta.county or ""), meta.county or "",
               f"{province.full}{meta.county}" if province and meta.county else ""}
    return gold in {_fold(option).removesuffix("市") for option in options if option}


def _same_title(gold: str, extracted: str | None) -> bool:
    a, b = _fold(gold), _fold(extracted or "")
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= TITLE_SIMILARITY


_MATCHERS: dict[str, Callable[[str, DocumentMeta], bool]] = {
    "province": lambda gold, meta: province_named(gold) == meta.province,
    "city": _same_city,
    "title": lambda gold, meta: "未识别到标题" not in meta.warnings and _same_title(gold, meta.title),
    "date": lambda gold, meta: bool(_GOLD_DATE.match(gold)) and (meta.date or "").startswith(
        _GOLD_DATE.match(gold).group()),
    "doc_number": lambda gold, meta: _fold(gold) == _fold(meta.doc_number or ""),
    "issuer": lambda gold, meta: _organs(gold) == _organs(meta.issuer or ""),
}


def _shown(field: str, meta: DocumentMeta) -> str | None:
    if field == "city":
        return "".join(part for part in (meta.city, meta.county) if part) or None
    return getattr(meta, field)


def metadata_accuracy(sources: Path = CORPUS_EXTRA / "sources.jsonl", base: Path = CORPUS_EXTRA,
                      half: str | None = None) -> MetadataReport:
    """Extract the metadata of every listed file (of one half, `dev` or `unseen`, or all) and score it."""
    rows = [json.loads(line) for line in sources.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if half is None or row["file"].startswith(f"{half}/")]
    scores = {field: FieldScore(field=field, correct=0, total=0) for field in FIELDS}
    mismatches = []
    for row in rows:
        meta = read_document(base / row["file"]).meta
        for field in FIELDS:
            if (gold := gold_value(row.get(field))) is None:
                continue
            scores[field].total += 1
            if _MATCHERS[field](gold, meta):
                scores[field].correct += 1
            else:
                mismatches.append(Mismatch(file=row["file"], field=field, gold=gold, extracted=_shown(field, meta)))
    return MetadataReport(half=half, documents=len(rows), scores=list(scores.values()), mismatches=mismatches)


def markdown_table(report: MetadataReport, mismatches: bool = True) -> str:
    """The report as Markdown: one row per field, then the mismatches (leave them out for a measure-only half,
    whose texts nobody should tune on)."""
    lines = [f"Metadata extraction on corpus-extra ({report.half or 'all'}, {report.documents} documents)", "",
             "| field | correct | stated in gold | accuracy |", "|---|---|---|---|"]
    lines += [f"| {s.field} | {s.correct} | {s.total} | {s.accuracy:.3f} |" for s in report.scores]
    if mismatches and report.mismatches:
        lines += ["", "| file | field | gold | extracted |", "|---|---|---|---|"]
        lines += [f"| {m.file} | {m.field} | {m.gold} | {m.extracted or '—'} |" for m in report.mismatches]
    return "\n".join(lines)
