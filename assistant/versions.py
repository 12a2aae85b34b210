"""Versions of one policy: documents with the same title and different dates both stay citable.

Citations name the version they quote (《…》（2023-03-03版）), and a question that asks for the latest or
names a year is answered from the matching version; otherwise every version is searched.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .models import DocumentMeta
from .text import normalise

# General words that ask for the current version of any document (not tied to a document or question).
_LATEST = re.compile(r"最新|最近一版|现行|新版|latest|current version", re.IGNORECASE)


def _title_key(meta: DocumentMeta) -> str:
    return "".join(ch for ch in normalise(meta.title) if ch.isalnum())


def version_groups(documents: list[DocumentMeta]) -> list[list[DocumentMeta]]:
    """Groups of two or more documents with one title and different dates, oldest first."""
    groups: dict[str, list[DocumentMeta]] = defaultdict(list)
    for meta in documents:
        groups[_title_key(meta)].append(meta)
    return [sorted(group, key=lambda m: m.date or "") for group in groups.values()
            if len(group) > 1 and len({m.date for m in group}) == len(group)]


def label_versions(documents: list[DocumentMeta]) -> dict[str, DocumentMeta]:
    """doc_id → the document as cited: where versions share a title, the title names the version's date."""
    cited = {meta.doc_id: meta for meta in documents}
    for group in version_groups(documents):
        for meta in group:
            label = meta.date or "日期不详"
            cited[meta.doc_id] = meta.model_copy(update={"title": f"{meta.title}（{label}版）"})
    return cited


def prefer_versions(question: str, years: list[int], docs: list[DocumentMeta],
                    groups: list[list[DocumentMeta]]) -> list[DocumentMeta]:
    """`docs` with, for each policy present in several versions, only the version the question asks for: the
    newest for 最新 / 现行, the one dated in a year the question names; all versions when it says neither.
    `groups` are the version groups of the whole corpus (version_groups, computed once per index)."""
    if not groups or not (years or _LATEST.search(question)):
        return docs
    in_scope = {d.doc_id for d in docs}
    dropped: set[str] = set()
    for group in ([m for m in g if m.doc_id in in_scope] for g in groups):
        if len(group) < 2:
            continue
        if _LATEST.search(question):
            keep = [group[-1]]
        else:
            keep = [m for m in group if m.years.isdigit() and int(m.years) in years]
        if keep:
            kept = {m.doc_id for m in keep}
            dropped.update(m.doc_id for m in group if m.doc_id not in kept)
    return [d for d in docs if d.doc_id not in dropped]
