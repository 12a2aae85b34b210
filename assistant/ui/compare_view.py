"""The 对比 tab's views of a CompareTable: a sortable frame, the citation cards beneath it, and the export
files behind its download buttons. No retrieval here: the table comes from `Assistant.compare`."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..answering.table_export import STATUS_TEXT, figure_text, figure_years, to_csv, to_markdown
from ..models import CompareTable, DocumentMeta
from . import formatting as fmt

TURN = 0  # card ids of the tab (the chat numbers its turns from 1)


def frame(table: CompareTable) -> pd.DataFrame:
    """One line per document; with figures asked, the first figure as a number, so the column sorts."""
    lines = []
    for row in table.rows:
        line = {"省份": row.province, "城市": row.city or "", "文件": row.title, "日期": row.date or "",
                "状态": STATUS_TEXT[row.cell.status]}
        if table.asks_figures:
            figures = row.cell.figures
            line |= {"目标年份": figure_years(figures), "数值": figures[0].value if figures else None,
                     "数值原文": figure_text(figures)}
        line |= {"原文摘录": "；".join(f"“{q.text}”[{q.n}]" for q in row.cell.quotes),
                 "出处": "；".join(str(q.n) for q in row.cell.quotes)}
        lines.append(line)
    return pd.DataFrame(lines)


def summary_html(table: CompareTable) -> str:
    lead = f"「{table.topic}」：{table.total_rows} 份文件中 {table.covered_rows} 份涉及。"
    pages = f"（第 {table.page}/{table.pages} 页）" if table.pages > 1 else ""
    notes = "".join(f'<div class="pq-note">{html.escape(note)}</div>' for note in table.notes)
    return f'<div class="pq-compare-lead">{html.escape(lead + pages)}</div>{notes}'


def cards_html(table: CompareTable, documents: Mapping[str, DocumentMeta]) -> str:
    quotes = [part for row in table.rows for q in row.cell.quotes for part in q.text.split("……")]
    if not table.citations:
        return ""
    cards = "".join(fmt.citation_card(c, documents.get(c.doc_id), quotes, TURN) for c in table.citations)
    return (f'<div class="pq-answer"><div class="pq-cards-title">引用条款<span>（{len(table.citations)} 条）'
            f"</span></div>{cards}</div>")


def export_files(table: CompareTable) -> tuple[Path, Path]:
    """The table as CSV and Markdown files in a fresh temporary folder, for the download buttons."""
    folder = Path(tempfile.mkdtemp(prefix="policyqa-compare-"))
    name = f"对比-第{table.page}页" if table.pages > 1 else "对比"
    csv_path, md_path = folder / f"{name}.csv", folder / f"{name}.md"
    csv_path.write_text(to_csv(table), encoding="utf-8")
    md_path.write_text(to_markdown(table), encoding="utf-8")
    return csv_path, md_path
