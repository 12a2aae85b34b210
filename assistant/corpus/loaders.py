"""Turn a document file (txt, md, docx, pdf, html) into plain text lines; one loader per format."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..errors import CorpusError

log = logging.getLogger(__name__)


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"无法识别文件编码（需要 UTF-8 或 GB18030）：{path.name}")


def _load_markdown(path: Path) -> str:
    lines = []
    for line in _read_text(path).splitlines():
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines)


def _load_docx(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _load_pdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _load_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer"]):
        tag.decompose()
    return soup.get_text("\n")


LOADERS: dict[str, Callable[[Path], str]] = {
    ".txt": _read_text,
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".docx": _load_docx,
    ".pdf": _load_pdf,
    ".html": _load_html,
    ".htm": _load_html,
}


def load_text(path: Path) -> str:
    """Read a document as plain text, or raise CorpusError with a message naming the file."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise CorpusError(f"不支持的文件格式：{path.name}（支持 {', '.join(sorted(LOADERS))}）")
    try:
        text = loader(path)
    except CorpusError:
        raise
    except Exception as exc:  # any parser failure means the file is unusable
        log.warning("cannot read %s: %s", path, exc)
        raise CorpusError(f"文件无法读取或已损坏：{path.name}") from exc
    if not text.strip():
        raise CorpusError(f"文件没有可读取的文字：{path.name}")
    return text
