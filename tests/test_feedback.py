"""Feedback: stored durably under data_dir, created on demand, exported as JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from assistant.errors import NotFound
from assistant.feedback import (
    DB_NAME,
    MAX_COMMENT_CHARS,
    FeedbackStore,
    InvalidFeedback,
)
from assistant.models import Answer, Citation
from assistant.settings import Settings


def _answer(answerable: bool = True) -> Answer:
    citation = Citation(n=1, doc_id="hunan-2017", title="湖南省人民政府关于加快质量发展建设质量强省的实施意见",
                        province="湖南", section="一、总体要求 > （四）主要目标", clause_id="hunan-2017#1.4.b2",
                        text="在工程质量上，工程项目一次性验收合格率达到99.3%。", score=0.9)
    return Answer(answer="……达到99.3%。”[1]", answerable=answerable, citations=[citation],
                  rewritten_question="四川省到2020年工程项目一次性验收合格率要达到多少？")


def test_store_is_created_on_first_write_only(tmp_path):
    store = FeedbackStore.from_settings(Settings(data_dir=tmp_path / "data"))
    assert list(store.records()) == [] and not (tmp_path / "data").exists()
    store.add("up", "那四川呢？", _answer())
    assert (tmp_path / "data" / DB_NAME).is_file()


def test_record_keeps_question_answer_citations_and_time(tmp_path):
    store = FeedbackStore(tmp_path / DB_NAME)
    feedback_id = store.add("down", "那四川呢？", _answer(), comment="  数字不对  ")
    (record,) = store.records()
    assert record.id == feedback_id and record.rating == "down" and record.comment == "数字不对"
    assert record.question == "那四川呢？" and record.rewritten_question.startswith("四川省")
    assert record.citations == ["hunan-2017#1.4.b2"] and record.answerable and "99.3%" in record.answer
    assert record.created_at.endswith("+00:00")


def test_comment_and_rating_can_be_changed_later(tmp_path):
    store = FeedbackStore(tmp_path / DB_NAME)
    feedback_id = store.add("up", "问题", _answer())
    store.set_comment(feedback_id, "引用准确")
    store.set_rating(feedback_id, "down")
    (record,) = store.records()
    assert record.comment == "引用准确" and record.rating == "down" and record.updated_at


def test_feedback_survives_a_new_store_object(tmp_path):
    FeedbackStore(tmp_path / DB_NAME).add("up", "问题", _answer())
    assert len(list(FeedbackStore(tmp_path / DB_NAME).records())) == 1


@pytest.mark.parametrize("call", [
    lambda s: s.add("meh", "问题", _answer()),  # type: ignore[arg-type]
    lambda s: s.add("up", "问题", _answer(), comment="长" * (MAX_COMMENT_CHARS + 1)),
])
def test_bad_feedback_is_rejected_with_a_message(tmp_path, call):
    with pytest.raises(InvalidFeedback) as error:
        call(FeedbackStore(tmp_path / DB_NAME))
    assert error.value.message


def test_comment_on_unknown_record_is_not_found(tmp_path):
    with pytest.raises(NotFound):
        FeedbackStore(tmp_path / DB_NAME).set_comment(42, "x")


def test_concurrent_ratings_are_all_kept(tmp_path):
    store = FeedbackStore(tmp_path / DB_NAME)
    threads = [threading.Thread(target=store.add, args=("up", f"问题{i}", _answer())) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.question for r in store.records()) == sorted(f"问题{i}" for i in range(20))


def test_cli_exports_json_lines(tmp_path):
    store = FeedbackStore(tmp_path / DB_NAME)
    store.add("up", "湖南省到2020年工程项目一次性验收合格率要达到多少？", _answer())
    store.add("down", "<script>alert(1)</script>", _answer(False), comment="无关")
    result = subprocess.run([sys.executable, "-m", "assistant", "feedback", "export"], capture_output=True,
                            text=True, env={"POLICYQA_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
                            check=True, timeout=120)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["rating"] for line in lines] == ["up", "down"]
    assert lines[1]["question"] == "<script>alert(1)</script>" and lines[1]["comment"] == "无关"
    assert set(lines[0]) >= {"id", "created_at", "rating", "question", "answer", "citations", "comment"}


def test_cli_export_with_no_feedback_prints_nothing(tmp_path):
    result = subprocess.run([sys.executable, "-m", "assistant", "feedback", "export"], capture_output=True,
                            text=True, env={"POLICYQA_DATA_DIR": str(tmp_path / "none"), "PATH": "/usr/bin:/bin"},
                            timeout=120)
    assert result.returncode == 0 and result.stdout == ""
