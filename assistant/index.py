"""Build, save and load the clause index: a vector store (FAISS or Milvus) + bm25s keywords + clauses + a manifest.

Each build goes to a fresh folder under index/, and the pointer file index/CURRENT is replaced atomically
once the folder is complete, so a crash mid-build leaves the previous index usable. The manifest records the
embedding model, the corpus fingerprint and the pipeline version, so a stale or mismatched index is detected.

Builds are incremental: a document whose text and embedded metadata are unchanged keeps its clauses and vectors
from the previous build (`index_parts`); only new or changed documents are chunked and embedded. One build runs
at a time (a file lock), and folders left by a killed build are removed by the next one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from tqdm import tqdm

from .chunking import chunk_document
from .corpus import Corpus, load_corpus
from .embeddings import Embedder, get_embedder
from .embeddings.base import normalise as unit_rows
from .errors import IndexUnavailable
from .index_parts import DocumentPart, document_key, join_parts, split_parts
from .library import PendingDocument, corpus_lock, pending_documents, source_hashes
from .locks import file_lock
from .models import Clause, DocumentMeta
from .settings import Settings, get_settings
from .stores import StoreUnreachable, VectorStore, create_store, discard_store, load_store
from .stores.keyword import KeywordIndex
from .text import normalise, sentences

log = logging.getLogger(__name__)

FORMAT_VERSION = 6
POINTER = "CURRENT"
BUILD_LOCK = ".build.lock"
CLAUSE_VECTORS = "clause_vectors.npy"  # kept beside the store so the next build can reuse any document's rows
_PIPELINE_SOURCES = ("chunking.py", "text.py", "corpus/__init__.py", "corpus/metadata.py", "corpus/loaders.py",
                     "corpus/docx_text.py", "corpus/cleaning.py", "places.py", "provinces.py", "index.py")
EMBED_BATCH = 16
CONTEXT_WEIGHT = 0.5  # chosen on the dev split by recall@1 (README, "Clause vectors: composed")


def pipeline_version() -> str:
    """Changes when the code that turns documents into clauses changes, so old indexes get rebuilt."""
    digest = hashlib.sha256(str(FORMAT_VERSION).encode())
    package = Path(__file__).parent
    for name in _PIPELINE_SOURCES:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:16]


class IndexManifest(BaseModel):
    format_version: int
    pipeline_version: str
    embedding_model: str
    dimension: int
    corpus_fingerprint: str
    max_clause_chars: int
    documents: int
    clauses: int
    built_at: str
    build_seconds: float
    document_keys: dict[str, str] = {}  # doc_id → document_key: what its clauses and vectors were made from
    source_hashes: dict[str, str] = {}  # file name → hash of its bytes and manifest entry: pending changes
    reused_documents: int = 0  # documents whose clauses and vectors came from the previous build


@dataclass
class ClauseIndex:
    manifest: IndexManifest
    documents: list[DocumentMeta]
    clauses: list[Clause]
    vectors: VectorStore
    keywords: KeywordIndex
    directory: Path
    sentence_vectors: np.ndarray  # one row per sentence of every clause, in clause order (float16: half the memory)
    sentence_offsets: np.ndarray  # clause i owns rows sentence_offsets[i]:sentence_offsets[i + 1]

    def clause_sentence_vectors(self, position: int) -> np.ndarray:
        rows = self.sentence_vectors[self.sentence_offsets[position] : self.sentence_offsets[position + 1]]
        return rows.astype(np.float32)


def embedding_header(meta: DocumentMeta) -> str:
    """The document's part of every embedded text: province and title first, so near-identical clauses of two
    provinces differ. A metadata correction that changes it re-embeds that document."""
    return f"{meta.province} {meta.title}"


def context_text(clause: Clause, meta: DocumentMeta) -> str:
    """A clause's context, embedded once per distinct heading: province and title first, so near-identical
    clauses of two provinces differ. Embedded texts are simplified, so a traditional document answers
    simplified questions (Clause.text stays verbatim)."""
    return f"{normalise(embedding_header(meta))}\n{normalise(clause.section)}"


def embedded_sentences(clause: Clause) -> list[str]:
    """The clause's sentences as embedded: simplified, in the order the answerer reads them."""
    return [normalise(s) for s in sentences(clause.text)]


def compose_clause_vectors(sentence_vectors: np.ndarray, sentence_offsets: np.ndarray,
                           context_vectors: np.ndarray) -> np.ndarray:
    """Each clause's vector: the mean of its sentence vectors plus CONTEXT_WEIGHT times its context vector,
    normalised. The sentences are embedded anyway (the answerer needs them), and short texts cost the model far
    less than one long text, so a build embeds each word about once (README, "Clause vectors: composed")."""
    sums = np.zeros(context_vectors.shape, dtype=np.float32)
    np.add.at(sums, np.repeat(np.arange(len(sums)), np.diff(sentence_offsets)), sentence_vectors)
    return unit_rows(unit_rows(sums) + CONTEXT_WEIGHT * context_vectors)


def keyword_text(clause: Clause, meta: DocumentMeta) -> str:
    return normalise(f"{meta.province} {clause.section} {clause.text}")


def document_groups(documents: list[DocumentMeta], clauses: list[Clause]) -> np.ndarray:
    """Each clause's document ordinal: the group the stores filter a scope by."""
    ordinal = {d.doc_id: i for i, d in enumerate(documents)}
    return np.array([ordinal[c.doc_id] for c in clauses], dtype=np.int64)


def build_index(settings: Settings, embedder: Embedder | None = None, show_progress: bool = True,
                full: bool = False) -> ClauseIndex:
    """Bring the index up to date with the corpus and swap it in: only new or changed documents are chunked and
    embedded, unless `full` (or the previous build used another model or pipeline)."""
    started = time.perf_counter()
    embedder = embedder or get_embedder(settings.embedding_backend, settings.embedding_model)
    with file_lock(settings.index_dir / BUILD_LOCK):
        remove_abandoned_builds(settings.index_dir)
        directory = _new_build_directory(settings.index_dir)  # reserved first: a killed build leaves it behind
        try:
            previous = None if full else _reusable_parts(settings, embedder)
            with corpus_lock(settings.corpus_dir):
                corpus = load_corpus(settings.corpus_dir)
                hashes = source_hashes(settings.corpus_dir)
            keys = {doc.meta.doc_id: document_key("\n".join((doc.text, *doc.page_lines)), embedding_header(doc.meta),
                                                  settings.max_clause_chars)
                    for doc in corpus.documents}
            reused = {doc_id: previous[doc_id] for doc_id, key in keys.items()
                      if previous and doc_id in previous and previous[doc_id].key == key}
            new_clauses = [c for doc in corpus.documents if doc.meta.doc_id not in reused
                           for c in chunk_document(doc.meta.doc_id, doc.text, settings.max_clause_chars,
                                                   doc.page_lines).clauses]
            # Stores add but do not remove, so every build fills a fresh one from the kept and the new clause
            # vectors (the kept ones are not embedded again); an unreachable server fails here, before embedding.
            store = create_store(settings, embedder.dim,
                                 len(new_clauses) + sum(len(part.clauses) for part in reused.values()))
            fresh = _new_parts(corpus, new_clauses, keys, embedder, show_progress)
            parts = [part for doc in corpus.documents
                     if (part := reused.get(doc.meta.doc_id) or fresh.get(doc.meta.doc_id)) is not None]
            index = _assemble(settings, embedder, corpus, parts, store, hashes, keys, len(reused), started,
                              directory)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
    log.info("索引已更新：%d 份文档（%d 份沿用上次结果），%d 个条款，用时 %.1f 秒", index.manifest.documents,
             len(reused), index.manifest.clauses, index.manifest.build_seconds)
    return index


def _reusable_parts(settings: Settings, embedder: Embedder) -> dict[str, DocumentPart] | None:
    """Per-document rows of the current build, when it was made by this model and pipeline; else None."""
    try:
        previous = read_index(settings.index_dir, settings)
        if _incompatibility(previous, settings, embedder.name):
            return None
        return split_parts(previous.clauses, np.load(previous.directory / CLAUSE_VECTORS),
                           previous.sentence_vectors, previous.sentence_offsets, previous.manifest.document_keys)
    except (IndexUnavailable, OSError, ValueError) as problem:
        log.info("no reusable previous index (%s): full build", problem)
        return None


def _new_parts(corpus: Corpus, clauses: list[Clause], keys: dict[str, str], embedder: Embedder,
               show_progress: bool) -> dict[str, DocumentPart]:
    """Embed the clauses of the new or changed documents (all in shared batches)."""
    metas = {doc.meta.doc_id: doc.meta for doc in corpus.documents}
    return split_parts(clauses, *embed_clauses(embedder, clauses, metas, show_progress), keys)


def embed_clauses(embedder: Embedder, clauses: list[Clause], metas: dict[str, DocumentMeta],
                  show_progress: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(clause vectors, sentence vectors, sentence offsets). Sentence vectors let the answerer find the
    sentence that answers a paraphrased or English question without embedding anything but the question at
    query time (README, "Sentence vectors": kept); clause vectors are composed from them and one vector per
    distinct context."""
    split = [embedded_sentences(c) for c in clauses]
    sentence_offsets = np.cumsum([0] + [len(group) for group in split])
    sentence_vectors = _embed(embedder, [s for group in split for s in group], "嵌入句子", show_progress)
    contexts = [context_text(c, metas[c.doc_id]) for c in clauses]
    distinct = list(dict.fromkeys(contexts))
    row = {text: i for i, text in enumerate(distinct)}
    context_vectors = _embed(embedder, distinct, "嵌入标题", show_progress)[[row[text] for text in contexts]]
    return compose_clause_vectors(sentence_vectors, sentence_offsets, context_vectors), sentence_vectors, \
        sentence_offsets


def _assemble(settings: Settings, embedder: Embedder, corpus: Corpus, parts: list[DocumentPart], store: VectorStore,
              hashes: dict[str, str], keys: dict[str, str], reused: int, started: float, directory: Path
              ) -> ClauseIndex:
    clauses, vectors, sentence_vectors, sentence_offsets = join_parts(parts, embedder.dim)
    metas = {doc.meta.doc_id: doc.meta for doc in corpus.documents}
    manifest = IndexManifest(
        format_version=FORMAT_VERSION,
        pipeline_version=pipeline_version(),
        embedding_model=embedder.name,
        dimension=int(vectors.shape[1]),
        corpus_fingerprint=corpus.fingerprint,
        max_clause_chars=settings.max_clause_chars,
        documents=len(corpus.documents),
        clauses=len(clauses),
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
        build_seconds=0.0,
        document_keys=keys,
        source_hashes=hashes,
        reused_documents=reused,
    )
    documents = [d.meta for d in corpus.documents]
    groups = document_groups(documents, clauses)
    store.add(vectors, groups)
    keywords = KeywordIndex.build([keyword_text(c, metas[c.doc_id]) for c in clauses], groups)
    manifest.build_seconds = round(time.perf_counter() - started, 2)
    index = ClauseIndex(manifest, documents, clauses, store, keywords, directory,
                        sentence_vectors.astype(np.float16), sentence_offsets)
    _write(settings.index_dir, index, vectors)
    return index


def _embed(embedder: Embedder, texts: list[str], label: str, show_progress: bool) -> np.ndarray:
    batches = [np.zeros((0, embedder.dim), dtype=np.float32)]
    with tqdm(total=len(texts), desc=label, unit="条", disable=not show_progress) as bar:
        for start in range(0, len(texts), EMBED_BATCH):
            batches.append(embedder.embed_passages(texts[start : start + EMBED_BATCH]))
            bar.update(len(texts[start : start + EMBED_BATCH]))
    return np.vstack(batches)


def _new_build_directory(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    directory = root / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.perf_counter_ns() % 10**6}"
    directory.mkdir()
    return directory


def _write(root: Path, index: ClauseIndex, vectors: np.ndarray) -> None:
    """Fill the build folder, manifest last, then switch the pointer to it."""
    directory = index.directory
    np.save(directory / CLAUSE_VECTORS, vectors)
    index.vectors.save(directory)
    index.keywords.save(directory)
    np.save(directory / "sentence_vectors.npy", index.sentence_vectors)
    np.save(directory / "sentence_offsets.npy", index.sentence_offsets)
    (directory / "documents.json").write_text(
        json.dumps([d.model_dump() for d in index.documents], ensure_ascii=False, indent=1), encoding="utf-8")
    with open(directory / "clauses.jsonl", "w", encoding="utf-8") as out:
        out.writelines(clause.model_dump_json() + "\n" for clause in index.clauses)
    (directory / "manifest.json").write_text(index.manifest.model_dump_json(indent=1), encoding="utf-8")
    pointer_tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    pointer_tmp.write_text(directory.name, encoding="utf-8")
    os.replace(pointer_tmp, root / POINTER)  # the atomic switch
    _remove_old_builds(root, keep=directory.name)


def _remove_old_builds(root: Path, keep: str) -> None:
    """Keep the new build and the one before it (a reader may still have it open)."""
    builds = sorted((p for p in root.glob("build-*") if p.is_dir() and p.name != keep),
                    key=lambda p: p.stat().st_mtime)
    for old in builds[:-1]:
        discard_store(old)
        shutil.rmtree(old, ignore_errors=True)


def remove_abandoned_builds(root: Path) -> list[str]:
    """Folders and pointer files of builds that never finished (the process was killed): called under the build
    lock, so no live build owns them. A finished build always has its manifest, written last before the swap."""
    current = (root / POINTER).read_text(encoding="utf-8").strip() if (root / POINTER).exists() else None
    removed = []
    for path in root.glob("build-*"):
        if path.is_dir() and path.name != current and not (path / "manifest.json").exists():
            discard_store(path)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for tmp in root.glob(f".{POINTER}.*.tmp"):
        tmp.unlink(missing_ok=True)
    if removed:
        log.warning("已清理中断的索引构建：%s", "、".join(removed))
    return removed


def read_index(root: Path, settings: Settings | None = None) -> ClauseIndex:
    """Load the current index, or raise IndexUnavailable saying what is wrong with it (`settings` name the
    vector backend; default: the global settings)."""
    settings = settings or get_settings()
    pointer = root / POINTER
    if not pointer.exists():
        raise IndexUnavailable("索引尚未建立。")
    directory = root / pointer.read_text(encoding="utf-8").strip()
    try:
        manifest = IndexManifest.model_validate_json((directory / "manifest.json").read_text(encoding="utf-8"))
        documents = [DocumentMeta(**d) for d in json.loads((directory / "documents.json").read_text("utf-8"))]
        with open(directory / "clauses.jsonl", encoding="utf-8") as lines:
            clauses = [Clause.model_validate_json(line) for line in lines if line.strip()]
        groups = document_groups(documents, clauses)
        store = load_store(settings, directory, groups)
        keywords = KeywordIndex.load(directory, groups)
        sentence_vectors = np.load(directory / "sentence_vectors.npy")
        sentence_offsets = np.load(directory / "sentence_offsets.npy")
    except StoreUnreachable:
        raise
    except IndexUnavailable as problem:
        raise IndexUnavailable(f"索引文件损坏或不完整（{problem.message}）") from problem
    except Exception as exc:  # missing file, truncated JSON, unreadable FAISS data: all mean "corrupt"
        raise IndexUnavailable(f"索引文件损坏或不完整（{type(exc).__name__}）。") from exc
    if (len(clauses) != len(store) or len(clauses) != manifest.clauses or len(sentence_offsets) != len(clauses) + 1
            or sentence_offsets[-1] != len(sentence_vectors)):
        raise IndexUnavailable("索引文件损坏：条款数与向量数不一致。")
    return ClauseIndex(manifest, documents, clauses, store, keywords, directory, sentence_vectors, sentence_offsets)


def _incompatibility(index: ClauseIndex, settings: Settings, embedder_name: str) -> str | None:
    """Why the index's clauses or vectors cannot be used at all with this code and model; None when they can."""
    manifest = index.manifest
    if manifest.format_version != FORMAT_VERSION or manifest.pipeline_version != pipeline_version():
        return "索引由旧版本程序生成"
    if manifest.embedding_model != embedder_name:
        return f"嵌入模型已更换（索引：{manifest.embedding_model}，当前：{embedder_name}）"
    if manifest.max_clause_chars != settings.max_clause_chars:
        return "条款切分设置已更改"
    return None


def staleness(index: ClauseIndex, settings: Settings, embedder_name: str) -> str | None:
    """Why the index no longer matches the corpus, code or model; None when it is current."""
    reason = _incompatibility(index, settings, embedder_name)
    if reason:
        return reason
    if pending_changes(index, settings.corpus_dir):  # per file, so a reworded manifest comment changes nothing
        return "文档库已变化"
    return None


def pending_changes(index: ClauseIndex, corpus_dir: Path) -> list[PendingDocument]:
    """Documents added, changed or removed in the corpus since this index was built (cheap: no parsing)."""
    return pending_documents(index.manifest.source_hashes, {d.source_file: d.doc_id for d in index.documents},
                             corpus_dir)


def load_or_build(settings: Settings, embedder: Embedder | None = None, show_progress: bool = False,
                  stale_ok: bool = False) -> ClauseIndex:
    """The index ready to use: built when missing, rebuilt (with a logged reason) when corrupt or stale.

    With `stale_ok`, an index that is only behind the corpus is returned as it is: the caller answers from it
    and updates it elsewhere (the server in the background, the CLI on `assistant index build`)."""
    embedder = embedder or get_embedder(settings.embedding_backend, settings.embedding_model)
    try:
        index = read_index(settings.index_dir, settings)
    except StoreUnreachable:
        raise
    except IndexUnavailable as problem:
        log.warning("%s正在建立索引…", problem.message)
        return build_index(settings, embedder, show_progress)
    reason = staleness(index, settings, embedder.name)
    if reason and not (stale_ok and not _incompatibility(index, settings, embedder.name)):
        log.warning("索引已过期（%s），正在更新…", reason)
        return build_index(settings, embedder, show_progress)
    return index
