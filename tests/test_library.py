"""The document library on real files: safe names, refused bad input that changes nothing, duplicates found by
content (traditional copies too), metadata corrections kept in the manifest, serialised concurrent uploads."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
import yaml
from extra_documents import (  # pytest puts tests/ on sys.path
    DONGTOU,
    XIANGXI_TRAD,
    needs_extra,
)

from assistant.corpus import load_corpus
from assistant.errors import NotFound
from assistant.library import (
    DocumentLibrary,
    DocumentTooLarge,
    DuplicateDocument,
    InvalidDocument,
    LastDocument,
    MetadataFields,
    content_fingerprint,
)
from assistant.settings import PROJECT_ROOT, Settings
from assistant.text import to_simplified

pytestmark = needs_extra
SICHUAN = "003_b452e910d48fa78e.txt"


@pytest.fixture()
def library(tmp_path) -> DocumentLibrary:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROJECT_ROOT / "corpus" / SICHUAN, corpus / SICHUAN)
    return DocumentLibrary(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", max_document_bytes=200_000))


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every visible file of the corpus with its bytes (the library's own hidden folder excluded)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_added_document_is_stored_under_its_name_with_its_metadata(library):
    meta = library.add(DONGTOU.name, DONGTOU.read_bytes(), MetadataFields(city="温州市", doc_number="洞政发〔2017〕31号"))
    assert (library.corpus_dir / DONGTOU.name).read_bytes() == DONGTOU.read_bytes()
    assert meta.doc_id == "005-zhejiang-dongtou-bzh2017" and meta.city == "温州市"
    assert meta.doc_number == "洞政发〔2017〕31号" and meta.source_file == DONGTOU.name
    entries = yaml.safe_load((library.corpus_dir / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    assert entries == [{"file": DONGTOU.name, "doc_id": meta.doc_id, "city": "温州市", "doc_number": "洞政发〔2017〕31号"}]
    assert not list((library.corpus_dir / ".library").glob("staging/*")) and not (
        library.corpus_dir / ".library" / "journal.json").exists()


@pytest.mark.parametrize("name, data, error, message", [
    ("policy.exe", b"MZ\x90\x00", InvalidDocument, "不支持的文件类型"),
    ("empty.txt", b"", InvalidDocument, "文件为空"),
    ("blank.txt", "   \n\n".encode(), InvalidDocument, "没有可读取的文字"),
    ("broken.docx", b"this is not a zip archive", InvalidDocument, "无法读取或已损坏"),
    ("broken.pdf", b"%PDF-1.4 truncated", InvalidDocument, "无法读取或已损坏"),
    ("../escape.txt", "一、总则".encode(), InvalidDocument, "文件名不合法"),
    ("sub/dir.txt", "一、总则".encode(), InvalidDocument, "文件名不合法"),
    ("sub\\dir.txt", "一、总则".encode(), InvalidDocument, "文件名不合法"),
    ("a..b.txt", "一、总则".encode(), InvalidDocument, "文件名不合法"),
    (".hidden.txt", "一、总则".encode(), InvalidDocument, "文件名不合法"),
    ("big.txt", "质".encode() * 70_000, DocumentTooLarge, "文件过大"),
])
def test_bad_upload_is_refused_in_chinese_and_changes_nothing(library, name, data, error, message):
    before = _snapshot(library.corpus_dir)
    with pytest.raises(error, match=message):
        library.add(name, data)
    assert _snapshot(library.corpus_dir) == before
    assert not list((library.corpus_dir / ".library").glob("staging/*"))
    assert not (library.corpus_dir.parent / "escape.txt").exists()


def test_duplicate_upload_is_refused_with_the_existing_doc_id(library):
    first = library.add(DONGTOU.name, DONGTOU.read_bytes())
    before = _snapshot(library.corpus_dir)
    with pytest.raises(DuplicateDocument, match=first.doc_id) as refused:
        library.add("another-name.txt", DONGTOU.read_bytes())
    assert refused.value.doc_id == first.doc_id and _snapshot(library.corpus_dir) == before


def test_traditional_character_copy_is_a_duplicate(library):
    library.add(XIANGXI_TRAD.name, XIANGXI_TRAD.read_bytes())
    simplified = to_simplified(XIANGXI_TRAD.read_text(encoding="utf-8"))
    assert simplified != XIANGXI_TRAD.read_text(encoding="utf-8")
    with pytest.raises(DuplicateDocument, match="015-hunan-xiangxi-yshj2020-trad"):
        library.add("xiangxi-simplified.txt", simplified.encode("gb18030"))


def test_fingerprint_ignores_spacing_punctuation_and_pinyin_glosses():
    assert content_fingerprint("當(dāng)地 政府，加强质量。") == content_fingerprint("当地政府加强质量")
    assert content_fingerprint("到2025年达到95%") != content_fingerprint("到2025年达到96%")


def test_unknown_doc_id_and_last_document(library):
    only = load_corpus(library.corpus_dir).documents[0].meta.doc_id
    for change in (lambda: library.remove("no-such-doc"), lambda: library.edit("no-such-doc", MetadataFields(title="x")),
                   lambda: library.replace("no-such-doc", DONGTOU.name, DONGTOU.read_bytes())):
        with pytest.raises(NotFound, match="未找到文档：no-such-doc"):
            change()
    before = _snapshot(library.corpus_dir)
    with pytest.raises(LastDocument, match="不能删除最后一份文档"):
        library.remove(only)
    assert _snapshot(library.corpus_dir) == before


def test_corrections_stay_in_the_manifest_through_replace_and_other_changes(library):
    meta = library.add(DONGTOU.name, DONGTOU.read_bytes())
    library.edit(meta.doc_id, MetadataFields(title="温州市洞头区人民政府关于全面实施标准化战略的意见", date="2017-10-31"))
    newer = DONGTOU.read_text(encoding="utf-8").replace("洞政发〔2017〕31号", "洞政发〔2017〕32号")
    replaced = library.replace(meta.doc_id, "dongtou.md", newer.encode("utf-8"))
    assert replaced.doc_id == meta.doc_id and replaced.source_file == "005_zhejiang-dongtou_bzh2017.md"
    assert replaced.title == "温州市洞头区人民政府关于全面实施标准化战略的意见" and replaced.date == "2017-10-31"
    assert not (library.corpus_dir / DONGTOU.name).exists()  # the old .txt went with the replacement
    library.remove(meta.doc_id)
    assert [d.source_file for d in library.documents()] == [SICHUAN]
    entries = yaml.safe_load((library.corpus_dir / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    assert entries == []


def test_manifest_comments_survive_a_change(library):
    manifest = library.corpus_dir / "manifest.yaml"
    manifest.write_text("# Hand-written notes stay.\ndocuments:\n  - file: 003_b452e910d48fa78e.txt\n"
                        "    doc_id: sichuan-zlqs\n    province: 四川\n", encoding="utf-8")
    library.edit("sichuan-zlqs", MetadataFields(date="2013-01-01"))
    text = manifest.read_text(encoding="utf-8")
    assert text.startswith("# Hand-written notes stay.\n") and "date: '2013-01-01'" in text
    assert library.document("sichuan-zlqs").date == "2013-01-01"


def test_concurrent_uploads_of_the_same_file_store_it_once(library):
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def upload(name: str) -> None:
        barrier.wait()
        try:
            outcomes.append(library.add(name, DONGTOU.read_bytes()).doc_id)
        except DuplicateDocument as refused:
            outcomes.append("duplicate of " + refused.doc_id)

    threads = [threading.Thread(target=upload, args=(f"copy-{n}.txt",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    added = [o for o in outcomes if not o.startswith("duplicate")]
    assert len(outcomes) == 4 and len(added) == 1
    assert outcomes.count("duplicate of " + added[0]) == 3
    assert len(load_corpus(library.corpus_dir).documents) == 2
