"""The UI without a browser: example questions work on the corpus, streaming, history, mounting, broken index."""

from __future__ import annotations

import gradio as gr
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.models import Answer
from assistant.ui import build_ui
from assistant.ui.app import EXAMPLES, Turn, _history, _stream


@pytest.mark.parametrize("question", EXAMPLES)
def test_every_example_question_is_answered_with_citations(assistant, question):
    answer = assistant.ask(question)
    assert answer.answerable and answer.citations


def test_extractive_answer_is_streamed_in_pieces_then_whole(assistant):
    items = list(_stream(assistant, "湖南省到2020年工程项目一次性验收合格率要达到多少？"))
    pieces, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and len(pieces) > 5
    assert all(isinstance(p, str) for p in pieces) and final.answer.startswith("".join(pieces))


def test_ask_stream_is_used_when_the_api_offers_it():
    final = Answer(answer="甲乙", answerable=True, citations=[])

    class Streaming:
        def ask_stream(self, question, **kwargs):
            yield from ("甲", "乙", final)

        def ask(self, *args, **kwargs):  # pragma: no cover - must not be called
            raise AssertionError("ask_stream should be preferred")

    assert list(_stream(Streaming(), "问题")) == ["甲", "乙", final]


def test_history_passes_questions_as_understood():
    first = Turn("湖南省到2020年工程项目一次性验收合格率要达到多少？",
                 Answer(answer="…99.3%", answerable=True, citations=[]))
    second = Turn("那四川呢？", Answer(answer="…100%", answerable=True, citations=[],
                                      rewritten_question="四川省到2020年工程项目一次性验收合格率要达到多少？"))
    assert _history([None, first, None, None, second]) == [
        {"role": "user", "content": first.question}, {"role": "assistant", "content": "…99.3%"},
        {"role": "user", "content": "四川省到2020年工程项目一次性验收合格率要达到多少？"},
        {"role": "assistant", "content": "…100%"},
    ]


def test_ui_mounted_on_fastapi_keeps_its_look(assistant):
    app = gr.mount_gradio_app(FastAPI(), build_ui(assistant), path="/")
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
        config = client.get("/config").text
    assert "政策问答助手" in config and ".pq-header" in config  # styles travel inside the Blocks


def test_ui_builds_without_an_index_and_says_why():
    ui = build_ui(None, "索引文件缺失")
    config = ui.get_config_file()
    html = " ".join(str(c.get("props", {}).get("value", "")) for c in config["components"])
    assert "知识库暂不可用" in html and "索引文件缺失" in html
