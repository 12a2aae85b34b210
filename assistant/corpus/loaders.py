"""Turn a document file (txt, md, docx, pdf, html) into plain text lines; one loader per format.

Every loader keeps what officials cite: numbering, headings and table cells of Word files, page breaks of PDFs
(a line holding only a form feed, `\\f`, between pages), the main text of web pages. A file that cannot give
such text (scanned, encrypted, corrupt, binary, empty, too large) raises CorpusError with a message naming it.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..errors import CorpusError
from ..settings import get_settings
from .cleaning import metadata_lines

log = logging.getLogger(__name__)

PAGE_BREAK = "\f"

_BOMS = [  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
# Legacy Chinese encodings decoded with their superset, as browsers do: files labelled GB2312 hold GBK characters.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
# Kangxi and supplementary radicals (U+2E80–U+2FDF) look like ordinary characters but are other code points; PDF
# fonts often map 一 / 二 / 大 to them, hiding 一、 headings and words from search. NFKC gives the usual character.
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2E80, 0x2FE0)
             if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}
# Share of characters that cannot be text (controls, private-use glyphs, U+FFFD) above which a file is garbage.
_MAX_GARBAGE_SHARE = 0.05


def _superset(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return _SUPERSETS.get(name, name)


def decode_bytes(raw: bytes, name: str) -> str:
    """Text from bytes in UTF-8 (with or without BOM), UTF-16/32 with BOM, GB18030/GBK or Big5.

    A BOM or valid UTF-8 decides at once; otherwise charset-normalizer picks the encoding whose decoding reads
    most like language. Bytes that decode to no plausible text are refused."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise CorpusError(f"文件编码损坏（{encoding} 解码失败）：{name}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise CorpusError(f"无法识别文件编码，可能不是文本文件：{name}")
    encoding = _superset(best.encoding)
    log.info("%s decoded as %s", name, encoding)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return str(best)


def _garbage_share(text: str) -> float:
    """Share of characters that no text contains: control characters, private-use glyphs, replacement marks."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    bad = sum(1 for c in visible if c == "\ufffd" or unicodedata.category(c) in ("Cc", "Co", "Cs"))
    return bad / len(visible)


def _read_text(path: Path) -> str:
    return decode_bytes(path.read_bytes(), path.name)


def _load_markdown(path: Path) -> str:
    lines = []
    for line in _read_text(path).splitlines():
        lines.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return "\n".join(lines)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: Word 97-2003, or a password-protected .docx


def _load_docx(path: Path) -> str:
    from .docx_text import load_docx

    with path.open("rb") as file:
        if file.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
            raise CorpusError(f"文件不是 .docx 格式（可能是旧版 .doc 文件或设置了打开密码），"
                              f"请用 Word 或 WPS 另存为不加密的 .docx 后再导入：{path.name}")
    return load_docx(path)


# A page number standing alone: 「— 3 —」, 「- 3 -」, 「3」, 「第3页」, 「第 3 页 共 12 页」, 「3/12」.
_PAGE_NUMBER = re.compile(r"^[-－—–\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*(?:/|／|共)\s*\d{1,3}\s*页?)?[-－—–\s]*$")
_DIGITS = re.compile(r"\d+")


def _trim(lines: list[str], drop: Callable[[int, str], bool], keep_first: bool) -> list[str]:
    """Remove lines from the top (position 0) and bottom (-1) of a page while `drop(position, line)` holds."""
    lines = list(lines)
    for position in (0, -1):
        while lines and drop(position, lines[position]) and not (keep_first and position == 0):
            lines.pop(position)
    return lines


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and running headers/footers: a page's first or last lines that, digits aside, recur
    in the same place on at least half of the pages (two at least). They would otherwise land inside sentences
    that run across a page break. The first page's first line stays: there the running header is the title."""
    pages = [_trim(page, lambda _, line: bool(_PAGE_NUMBER.match(line)), False) for page in pages]
    running: set[tuple[int, str]] = set()
    for position in (0, -1):
        counts = Counter(_DIGITS.sub("#", page[position]) for page in pages if page)
        running |= {(position, key) for key, n in counts.items() if n >= max(2, len(pages) / 2)}

    def drop(position: int, line: str) -> bool:
        return bool(_PAGE_NUMBER.match(line)) or (position, _DIGITS.sub("#", line)) in running

    return [_trim(page, drop, keep_first=number == 0) for number, page in enumerate(pages)]


def _load_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            reader.decrypt("")  # many PDFs only restrict copying and open with an empty password
        pages = [[line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
                 for page in reader.pages]
    except FileNotDecryptedError as exc:
        raise CorpusError(f"PDF 文件已加密，需要密码才能读取，请先解除密码保护：{path.name}") from exc
    if not any(pages):
        raise CorpusError(f"PDF 文件没有文字层（可能是扫描件），需要先进行文字识别（OCR）后再导入：{path.name}")
    if _garbage_share("".join(line for page in pages for line in page)) > _MAX_GARBAGE_SHARE:
        raise CorpusError(f"PDF 的文字层无法解析（乱码），需要先进行文字识别（OCR）后再导入：{path.name}")
    blank = [str(i + 1) for i, page in enumerate(pages) if not page]
    if blank:
        log.warning("%s: pages without text (scanned?), their content is missing: %s", path.name, ", ".join(blank))
    return f"\n{PAGE_BREAK}\n".join("\n".join(page) for page in _strip_running_lines(pages))


def _html_encoding(raw: bytes) -> str | None:
    """The charset a page declares, if it names a codec Python knows."""
    from bs4.dammit import EncodingDetector

    declared = EncodingDetector.find_declared_encoding(raw, is_html=True, search_entire_document=False)
    try:
        return _superset(declared) if declared else None
    except LookupError:
        return None


def _html_text(raw: bytes, name: str) -> str:
    encoding = _html_encoding(raw)
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            log.info("%s does not match its declared charset %s", name, encoding)
    return decode_bytes(raw, name)


_BLOCK_TAGS = ["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
               "blockquote", "pre", "dt", "dd", "br"]


def _soup_text(html: str) -> str:
    """All visible text, one line per block element (the fallback when no main content is found)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for cell in soup(["td", "th"]):
        cell.append(" | ")
    for block in soup(_BLOCK_TAGS):
        block.append("\n")
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip(" |") for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def _load_html(path: Path) -> str:
    """The page's title and main content via trafilatura (menus, navigation, footers left out), one paragraph
    a line."""
    import trafilatura

    html = _html_text(path.read_bytes(), path.name)
    page = trafilatura.bare_extraction(html, include_tables=True, include_comments=False, favor_precision=True,
                                       with_metadata=True)
    text = (page.text or "").strip() if page else ""
    if not text:
        log.info("%s: no main content found, keeping all visible text", path.name)
        return _soup_text(html)
    if page.title and not text.startswith(page.title):  # the heading above the article names the document
        text = f"{page.title}\n{text}"
    return "\n".join([*_page_facts(_soup_text(html).splitlines(), text), text])


def _page_facts(visible: list[str], article: str) -> list[str]:
    """A site's metadata box (发文字号, 发布机构, 成文日期) sits outside the article and is dropped with the menus,
    though it states facts of the document: its rows go first, for metadata extraction and for answers. Only
    the rows before the article's end count: lists after it (相关文件) are other documents'."""
    last = article.splitlines()[-1].strip()
    end = next((i for i, line in enumerate(visible) if last and last in line), len(visible))
    return [line for line in metadata_lines(visible[:end]) if line not in article]


LOADERS: dict[str, Callable[[Path], str]] = {
    ".txt": _read_text,
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".docx": _load_docx,
    ".pdf": _load_pdf,
    ".html": _load_html,
    ".htm": _load_html,
}


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def load_text(path: Path, max_bytes: int | None = None) -> str:
    """Read a document as plain text, or raise CorpusError with a message naming the file.

    `max_bytes` defaults to the `max_document_bytes` setting."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise CorpusError(f"不支持的文件格式：{path.name}（支持 {', '.join(sorted(LOADERS))}）")
    limit = get_settings().max_document_bytes if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CorpusError(f"找不到文件或无权读取：{path.name}") from exc
    if size == 0:
        raise CorpusError(f"文件是空的：{path.name}")
    if size > limit:
        raise CorpusError(f"文件过大（{_megabytes(size)}，上限 {_megabytes(limit)}）：{path.name}")
    try:
        text = loader(path)
    except CorpusError:
        raise
    except Exception as exc:  # any parser failure means the file is unusable
        log.warning("cannot read %s: %s", path, exc)
        raise CorpusError(f"文件无法读取或已损坏：{path.name}") from exc
    if not text.strip():
        raise CorpusError(f"文件没有可读取的文字：{path.name}")
    if _garbage_share(text) > _MAX_GARBAGE_SHARE:
        raise CorpusError(f"文件内容是乱码或二进制数据，无法作为文本读取：{path.name}")
    return text.translate(_RADICALS)
