"""Document management: add, replace, remove and correct the documents of the corpus folder.

The corpus folder stays the one source of truth (files + `manifest.yaml`), so hand edits keep working. Every
change is all-or-nothing across crashes: the new file is written to `.library/staging/`, then a journal that
lists the whole change (files to move in, files to delete, the manifest after it) is written atomically; that
write is the commit. Applying the journal is idempotent, and whoever next takes the corpus lock finishes a
journal left by a killed process, or discards staged files that never got one. One file lock serialises all
writers and the index build's reading of the corpus, across threads and processes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from .corpus import MANIFEST_NAME, SourceDocument, corpus_files, load_corpus
from .corpus.cleaning import clean_text
from .corpus.loaders import LOADERS, load_text
from .corpus.metadata import slug
from .errors import AssistantError, CorpusError, NotFound
from .locks import file_lock, write_atomically
from .models import DocumentMeta
from .settings import Settings
from .text import to_simplified

log = logging.getLogger(__name__)

LIBRARY_DIR = ".library"  # inside the corpus folder: lock, staging area, journal
_JOURNAL = "journal.json"
_PINYIN_GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")  # 當(dāng): glosses some copies add


class InvalidDocument(AssistantError):
    """Unsupported type, empty or unreadable file, unsafe name."""


class DocumentTooLarge(AssistantError):
    http_status = 413


class DuplicateDocument(AssistantError):
    http_status = 409

    def __init__(self, message: str, doc_id: str):
        super().__init__(message)
        self.doc_id = doc_id


class LastDocument(AssistantError):
    http_status = 409


class MetadataFields(BaseModel):
    """Metadata an administrator gives or corrects; kept in the manifest, so it survives every rebuild."""

    title: str | None = Field(None, max_length=200)
    province: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=40)
    date: str | None = Field(None, max_length=20, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    doc_number: str | None = Field(None, max_length=80, description="文号, e.g. 鲁政字〔2022〕225号.")
    issuer: str | None = Field(None, max_length=100)
    collections: list[str] | None = Field(None, max_length=20, description="Who may see it, e.g. [公开, 市场监管局内部].")

    def given(self) -> dict[str, str | list[str]]:
        values = {key: value.strip() for key, value in self.model_dump(exclude={"collections"}).items()
                  if value and value.strip()}
        collections = [c.strip() for c in self.collections or [] if c.strip()]
        return values | ({"collections": collections} if collections else {})


class PendingDocument(BaseModel):
    """A corpus change that the current index does not contain yet."""

    file: str
    doc_id: str
    change: Literal["added", "changed", "removed"]


class _Journal(BaseModel):
    moves: list[tuple[str, str]] = []  # staged file name → corpus file name
    deletes: list[str] = []  # corpus file names
    manifest: list[dict]  # the manifest's entries after the change


# -- fingerprints and pending changes ---------------------------------------------------------------------
@lru_cache(maxsize=512)
def content_fingerprint(text: str) -> str:
    """The same document whatever its copy: simplified characters, NFKC, without pinyin glosses, spaces or
    punctuation. Refuses duplicate uploads, including a traditional-character copy of a document present."""
    text = _PINYIN_GLOSS.sub("", unicodedata.normalize("NFKC", text))
    kept = "".join(ch for ch in to_simplified(text) if ch.isalnum())
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()


def manifest_entries(corpus_dir: Path) -> list[dict]:
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return []
    try:
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("documents") or []
    except (yaml.YAMLError, AttributeError) as exc:
        raise CorpusError(f"文档清单 {MANIFEST_NAME} 格式错误：{exc}") from exc
    return [dict(entry) for entry in entries if isinstance(entry, dict) and entry.get("file")]


def source_hashes(corpus_dir: Path) -> dict[str, str]:
    """file name → hash of its bytes and its manifest entry: what the index was built from, without parsing."""
    entries = {entry["file"]: entry for entry in manifest_entries(corpus_dir)}
    hashes = {}
    for path in corpus_files(corpus_dir):
        digest = hashlib.sha256(path.read_bytes())
        digest.update(json.dumps(entries.get(path.name, {}), sort_keys=True, default=str).encode())
        hashes[path.name] = digest.hexdigest()
    return hashes


def pending_documents(indexed: dict[str, str], indexed_ids: dict[str, str], corpus_dir: Path
                      ) -> list[PendingDocument]:
    """What changed in the corpus since a build with `indexed` source hashes (`indexed_ids`: file → doc_id)."""
    current = source_hashes(corpus_dir)
    ids = {entry["file"]: entry.get("doc_id") for entry in manifest_entries(corpus_dir)}
    pending = []
    for name, digest in current.items():
        if indexed.get(name) != digest:
            doc_id = ids.get(name) or indexed_ids.get(name) or slug(Path(name))
            pending.append(PendingDocument(file=name, doc_id=doc_id, change="changed" if name in indexed else "added"))
    pending += [PendingDocument(file=name, doc_id=indexed_ids.get(name) or slug(Path(name)), change="removed")
                for name in indexed if name not in current]
    return pending


# -- the lock and the journal ----------------------------------------------------------------------------
@contextmanager
def corpus_lock(corpus_dir: Path) -> Iterator[None]:
    """Exclusive access to the corpus folder, with any change a killed process left half-done finished or
    discarded first. A read-only corpus folder (nobody can change it through us) is read without a lock."""
    library = corpus_dir / LIBRARY_DIR
    try:
        library.mkdir(parents=True, exist_ok=True)
    except OSError:
        yield
        return
    with file_lock(library / "lock"):
        _recover(corpus_dir)
        yield


def _staging(corpus_dir: Path) -> Path:
    return corpus_dir / LIBRARY_DIR / "staging"


def _recover(corpus_dir: Path) -> None:
    journal = corpus_dir / LIBRARY_DIR / _JOURNAL
    if journal.exists():
        log.warning("完成上次中断的文档库操作")
        _apply(corpus_dir, _Journal.model_validate_json(journal.read_text(encoding="utf-8")))
    if _staging(corpus_dir).exists():
        shutil.rmtree(_staging(corpus_dir), ignore_errors=True)  # uploads that never reached their commit


def _commit(corpus_dir: Path, journal: _Journal) -> None:
    write_atomically(corpus_dir / LIBRARY_DIR / _JOURNAL, journal.model_dump_json().encode("utf-8"))
    _apply(corpus_dir, journal)


def _apply(corpus_dir: Path, journal: _Journal) -> None:
    """Idempotent: a second run after a crash in the middle of the first gives the same end state."""
    for staged, name in journal.moves:
        source = _staging(corpus_dir) / staged
        if source.exists():
            source.replace(corpus_dir / name)
    for name in journal.deletes:
        (corpus_dir / name).unlink(missing_ok=True)
    _write_manifest(corpus_dir, journal.manifest)
    (corpus_dir / LIBRARY_DIR / _JOURNAL).unlink(missing_ok=True)


def _write_manifest(corpus_dir: Path, entries: list[dict]) -> None:
    """The manifest with the given entries; its leading comment block is kept."""
    path = corpus_dir / MANIFEST_NAME
    header = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            header.append(line + "\n")
    body = yaml.safe_dump({"documents": entries}, allow_unicode=True, sort_keys=False, width=120)
    write_atomically(path, ("".join(header) + body).encode("utf-8"))


# -- the library -----------------------------------------------------------------------------------------
class DocumentLibrary:
    """The corpus folder as a set of documents that can be changed one at a time, safely."""

    def __init__(self, settings: Settings):
        self.corpus_dir = settings.corpus_dir
        self.max_bytes = settings.max_document_bytes

    def documents(self) -> list[DocumentMeta]:
        with corpus_lock(self.corpus_dir):
            return [doc.meta for doc in load_corpus(self.corpus_dir).documents]

    def document(self, doc_id: str) -> DocumentMeta:
        with corpus_lock(self.corpus_dir):
            return self._meta(doc_id)

    def add(self, name: str, data: bytes, fields: MetadataFields | None = None) -> DocumentMeta:
        """Store a new document under a safe name with its metadata; refuse it if it is already present."""
        suffix = self._check_upload(name, data)
        with corpus_lock(self.corpus_dir):
            corpus = load_corpus(self.corpus_dir) if corpus_files(self.corpus_dir) else None
            existing = corpus.documents if corpus else []
            staged = self._stage(name, data, suffix, existing, None)
            target = _free_name(self.corpus_dir, name)
            doc_id = _free_id(slug(Path(target)), {d.meta.doc_id for d in existing})
            entry = {"file": target, "doc_id": doc_id, **(fields.given() if fields else {})}
            stale = [e for e in manifest_entries(self.corpus_dir) if e["file"] != target]  # none describe it now
            _commit(self.corpus_dir, _Journal(moves=[(staged, target)], manifest=[*stale, entry]))
            return self._meta(doc_id)

    def replace(self, doc_id: str, name: str, data: bytes) -> DocumentMeta:
        """New content for a document: same doc_id, same metadata corrections."""
        suffix = self._check_upload(name, data)
        with corpus_lock(self.corpus_dir):
            existing = load_corpus(self.corpus_dir).documents
            old = _find(existing, doc_id)
            staged = self._stage(name, data, suffix, existing, doc_id)
            same_type = Path(old.meta.source_file).suffix.lower() == suffix
            target = old.meta.source_file if same_type else _free_name(
                self.corpus_dir, Path(old.meta.source_file).stem + suffix)
            entries = self._entries_with(old.meta, {"file": target})
            _commit(self.corpus_dir, _Journal(moves=[(staged, target)], manifest=entries,
                                              deletes=[] if same_type else [old.meta.source_file]))
            return self._meta(doc_id)

    def remove(self, doc_id: str) -> DocumentMeta:
        with corpus_lock(self.corpus_dir):
            existing = load_corpus(self.corpus_dir).documents
            old = _find(existing, doc_id)
            if len(existing) == 1:
                raise LastDocument("不能删除最后一份文档：文档库至少需要保留一份文档。")
            entries = [e for e in manifest_entries(self.corpus_dir) if e["file"] != old.meta.source_file]
            _commit(self.corpus_dir, _Journal(deletes=[old.meta.source_file], manifest=entries))
            return old.meta

    def edit(self, doc_id: str, fields: MetadataFields) -> DocumentMeta:
        """Correct metadata; the correction lives in the manifest, so every later build keeps it."""
        if not fields.given():
            raise InvalidDocument("请至少提供一项要修改的信息（标题、省份、城市、日期、文号或发文机关）。")
        with corpus_lock(self.corpus_dir):
            old = _find(load_corpus(self.corpus_dir).documents, doc_id)
            _commit(self.corpus_dir, _Journal(manifest=self._entries_with(old.meta, fields.given())))
            return self._meta(doc_id)

    # -- helpers ------------------------------------------------------------------------------------------
    def _check_upload(self, name: str, data: bytes) -> str:
        name = name or ""
        if not name.strip() or "/" in name or "\\" in name or ".." in name or name.startswith(".") or any(
                unicodedata.category(ch).startswith("C") for ch in name) or len(name) > 200:
            raise InvalidDocument(f"文件名不合法：{name!r}（不能为空，不能包含路径分隔符、“..”或控制字符）。")
        suffix = Path(name).suffix.lower()
        if suffix not in LOADERS:
            raise InvalidDocument(f"不支持的文件类型：{name}（支持 {'、'.join(sorted(LOADERS))}）。")
        if not data:
            raise InvalidDocument(f"文件为空：{name}")
        if len(data) > self.max_bytes:
            raise DocumentTooLarge(f"文件过大：{name}（{len(data)} 字节，上限 {self.max_bytes} 字节）。")
        return suffix

    def _stage(self, name: str, data: bytes, suffix: str, existing: list[SourceDocument],
               replacing: str | None) -> str:
        """Write the upload to the staging area and read it there: a file that cannot be read, or that is a
        copy of another document, never reaches the corpus."""
        staging = _staging(self.corpus_dir)
        staging.mkdir(parents=True, exist_ok=True)
        staged = hashlib.sha256(data).hexdigest()[:16] + suffix
        write_atomically(staging / staged, data)
        try:
            text = load_text(staging / staged)
        except CorpusError as error:
            (staging / staged).unlink(missing_ok=True)
            raise InvalidDocument(error.message.replace(staged, name)) from error
        fingerprint = content_fingerprint(clean_text(text).text)  # as load_corpus keeps it: page furniture gone
        for doc in existing:
            if content_fingerprint(doc.text) == fingerprint:
                (staging / staged).unlink(missing_ok=True)
                if doc.meta.doc_id == replacing:
                    raise DuplicateDocument(f"新文件与文档 {replacing} 的现有内容相同，无需替换。", replacing)
                raise DuplicateDocument(
                    f"文档已存在：与《{doc.meta.title}》（{doc.meta.doc_id}）内容相同，未重复添加。", doc.meta.doc_id)
        return staged

    def _entries_with(self, meta: DocumentMeta, changes: dict) -> list[dict]:
        entries = manifest_entries(self.corpus_dir)
        for entry in entries:
            if entry["file"] == meta.source_file:
                entry.update(changes)
                return entries
        return [*entries, {"file": meta.source_file, "doc_id": meta.doc_id, **changes}]

    def _meta(self, doc_id: str) -> DocumentMeta:
        return _find(load_corpus(self.corpus_dir).documents, doc_id).meta


def _find(documents: list[SourceDocument], doc_id: str) -> SourceDocument:
    for doc in documents:
        if doc.meta.doc_id == doc_id:
            return doc
    raise NotFound(f"未找到文档：{doc_id}")


def _free_name(corpus_dir: Path, name: str) -> str:
    path = Path(name)
    candidate, n = name, 1
    while (corpus_dir / candidate).exists() or candidate.lower() in (MANIFEST_NAME, "readme.md"):  # not documents
        n += 1
        candidate = f"{path.stem}-{n}{path.suffix}"
    return candidate


def _free_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
