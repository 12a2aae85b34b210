"""Evaluation of compare mode on eval/compare.jsonl: per-cell accuracy (the right clause, or rightly 未涉及),
numeric-column accuracy and cells showing another province's text.

The set runs over the seed corpus plus the real documents of ../shared/corpus-extra/; `evaluation.eval_settings`
builds such a corpus folder (symlinks) and a separate index beside it. Usage:
`python -m assistant.compare_eval --split dev` (format of the items in eval/README.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, Field

from .answering.compare import CellFeatures, CoverModel, save_cover_model

from .evaluation import eval_settings
from .models import CompareTable
from .settings import PROJECT_ROOT
from .text import normalise

if TYPE_CHECKING:
    from .assistant import Assistant

log = logging.getLogger(__name__)

ITEMS_FILE = PROJECT_ROOT / "eval" / "compare.jsonl"


class GoldCell(BaseModel):
    doc_id: str
    province: str
    evidence: list[str] = Field(description="Verbatim spans; a covered cell cites a clause holding one. [] = 未涉及.")
    numbers: list[float] | None = Field(None, description="The figures the numbers column must show, if scored.")


class CompareItem(BaseModel):
    id: str
    split: Literal["dev", "test", "unseen"]
    question: str
    provinces: list[str] = Field(default_factory=list)
    doc_ids: list[str] = Field(default_factory=list)
    cells: list[GoldCell] = Field(description="Documents of the scope not listed here are gold 未涉及.")


class CellResult(BaseModel):
    item: str
    doc_id: str
    expected: Literal["covered", "未涉及"]
    got: Literal["covered", "未涉及", "missing"]
    correct: bool
    numbers_expected: list[float] | None = None
    numbers_got: list[float] = Field(default_factory=list)
    wrong_province: bool = False


class CompareReport(BaseModel):
    items: int
    cells: int
    cell_accuracy: float
    covered_accuracy: float = Field(description="Among gold-covered cells: the right clause was quoted.")
    not_covered_accuracy: float = Field(description="Among gold 未涉及 cells: 未涉及 was shown.")
    numeric_accuracy: float | None = Field(description="Among cells with gold numbers: exactly those were shown.")
    wrong_province_cells: int = Field(description="Cells quoting a clause of another document or province.")
    province_label_mismatches: int = Field(description="Rows whose province metadata differs from the gold.")
    failures: list[CellResult]


def load_items(path: Path = ITEMS_FILE, splits: tuple[str, ...] = ("dev", "test", "unseen")) -> list[CompareItem]:
    items = [CompareItem.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    return [item for item in items if item.split in splits]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def score_table(item: CompareItem, pages: list[CompareTable]) -> tuple[list[CellResult], int]:
    """One result per document of the table (all its pages) or of the gold; and the rows whose province
    label differs from the gold."""
    gold = {cell.doc_id: cell for cell in item.cells}
    rows = {row.doc_id: (row, {c.n: c for c in table.citations}) for table in pages for row in table.rows}
    results, mislabelled = [], 0
    for doc_id in dict.fromkeys([*rows, *gold]):
        cell = gold.get(doc_id)
        expected = "covered" if cell and cell.evidence else "未涉及"
        if doc_id not in rows:
            results.append(CellResult(item=item.id, doc_id=doc_id, expected=expected, got="missing", correct=False))
            continue
        row, citations = rows[doc_id]
        cited = [citations[q.n] for q in row.cell.quotes]
        if cell and cell.province != row.province:
            mislabelled += 1
        if expected == "covered":
            spans = [_flat(span) for span in cell.evidence]
            correct = any(span in _flat(c.text) for c in cited for span in spans)
        else:
            correct = row.cell.status == "未涉及"
        results.append(CellResult(
            item=item.id, doc_id=doc_id, expected=expected, got=row.cell.status, correct=correct,
            numbers_expected=cell.numbers if cell else None, numbers_got=[f.value for f in row.cell.figures],
            wrong_province=any(c.doc_id != row.doc_id or c.province != row.province for c in cited)))
    return results, mislabelled


def _numbers_right(result: CellResult) -> bool:
    return result.correct and sorted(set(result.numbers_got)) == sorted(set(result.numbers_expected or []))


def evaluate(assistant: Assistant, items: list[CompareItem]) -> CompareReport:
    results: list[CellResult] = []
    mislabelled = 0
    for item in items:
        tables = [assistant.compare(item.question, item.provinces or None, item.doc_ids or None)]
        while tables[-1].page < tables[-1].pages:
            tables.append(assistant.compare(item.question, item.provinces or None, item.doc_ids or None,
                                            page=tables[-1].page + 1))
        scored, wrong_labels = score_table(item, tables)
        results += scored
        mislabelled += wrong_labels
    covered = [r for r in results if r.expected == "covered"]
    silent = [r for r in results if r.expected == "未涉及"]
    numeric = [r for r in results if r.numbers_expected is not None]

    def share(rows: list[CellResult], test=lambda r: r.correct) -> float:
        return round(sum(map(test, rows)) / len(rows), 4) if rows else 1.0

    return CompareReport(
        items=len(items), cells=len(results), cell_accuracy=share(results), covered_accuracy=share(covered),
        not_covered_accuracy=share(silent), numeric_accuracy=share(numeric, _numbers_right) if numeric else None,
        wrong_province_cells=sum(r.wrong_province for r in results), province_label_mismatches=mislabelled,
        failures=[r for r in results if not r.correct or (r.numbers_expected is not None and not _numbers_right(r))])


def fit(assistant: Assistant, items: list[CompareItem], l2: float = 0.01) -> CoverModel:
    """Fit the covered/未涉及 model on `items` (the dev split): candidate clauses holding a gold span are
    positives; every candidate of a gold 未涉及 document is a negative; other candidates of covered
    documents are left out (a second passage on the topic is neither)."""
    rows, labels = [], []
    for item in items:
        gold = {cell.doc_id: cell for cell in item.cells}
        pools = assistant._compare_candidates(item.question, item.provinces or None, item.doc_ids or None)
        for doc_id, pool in pools.items():
            cell = gold.get(doc_id)
            spans = [_flat(span) for span in cell.evidence] if cell else []
            for evidence, features in pool:
                holds = any(span in _flat(evidence.hit.clause.text) for span in spans)
                if holds or not spans:
                    rows.append(features.vector())
                    labels.append(1.0 if holds else 0.0)
    x = np.hstack([np.ones((len(rows), 1)), np.asarray(rows)])
    y = np.asarray(labels)
    balance = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max(len(y) - y.sum(), 1)))
    w = np.zeros(x.shape[1])
    for _ in range(50):  # Newton's method on the class-balanced, L2-penalised log-likelihood
        p = 1 / (1 + np.exp(-x @ w))
        penalty = l2 * np.r_[0.0, w[1:]]
        gradient = x.T @ (balance * (p - y)) + penalty
        hessian = (x * (balance * p * (1 - p))[:, None]).T @ x + l2 * np.diag(np.r_[0.0, np.ones(len(w) - 1)])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    log.info("fitted on %d candidates (%d positive)", len(y), int(y.sum()))
    return CoverModel(features=[f.name for f in fields(CellFeatures)], coefficients=[round(float(v), 4) for v in w[1:]],
                      intercept=round(float(w[0]), 4),
                      fitted_on=f"dev splits of eval/compare.jsonl and eval/questions.jsonl (compare kind), "
                                f"{len(items)} items, {date.today().isoformat()}")


def question_set_items() -> list[CompareItem]:
    """The comparison questions of the dev split of eval/questions.jsonl, as compare items over the documents
    they name (every one of them covered): more fitting data of the kind officials ask in the chat."""
    from .evaluation import load_items as load_questions

    items = []
    for q in load_questions(split="dev"):
        if q.kind == "compare" and q.answerable:
            cells = [GoldCell(doc_id=doc_id, province="", evidence=[e.text for e in q.evidence if e.doc_id == doc_id])
                     for doc_id in q.doc_ids]
            items.append(CompareItem(id=q.id, split="dev", question=q.question, doc_ids=q.doc_ids, cells=cells))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="compare-mode evaluation on eval/compare.jsonl")
    parser.add_argument("--split", choices=["dev", "test", "unseen", "all"], default="dev")
    parser.add_argument("--fit", action="store_true", help="fit the covered/未涉及 model on the dev split and save it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from .assistant import Assistant

    assistant = Assistant(eval_settings())
    if args.fit:
        model = fit(assistant, load_items(splits=("dev",)) + question_set_items())
        save_cover_model(model)
        dev = evaluate(assistant, load_items(splits=("dev",)))
        save_cover_model(model.model_copy(update={"dev_cell_accuracy": dev.cell_accuracy}))
    splits = ("dev", "test", "unseen") if args.split == "all" else (args.split,)
    report = evaluate(assistant, load_items(splits=splits))
    print(json.dumps(report.model_dump(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
