"""Pure functions that turn answers, citations and documents into the UI's HTML and the officials' references.

Everything that comes from documents or users is passed through `html.escape` before it meets markup.
Nothing here calls the assistant: the callbacks in `app.py` do, and hand the results to these functions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..answering.table_export import figure_text, figure_years
from ..models import Answer, Citation, Clause, CompareTable, DocumentMeta

_NUMERALS = "零一二三四五六七八九十百〇两"
_PART = re.compile(rf"^([{_NUMERALS}]+)、")
_CHAPTER = re.compile(rf"^(第[{_NUMERALS}\d]+[编章节条款部分项])")
_PAREN = re.compile(rf"^([（(][{_NUMERALS}\d]+[）)])")
_ITEM = re.compile(r"^(\d+)[.．、]")
_BULLET = re.compile(r"^(?:--|——|-|•|·)\s*")
_CITE = re.compile(r"\[(\d+)\]")


# -- references an official pastes into a report -----------------------------------------------------
def _section_parts(section: str | Sequence[str]) -> list[str]:
    parts = section.split(" > ") if isinstance(section, str) else list(section)
    return [p.strip() for p in parts if p and p.strip()]


def _heading_reference(heading: str) -> str:
    """「二、主要任务」→ 第二部分, 「（三）…」→ （三）, 「6.…」→ 6., 「--质量引领，创新发展」→ “质量引领，创新发展”."""
    if match := _PART.match(heading):
        return f"第{match.group(1)}部分"
    if match := _CHAPTER.match(heading):
        return match.group(1)
    if match := _PAREN.match(heading):
        return match.group(1).replace("(", "（").replace(")", "）")
    if match := _ITEM.match(heading):
        return f"{match.group(1)}."
    if _BULLET.match(heading):
        return f"“{_BULLET.sub('', heading).rstrip('。；;')}”"
    return heading


def section_reference(section: str | Sequence[str]) -> str:
    """Section path 「二、主要任务 > （三）… > 6.…」 as an official writes it: 第二部分（三）6."""
    return "".join(_heading_reference(part) for part in _section_parts(section))


def reference(citation: Citation) -> str:
    """「《文件名》第二部分（三）6.」: the form an official pastes into a report."""
    where = section_reference(citation.section)
    page = f"（第{citation.page}页）" if citation.page else ""
    return f"《{citation.title}》{where}{page}"


def report_text(question: str, answer: Answer, documents: Mapping[str, DocumentMeta]) -> str:
    """Question, answer and numbered references as plain text, for the copy button."""
    lines = [f"问：{question}"]
    if answer.rewritten_question:
        lines.append(f"（按「{answer.rewritten_question}」理解）")
    lines.append(f"答：{answer.answer}")
    if answer.citations:
        lines.append("出处：" if answer.answerable else "可能相关的条款：")
        for citation in answer.citations:
            meta = documents.get(citation.doc_id)
            details = "，".join(x for x in (meta.issuer if meta else None, meta.date if meta else None) if x)
            lines.append(f"[{citation.n}] {reference(citation)}" + (f"（{details}）" if details else ""))
    return "\n".join(lines)


# -- highlighting ------------------------------------------------------------------------------------
def _spans(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for quote in {q.strip() for q in quotes if q and q.strip()}:
        start = text.find(quote)
        while start >= 0:
            found.append((start, start + len(quote)))
            start = text.find(quote, start + len(quote))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def highlight(text: str, quotes: Iterable[str]) -> str:
    """The clause text, escaped, with the quoted sentences wrapped in <mark>."""
    out, at = [], 0
    for start, end in _spans(text, quotes):
        out += [_escape(text[at:start]), f"<mark>{_escape(text[start:end])}</mark>"]
        at = end
    out.append(_escape(text[at:]))
    return "".join(out)


def quoted_excerpt(text: str, quotes: Iterable[str], limit: int = 140) -> str:
    """The quoted sentences of a clause (escaped, marked), or its opening words when none is quoted."""
    spans = _spans(text, quotes)
    if spans:
        return " … ".join(f"<mark>{_escape(text[s:e])}</mark>" for s, e in spans)
    return _escape(text[:limit] + ("…" if len(text) > limit else ""))


# -- chat messages -----------------------------------------------------------------------------------
def card_id(turn: int, n: int) -> str:
    return f"pq-t{turn}-c{n}"


def question_html(question: str) -> str:
    """A user's message shown as text, whatever markup it contains."""
    return f'<div class="pq-question">{_escape(question)}</div>'


def notice_html(message: str) -> str:
    """A clear notice in the chat (question too long, knowledge base unavailable…)."""
    return f'<div class="pq-notice" role="alert"><strong>提示</strong>{_escape(message)}</div>'


def streaming_html(partial: str) -> str:
    """The answer while it is being written out."""
    caret = '<span class="pq-caret"></span>'
    return f'<div class="pq-answer pq-streaming"><div class="pq-text">{_escape(partial)}{caret}</div></div>'


def _ref_link(n: int, turn: int) -> str:
    return (f'<a class="pq-ref" href="#{card_id(turn, n)}" data-card="{card_id(turn, n)}" '
            f'title="查看出处 {n}">[{n}]</a>')


def compare_table_html(table: CompareTable, turn: int) -> str:
    """A comparison answer as an HTML table: one row per document, quotes linked to their citation cards."""
    figures = table.asks_figures
    head = ["省份", "文件", "日期", *(["目标年份", "数值"] if figures else []), "相关规定"]
    rows = []
    for row in table.rows:
        cells = [row.place, f"《{row.title}》", row.date or "—"]
        if figures:
            cells += [figure_years(row.cell.figures) or "—", figure_text(row.cell.figures) or "—"]
        escaped = [html.escape(c) for c in cells]
        if row.cell.status == "covered":
            escaped.append("<br>".join(f"“{html.escape(q.text)}”{_ref_link(q.n, turn)}" for q in row.cell.quotes))
        else:
            escaped.append('<span class="pq-silent">未涉及</span>')
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in escaped) + "</tr>")
    lead = html.escape(f"「{table.topic}」：{table.total_rows} 份文件中 {table.covered_rows} 份涉及。")
    notes = "".join(f'<div class="pq-note">{html.escape(note)}</div>' for note in table.notes)
    return (f'<div class="pq-compare-lead">{lead}</div><table class="pq-table pq-compare"><thead><tr>'
            + "".join(f"<th>{h}</th>" for h in head) + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{notes}")


def _answer_text_html(answer: Answer, turn: int) -> str:
    if answer.table is not None:
        return compare_table_html(answer.table, turn)
    known = {c.n for c in answer.citations}

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return _ref_link(n, turn) if n in known else match.group(0)

    lines = []
    for line in answer.answer.split("\n"):
        escaped = _CITE.sub(link, html.escape(line))
        escaped = re.sub(r"^【(.+?)】", r'<span class="pq-label">\1</span>', escaped)
        if line.startswith("- "):
            escaped = f'<span class="pq-item">{escaped[2:]}</span>'
        lines.append(escaped)
    return "<br>".join(lines)


def citation_card(citation: Citation, meta: DocumentMeta | None, quotes: Sequence[str], turn: int) -> str:
    """One cited clause: document, province, date, section, the quoted sentences and the full clause."""
    facts = [citation.province, meta.date if meta and meta.date else "日期未注明", section_reference(citation.section)]
    meta_html = "".join(f"<span>{html.escape(f)}</span>" for f in facts if f)
    path = " › ".join(html.escape(p) for p in _section_parts(citation.section))
    return (
        f'<div class="pq-card" id="{card_id(turn, citation.n)}">'
        f'<div class="pq-card-head"><span class="pq-num">{citation.n}</span>'
        f'<span class="pq-doc">《{html.escape(citation.title)}》</span></div>'
        f'<div class="pq-meta">{meta_html}</div>'
        f'<div class="pq-path">{path}</div>'
        f'<div class="pq-excerpt">{quoted_excerpt(citation.text, quotes)}</div>'
        f'<details class="pq-full"><summary>查看条款全文</summary>'
        f'<div class="pq-full-text">{highlight(citation.text, quotes)}</div>'
        f'<div class="pq-clause-id">条款编号：{html.escape(citation.clause_id)}</div></details>'
        f"</div>"
    )


def answer_html(question: str, answer: Answer, documents: Mapping[str, DocumentMeta], turn: int) -> str:
    """The assistant's chat message: rewritten question, answer with [n] links, citation cards, copy button."""
    parts = ['<div class="pq-answer">']
    if answer.rewritten_question:
        parts.append(f'<div class="pq-rewritten">按「{html.escape(answer.rewritten_question)}」理解</div>')
    if not answer.answerable:
        parts.append('<div class="pq-refusal"><span class="pq-refusal-title">知识库中未找到</span>'
                     '已收录的文件中没有能够直接回答该问题的条款。</div>')
    parts.append(f'<div class="pq-text">{_answer_text_html(answer, turn)}</div>')
    if answer.citations:
        heading = "引用条款" if answer.answerable else "可能相关"
        parts.append(f'<div class="pq-cards-title">{heading}<span>（{len(answer.citations)} 条）</span></div>')
        parts += [citation_card(c, documents.get(c.doc_id), answer.quotes, turn) for c in answer.citations]
    parts.append(
        '<div class="pq-actions"><button class="pq-copy" type="button" title="复制问题、答案和规范引文">'
        "复制答案及出处</button>"
        f'<span class="pq-mode">{"原文摘录" if answer.mode == "extractive" else "模型归纳（附原文引用）"}</span></div>'
    )
    parts.append(f'<pre class="pq-report" hidden>{html.escape(report_text(question, answer, documents))}</pre>')
    parts.append("</div>")
    return "".join(parts)


# -- page furniture ----------------------------------------------------------------------------------
def header_html(documents: Sequence[DocumentMeta]) -> str:
    provinces = "、".join(dict.fromkeys(d.province for d in documents))
    scope = (f"已收录 {len(documents)} 份省级政策文件（{html.escape(provinces)}）" if documents
             else "知识库暂不可用")
    return (
        '<div class="pq-header"><div class="pq-emblem">政</div><div>'
        '<div class="pq-title">政策问答助手</div>'
        f'<div class="pq-subtitle">质量强省政策文件条款检索与问答 · {scope} · 回答均摘自原文并注明出处</div>'
        "</div></div>"
    )


def banner_html(message: str) -> str:
    """A page-wide banner for a knowledge base that could not be loaded."""
    return (f'<div class="pq-banner" role="alert"><strong>知识库暂不可用</strong>'
            f'<span>{_escape(message)}</span>'
            '<span>请联系管理员重建索引（assistant index build）后刷新页面。</span></div>')


def footer_html() -> str:
    return ('<div class="pq-footer">本工具仅摘录已收录文件的原文，不代替正式文件；引用前请核对原文。'
            "知识库中没有依据的问题，会明确答复「知识库中未找到」。</div>")


def documents_table_html(documents: Sequence[DocumentMeta], clause_counts: Mapping[str, int]) -> str:
    """The corpus list: title, province, issuer, date and number of clauses."""
    rows = "".join(
        f"<tr><td class='pq-doc-title'>{html.escape(d.title)}</td><td>{html.escape(d.province)}</td>"
        f"<td>{html.escape(d.issuer or '—')}</td><td>{html.escape(d.date or '未注明')}</td>"
        f"<td class='pq-count'>{clause_counts.get(d.doc_id, 0)}</td></tr>"
        for d in documents
    )
    return ("<table class='pq-table'><thead><tr><th>文件名称</th><th>省份</th><th>发布机关</th><th>发布日期</th>"
            f"<th>条款数</th></tr></thead><tbody>{rows}</tbody></table>")


@dataclass
class _Node:
    label: str
    clauses: list[Clause] = field(default_factory=list)
    children: dict[str, _Node] = field(default_factory=dict)


def _tree(clauses: Iterable[Clause]) -> _Node:
    root = _Node("")
    for clause in sorted(clauses, key=lambda c: c.order):
        node = root
        for heading in clause.section_path:
            node = node.children.setdefault(heading, _Node(heading))
        node.clauses.append(clause)
    return root


def _clause_html(clause: Clause, part: int, parts: int) -> str:
    suffix = f"（{part}/{parts}）" if parts > 1 else ""
    return (f'<div class="pq-clause" id="clause-{html.escape(clause.clause_id)}">'
            f'<div class="pq-clause-ref">{html.escape(section_reference(clause.section_path))}{suffix}'
            f'<span class="pq-clause-id">{html.escape(clause.clause_id)}</span></div>'
            f'<div class="pq-clause-text">{_escape(clause.text)}</div></div>')


def _node_html(node: _Node, depth: int) -> str:
    inner = "".join(_clause_html(c, i, len(node.clauses)) for i, c in enumerate(node.clauses, start=1))
    inner += "".join(_node_html(child, depth + 1) for child in node.children.values())
    count = _count(node)
    return (f'<details class="pq-node pq-depth-{min(depth, 3)}"><summary>{html.escape(node.label)}'
            f'<span class="pq-node-count">{count} 条</span></summary><div class="pq-node-body">{inner}</div></details>')


def _count(node: _Node) -> int:
    return len(node.clauses) + sum(_count(child) for child in node.children.values())


def clause_tree_html(meta: DocumentMeta | None, clauses: Sequence[Clause]) -> str:
    """A document's clauses by section path; a click on a heading opens the full text beneath it."""
    if meta is None:
        return '<div class="pq-empty">请选择一份文件。</div>'
    facts = " · ".join(html.escape(x) for x in (meta.province, meta.issuer or "", meta.date or "日期未注明") if x)
    body = "".join(_node_html(child, 0) for child in _tree(clauses).children.values())
    return (f'<div class="pq-tree"><div class="pq-tree-head"><div class="pq-doc">《{html.escape(meta.title)}》</div>'
            f'<div class="pq-meta-line">{facts} · 共 {len(clauses)} 条 · 点击标题展开条款全文</div></div>{body}</div>')
