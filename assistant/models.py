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


OutlineKind = Literal["chapter", "division", "article", "part", "section", "item", "subitem", "bullet"]


class OutlineMark(BaseModel):
    """One numbered heading as a number: 第二章 → chapter 2, 五、 → part 5, （三） → section 3."""

    kind: OutlineKind
    number: int


# Clauses that name the document rather than say anything (the signature and attachment list, the page's dating
# lines): candidates only for questions about the document itself (its date, 文号, issuer).
FACT_ONLY_KINDS = ("closing", "page")


class Clause(BaseModel):
    """The smallest numbered item of a document, with the headings above it."""

    clause_id: str
    doc_id: str
    section_path: list[str]
    text: str  # verbatim from the document (traditional characters stay traditional)
    order: int
    kind: Literal["preamble", "chapter", "article", "part", "section", "item", "subitem", "bullet", "closing",
                  "page"] = "item"
    parent_id: str | None = Field(None, description="Id of the enclosing heading; a clause of that id exists only "
                                                    "when the heading has text of its own.")
    item: str | None = Field(None, description="The item's own marker as printed: 第三条 / 一、 / （三） / 6. / （2） / --.")
    duty: str | None = Field(None, description="The （责任单位：…） note of a task, without brackets.")
    part: int = Field(1, description="1 unless a long clause was split at sentence ends (~1, ~2…).")
    page: int | None = Field(None, description="PDF page the clause starts on.")
    outline: list[OutlineMark] = Field(default_factory=list, description=(
        "The numbered headings above the clause and its own marker, in section_path order: what 第五条 or 第二章 "
        "in a question points at."))

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
    table: CompareTable | None = Field(None, description="For comparison questions: the table the text renders.")

    def contract(self) -> dict:
        """The JSON object promised by `assistant ask --json` (with `table` for comparison questions, and a
        citation's `page` only where the document has pages)."""
        fields = {"answer", "answerable", "citations", "mode"} | ({"table"} if self.table is not None else set())
        return self.model_dump(include=fields, exclude_none=True)


# -- comparison tables (compare mode) ---------------------------------------------------------------

class Figure(BaseModel):
    """A number a clause sets for the topic compared, e.g. 99.3% for 2020."""

    text: str = Field(description="As printed in the clause, e.g. 99.3%, 85以上, 10个.")
    value: float
    unit: str = Field("", description="%, 个, 亿元… as printed after the number; empty for a bare index value.")
    year: int | None = Field(None, description="The year the figure is set for (到2020年…), when the sentence says.")


class Quote(BaseModel):
    text: str = Field(description="Sentences quoted verbatim from the clause.")
    n: int = Field(description="Number of the citation in the table's `citations`.")
    clause_id: str


class CompareCell(BaseModel):
    """What one document says about the topic: quoted clauses, or 未涉及 when it does not address it."""

    status: Literal["covered", "未涉及"]
    quotes: list[Quote] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list, description="Numbers set for the topic, if it asks any.")
    confidence: float = Field(0.0, description="Probability that the document addresses the topic (≥ 0.5: covered).")


class CompareRow(BaseModel):
    province: str
    city: str | None = None
    county: str | None = None
    doc_id: str
    title: str
    date: str | None = None
    cell: CompareCell

    @property
    def place(self) -> str:
        """The row's place as a table shows it: 江苏（扬州市）, 陕西（汉中市镇巴县）."""
        local = (self.city or "") + (self.county or "")
        return f"{self.province}（{local}）" if local else self.province


class CompareTable(BaseModel):
    """One row per document in scope (so one per province, several where a province has several documents)."""

    topic: str
    english: bool = False
    asks_figures: bool = Field(False, description="The topic asks for numbers: figures get their own columns.")
    rows: list[CompareRow] = Field(description="This page of rows: covered documents first, then 未涉及.")
    citations: list[Citation] = Field(default_factory=list, description="The clauses quoted on this page.")
    notes: list[str] = Field(default_factory=list, description="One-line remarks: nothing covered, provinces missing.")
    total_rows: int
    covered_rows: int
    page: int = 1
    pages: int = 1
    page_size: int

Answer.model_rebuild()  # `table` refers to CompareTable, defined after Answer
