"""Pydantic models that cross module boundaries: documents, clauses, search hits and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class DocumentMeta(BaseModel):
    doc_id: str
    title: str
    province: str
    issuer: str | None = None
    date: str | None = None
    source_file: str
    aliases: list[str] = Field(default_factory=list)
    note: str | None = None

    @property
    def years(self) -> str:
        return (self.date or "")[:4]


class Clause(BaseModel):
    """The smallest numbered item of a document, with the headings above it."""

    clause_id: str
    doc_id: str
    section_path: list[str]
    text: str
    order: int

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
