"""Load the corpus: every supported file in the corpus folder, cleaned of web-page leftovers, with metadata
from the text and the manifest."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import CorpusError
from ..models import DocumentMeta
from .cleaning import clean_text
from .loaders import LOADERS, load_text
from .metadata import content_hash, document_meta, extract_metadata, slug

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.yaml"
PAGE_LINES = 8  # the most page lines kept (a site's metadata box and a posting line; more is a list of links)


@dataclass(frozen=True)
class SourceDocument:
    meta: DocumentMeta
    text: str  # the document without navigation, page furniture and metadata tables: what is chunked and quoted
    # Page lines that date or describe the document (发布时间：2018-06-19  来源：…, 索引号：…), verbatim: furniture,
    # so not in `text`, but often the only date a copied page gives; chunked apart, they answer only when a fact
    # of the document or its page is asked.
    page_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Corpus:
    documents: list[SourceDocument]
    fingerprint: str  # changes whenever a file or the manifest changes: the index is rebuilt then

    def by_id(self) -> dict[str, SourceDocument]:
        return {doc.meta.doc_id: doc for doc in self.documents}


def _read_manifest(corpus_dir: Path) -> dict[str, dict]:
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("documents", [])
        return {entry["file"]: entry for entry in entries}
    except (yaml.YAMLError, AttributeError, KeyError, TypeError) as exc:
        raise CorpusError(f"文档清单 {MANIFEST_NAME} 格式错误：{exc}") from exc


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"找不到文档目录：{corpus_dir}")
    return sorted(p for p in corpus_dir.iterdir() if p.is_file() and p.suffix.lower() in LOADERS
                  and p.name.lower() != "readme.md")


def corpus_fingerprint(corpus_dir: Path) -> str:
    """A hash of the manifest and every document's name and bytes: cheap, no parsing, so a start-up can
    tell whether the index is stale without extracting text from every PDF and docx."""
    digest = hashlib.sha256()
    if (corpus_dir / MANIFEST_NAME).exists():
        digest.update((corpus_dir / MANIFEST_NAME).read_bytes())
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def read_document(path: Path, overrides: dict | None = None) -> SourceDocument:
    """One file: its cleaned text and its metadata (from the text, then the manifest entry `overrides`)."""
    cleaned = clean_text(load_text(path))
    log.debug("%s: %d lines of page furniture removed", path.name, len(cleaned.removed))
    meta = document_meta(slug(path), path, extract_metadata(cleaned), overrides or {}, content_hash(cleaned.text))
    return SourceDocument(meta=meta, text=cleaned.text, page_lines=tuple(dict.fromkeys(cleaned.page_lines))[:PAGE_LINES])


def load_corpus(corpus_dir: Path) -> Corpus:
    """Read every document; a file that cannot be read stops the load with a message naming it."""
    manifest = _read_manifest(corpus_dir)
    documents: list[SourceDocument] = []
    seen_ids: set[str] = set()
    for path in corpus_files(corpus_dir):
        document = read_document(path, manifest.get(path.name))
        if document.meta.doc_id in seen_ids:
            raise CorpusError(f"文档编号重复：{document.meta.doc_id}（{path.name}）")
        seen_ids.add(document.meta.doc_id)
        documents.append(document)
    if not documents:
        raise CorpusError(f"文档目录中没有可用的文档：{corpus_dir}")
    log.info("loaded %d documents from %s", len(documents), corpus_dir)
    return Corpus(documents=documents, fingerprint=corpus_fingerprint(corpus_dir))
