"""Whether a piece of text states a fact of its own document: the issue date, the 文号 or the issuer.

Questions such as 「…的文号是多少？」 or 「…是哪个部门发布的？」 ask about the document itself. Its extracted
metadata (corpus/metadata.py) says what the answer is; the clauses that print that value are the evidence to
quote and cite, found here by comparing values in any notation (dates, bracket forms of a 文号).
"""

from __future__ import annotations

import re

from .corpus.metadata import DATE, dates_in, number_key
from .models import DocumentMeta
from .text import normalise


def states_fact(text: str, meta: DocumentMeta, fact: str | None) -> bool:
    if fact == "date":
        return bool(meta.date) and len(meta.date or "") == 10 and meta.date in dates_in(text)
    if fact == "number":
        return bool(meta.doc_number) and number_key(meta.doc_number or "") in number_key(text)
    if fact == "issuer":
        return bool(meta.issuer) and _compact(meta.issuer or "") in _compact(text)
    return False


def is_signature(text: str, meta: DocumentMeta) -> bool:
    """A line that prints the document's own date with at most its issuer beside it (湘西自治州人民政府2020年2月22日):
    it signs the document and answers nothing but when and by whom it was issued."""
    return states_fact(text, meta, "date") and _issuer_at_most(text, meta)


def signs(text: str, meta: DocumentMeta) -> bool:
    """Whether a line of `text` signs its document (落款): a full date with at most the issuer beside it, whatever
    date the metadata settled on (a site's 成文日期 row may differ from the signature: the 落款 is the document's)."""
    return any(_issuer_at_most(line, meta) for line in text.splitlines()
               if any(len(found) == 10 for found in dates_in(line)))


def _issuer_at_most(text: str, meta: DocumentMeta) -> bool:
    rest = _compact(DATE.sub("", normalise(text))).strip("。；;：:,，")
    return not rest or (bool(meta.issuer) and rest in _compact(meta.issuer or ""))


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))
