"""Comparison tables as text: Markdown (answers, exports), CSV (spreadsheets), and the Answer of a
comparison question. Pure functions of a CompareTable."""

from __future__ import annotations

import csv
import io

from ..models import Answer, CompareRow, CompareTable, Figure

_LABELS = {
    False: {"province": "省份", "document": "文件", "date": "日期", "year": "目标年份", "figure": "数值",
            "provision": "相关规定", "not_covered": "未涉及", "none": "—", "sources": "出处",
            "lead": "「{topic}」：{n} 份文件中 {covered} 份涉及。"},
    True: {"province": "Province", "document": "Document", "date": "Date", "year": "Year", "figure": "Figure",
           "provision": "Provision", "not_covered": "not addressed", "none": "—", "sources": "Sources",
           "lead": "“{topic}”: {covered} of {n} documents address it."},
}
STATUS_TEXT = {"covered": "涉及", "未涉及": "未涉及"}  # what users read for CompareCell.status
CSV_COLUMNS = ("省份", "城市", "县区", "文件编号", "文件", "日期", "状态", "目标年份", "数值", "原文摘录", "条款编号", "章节")


def figure_text(figures: list[Figure]) -> str:
    return "；".join(f.text for f in figures)


def figure_years(figures: list[Figure]) -> str:
    return "、".join(dict.fromkeys(str(f.year) for f in figures if f.year))


def _cell_text(row: CompareRow, labels: dict[str, str]) -> str:
    if row.cell.status != "covered":
        return labels["not_covered"]
    return "；".join(f"“{q.text}”[{q.n}]" for q in row.cell.quotes)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(table: CompareTable, references: bool = True) -> str:
    """A lead line, the table, the notes and (for exports) the numbered sources."""
    labels = _LABELS[table.english]
    head = [labels["province"], labels["document"], labels["date"]]
    if table.asks_figures:
        head += [labels["year"], labels["figure"]]
    head.append(labels["provision"])
    lines = [labels["lead"].format(topic=table.topic, n=table.total_rows, covered=table.covered_rows), "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in table.rows:
        cells = [row.place, f"《{row.title}》", row.date or labels["none"]]
        if table.asks_figures:
            cells += [figure_years(row.cell.figures) or labels["none"],
                      figure_text(row.cell.figures) or labels["none"]]
        cells.append(_cell_text(row, labels))
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    lines += [f"\n{note}" for note in table.notes]
    if references and table.citations:
        lines += ["", f"{labels['sources']}："]
        lines += [f"[{c.n}] 《{c.title}》 {c.section}（{c.clause_id}）" for c in table.citations]
    return "\n".join(lines)


def to_csv(table: CompareTable) -> str:
    """One line per row with its quotes, figures and clause ids; UTF-8 with BOM so spreadsheet programs
    read the Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    sections = {c.n: c.section for c in table.citations}
    for row in table.rows:
        quotes = row.cell.quotes
        writer.writerow([row.province, row.city or "", row.county or "", row.doc_id, row.title, row.date or "",
                         STATUS_TEXT[row.cell.status],
                         figure_years(row.cell.figures), figure_text(row.cell.figures),
                         "；".join(q.text for q in quotes), "；".join(q.clause_id for q in quotes),
                         "；".join(sections.get(q.n, "") for q in quotes)])
    return "\ufeff" + out.getvalue()


def table_answer(table: CompareTable) -> Answer:
    """The Answer to a comparison question: the table as Markdown, its citations, and the table itself."""
    return Answer(answer=to_markdown(table, references=False), answerable=table.covered_rows > 0,
                  citations=table.citations,
                  quotes=[part for row in table.rows for q in row.cell.quotes for part in q.text.split("……")],
                  table=table)
