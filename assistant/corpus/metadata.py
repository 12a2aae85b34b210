"""Document metadata: read from the text itself (标题, 发布日期, 成文日期), then overridden by the manifest."""

from __future__ import annotations

import re
from pathlib import Path

from ..provinces import find_provinces

_TITLE_ENDINGS = ("通知", "意见", "方案", "办法", "规划", "纲要", "决定", "规定", "细则", "措施")
_PUBLISHED = re.compile(r"发布日期[:：]\s*(\d{4})[-年.](\d{1,2})[-月.](\d{1,2})")
_WRITTEN = re.compile(r"成文日期[:：]\s*(\d{4})[-年.](\d{1,2})[-月.](\d{1,2})")
_SIGNED = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _iso(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def detect_title(text: str) -> str | None:
    """The first short line that reads like a document title (ends in 通知, 意见, 方案…)."""
    for line in text.splitlines()[:8]:
        line = line.strip()
        if 6 <= len(line) <= 80 and line.endswith(_TITLE_ENDINGS) and "：" not in line:
            return line
    return None


def detect_date(text: str) -> str | None:
    """发布日期, else 成文日期, else a signature date on one of the last lines."""
    for pattern in (_PUBLISHED, _WRITTEN):
        if match := pattern.search(text):
            return _iso(match)
    for line in reversed([line.strip() for line in text.splitlines() if line.strip()][-4:]):
        if (match := _SIGNED.fullmatch(line)) is not None:
            return _iso(match)
    return None


def detect_province(text: str) -> str | None:
    """The province named most often in the opening of the text (the issuer usually names its own)."""
    head = text[:3000]
    counts = {name: head.count(name) for name in find_provinces(head)}
    return max(counts, key=counts.__getitem__) if counts else None


def detect_metadata(path: Path, text: str) -> dict[str, str]:
    found = {
        "title": detect_title(text),
        "date": detect_date(text),
        "province": detect_province(text),
    }
    if found["title"] and found["title"].startswith(found.get("province") or "\0"):
        found["issuer"] = re.split(r"关于", found["title"])[0] or None
    return {key: value for key, value in found.items() if value}


def slug(path: Path) -> str:
    """A doc_id for a file the manifest does not list: its stem, lower-case, safe in URLs and clause ids."""
    stem = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff-]+", "-", path.stem).strip("-").lower()
    return stem or "doc"
