"""Pydantic models that cross module boundaries: documents, clauses, search hits and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DocumentMeta(BaseModel):
    """What is known about one document: extracted from its text, corrected by the manifest or an admin."""

    doc_id: str
    title: str
    province: str
    city: str | None = Field(None, description="Prefecture-level city of a city or county issuer, e.g. 扬州市.")
    county: str | None = Field(None, description="County-level issuer's county or district, e.g. 洞头区.")
    issuer: str | None = None
    doc_number: str | None = Field(None, description="文号 such as 鲁政字〔2022〕225号.")
    doc_type: str | None = Field(None, description="意见, 方案, 通知, 决定, 办法…, from the title.")
    date: str | None = None
    source_file: str
    content_hash: str | None = Field(None, description="Hash of the normalised text: incremental builds, duplicates.")
    collections: list[str] = Field(default_factory=lambda: ["公开"], description="Who may see it (issue 12).")
    warnings: list[str] = Field(default_factory=list, description="What could not be extracted, in Chinese.")
    note: str | None = None

    @property
    def years(self) -> str:
        return (self.date or "")[:4]


class Clause(BaseModel):
    """The smallest numbered item of a document, with the headings above it."""

    clause_id: str
    doc_id: str
    section_path: list[str]
    text: str  # verbatim from the document (traditional characters stay traditional)
    order: int
    kind: Literal["preamble", "part", "section", "item", "subitem", "bullet", "closing"] = "item"
    parent_id: str | None = Field(None, description="Id of the enclosing heading; a clause of that id exists only when the heading has text of its own.")
    item: str | None = Field(None, description="The item's own marker as printed: 一、 / （三） / 6. / （2） / --.")
    duty: str | None = Field(None, description="The （责任单位：…） note of a task, without brackets.")
    part: int = Field(1, description="1 unless a long clause was split at sentence ends (~1, ~2…).")
    page: int | None = Field(None, description="PDF page the clause starts on.")

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)


class SearchHit(BaseModel):
    clause: Clause
    score: float
    dense_score: float = 0.0
    keyword_score: float = 0.0


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    province: str
    section: str
    clause_id: str
    text: str
    score: float
    page: int | None = Field(None, description="PDF page the clause starts on (第N页).")


class Answer(BaseModel):
    answer: str
    answerable: bool
    citations: list[Citation]
    mode: Literal["extractive", "llm"] = "extractive"
    rewritten_question: str | None = None
    quotes: list[str] = Field(default_factory=list, description="Sentences quoted verbatim from the citations.")

    def contract(self) -> dict:
        """The JSON object promised by `assistant ask --json`."""
        return self.model_dump(include={"answer", "answerable", "citations", "mode"})
